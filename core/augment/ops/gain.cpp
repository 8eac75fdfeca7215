#include "core/augment/ops/gain.h"

#include <algorithm>
#include <cmath>
#include <tuple>

namespace espalier::augment {

std::unique_ptr<Op> GainOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    auto op = std::make_unique<GainOp>();
    std::tie(op->lo_, op->hi_) = reader.range("db");
    return op;
}

std::vector<ParamSpec> GainOp::specs()
{
    ParamSpec db;
    db.name = "db";
    db.kind = ParamSpec::Kind::NumberList;
    db.help = "Gain in dB drawn from [lo, hi]; the result is clipped to [-1, 1]";
    db.min = -60.0;
    db.max = 60.0;
    db.defaultValue = std::vector<double>{-10.0, 10.0};
    return {db};
}

ParamMap GainOp::params() const
{
    return {{"db", std::vector<double>{lo_, hi_}}};
}

AppliedOp GainOp::draw(const Signal&, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    a.set("gain_db", random.uniform(lo_, hi_));
    return a;
}

void GainOp::apply(Signal& signal, AppliedOp& drawn) const
{
    const double gain = std::pow(10.0, drawn.value("gain_db", 0.0) / 20.0);
    size_t clipped = 0;
    for (float& x : signal.samples) {
        const double y = double(x) * gain;
        if (y > 1.0 || y < -1.0) ++clipped;
        x = float(std::clamp(y, -1.0, 1.0));
    }
    drawn.set("clipped_fraction_measured",
              signal.samples.empty() ? 0.0 : double(clipped) / double(signal.samples.size()));
    signal.features = {};
}

} // namespace espalier::augment
