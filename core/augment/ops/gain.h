#pragma once
// Gain in dB drawn from `db` [lo, hi]; the result is clipped to [-1, 1]. Records "gain_db" and
// "clipped_fraction_measured".
#include "core/augment/op.h"

namespace espalier::augment {

class GainOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    std::string type() const override { return "gain"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

private:
    double lo_ = -10.0, hi_ = 10.0;
};

} // namespace espalier::augment
