#pragma once
// Additive noise at a target SNR: coloured noise (white, pink, brown), a random noise file of
// `noise_manifest` (random offset, looped) or babble (a sum of random utterances of it). Records
// "snr_db", "snr_measured_db", label "noise" and "file". Thread-safe: decoded files are cached
// under a mutex, so one op can be shared by several training workers.
#include "core/augment/op.h"

#include <memory>

namespace espalier::augment {

class AudioCache;

class NoiseOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    ~NoiseOp() override;
    std::string type() const override { return "noise"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

private:
    NoiseOp() = default;
    std::vector<double> snrChoices_;  // non-empty: pick one; else uniform in [snrLo_, snrHi_]
    double snrLo_ = 10.0, snrHi_ = 20.0;
    std::vector<std::string> sources_;
    std::string manifestParam_;             // as given
    std::vector<std::string> noiseFiles_;   // resolved audio paths of the manifest
    int talkersLo_ = 3, talkersHi_ = 5;
    std::shared_ptr<AudioCache> cache_;
};

} // namespace espalier::augment
