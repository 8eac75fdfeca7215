#pragma once
// Speed perturbation as sox `speed`: resampling that scales the duration by 1/factor and the pitch
// by factor (params `factors`, a list to pick from, or `range` [lo, hi]; 0.5 <= factor <= 2).
#include "core/augment/op.h"

namespace espalier::augment {

// A factor drawn from a list of choices or uniformly from a range; shared by speed and tempo.
struct FactorChoice {
    std::vector<double> factors;  // used when range is not given
    bool ranged = false;
    double lo = 1.0, hi = 1.0;
    static FactorChoice read(const ParamReader& reader);  // reads `factors` / `range`, checks bounds
    double draw(runtime::SeededRandom& random) const;
    void store(ParamMap& params) const;
    static std::vector<ParamSpec> specs(const std::string& what);
};

class SpeedOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    std::string type() const override { return "speed"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

private:
    FactorChoice choice_;
};

} // namespace espalier::augment
