#pragma once
// Tempo change without pitch change by WSOLA (waveform-similarity overlap-add): the duration scales
// by 1/factor while the pitch is kept (params `factors` or `range`, as the speed op).
#include "core/augment/op.h"
#include "core/augment/ops/speed.h"

namespace espalier::augment {

class TempoOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    std::string type() const override { return "tempo"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

    // WSOLA time stretch of samples at sampleRate: output length ≈ length / factor, pitch kept.
    static std::vector<float> stretch(const std::vector<float>& samples, int sampleRate, double factor);

private:
    FactorChoice choice_;
};

} // namespace espalier::augment
