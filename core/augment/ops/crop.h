#pragma once
// Random crop to ratio × length (`ratio` [lo, hi]); a ratio above 1 pads with zeros split randomly
// between the start and the end. Records "ratio" and "start" (crop offset, or padding before).
#include "core/augment/op.h"

namespace espalier::augment {

class CropOp : public Op {
public:
    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    std::string type() const override { return "crop"; }
    Domain domain() const override { return Domain::Waveform; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

private:
    double lo_ = 0.8, hi_ = 1.2;
};

} // namespace espalier::augment
