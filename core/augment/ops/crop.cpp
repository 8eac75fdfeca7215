#include "core/augment/ops/crop.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace espalier::augment {

std::unique_ptr<Op> CropOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    auto op = std::make_unique<CropOp>();
    std::tie(op->lo_, op->hi_) = reader.range("ratio");
    return op;
}

std::vector<ParamSpec> CropOp::specs()
{
    ParamSpec ratio;
    ratio.name = "ratio";
    ratio.kind = ParamSpec::Kind::NumberList;
    ratio.help = "Output length / input length, drawn from [lo, hi]; above 1 pads with silence";
    ratio.min = 0.05;
    ratio.max = 10.0;
    ratio.defaultValue = std::vector<double>{0.8, 1.2};
    return {ratio};
}

ParamMap CropOp::params() const
{
    return {{"ratio", std::vector<double>{lo_, hi_}}};
}

AppliedOp CropOp::draw(const Signal& input, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    const double ratio = random.uniform(lo_, hi_);
    const long length = long(input.samples.size());
    const long target = std::lround(ratio * double(length));
    // Crop: offset of the kept part; pad: silence before the signal.
    const long slack = std::abs(target - length);
    a.set("ratio", ratio);
    a.set("start", slack > 0 ? double(random.between(0, int(std::min<long>(slack, 2147483647L)))) : 0.0);
    return a;
}

void CropOp::apply(Signal& signal, AppliedOp& drawn) const
{
    const double ratio = drawn.value("ratio", 1.0);
    const long length = long(signal.samples.size());
    const long target = std::lround(ratio * double(length));
    const long slack = std::abs(target - length);
    // A locked draw may meet a shorter input than it was drawn for: keep the offset within range.
    const long start = std::clamp(long(drawn.value("start", 0.0)), 0L, slack);
    std::vector<float> out(size_t(target), 0.0f);
    if (target <= length)
        std::copy_n(signal.samples.begin() + start, target, out.begin());
    else
        std::copy(signal.samples.begin(), signal.samples.end(), out.begin() + start);
    signal.samples = std::move(out);
    signal.features = {};
}

} // namespace espalier::augment
