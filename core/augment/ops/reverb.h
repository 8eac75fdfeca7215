#pragma once
// Reverberation: FFT convolution with a room impulse response, either a file (`rir`: an audio file or
// a manifest of them, picked at random) or generated from `rt60` [lo, hi] seconds (exponentially
// decaying Gaussian noise after a direct-path impulse, `direct_ratio_db` optional). The output keeps
// the input's length and RMS; a recorded response is aligned on its strongest tap (the propagation
// delay before it is dropped). Records "rt60" (and "direct_ratio_db") or label "rir".
#include "core/augment/op.h"

#include <memory>

namespace espalier::augment {

class AudioCache;

class ReverbOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    ~ReverbOp() override;
    std::string type() const override { return "reverb"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

    // A synthetic RIR: a unit impulse then Gaussian noise decaying 60 dB over rt60 seconds, scaled so
    // the tail's energy is directRatioDb below the direct path; deterministic for a seed.
    static std::vector<float> generateRir(double rt60, double directRatioDb, int sampleRate, std::uint64_t seed);
    // Linear convolution of x with h, truncated to x's length (FFT based).
    static std::vector<float> convolve(const std::vector<float>& x, const std::vector<float>& h);

private:
    ReverbOp() = default;
    std::string rirParam_;              // as given
    std::vector<std::string> rirFiles_; // resolved
    double rt60Lo_ = 0.2, rt60Hi_ = 0.8;
    bool hasDirectRatio_ = false;
    double directLo_ = 0.0, directHi_ = 0.0;
    std::shared_ptr<AudioCache> cache_;
};

} // namespace espalier::augment
