#include "core/augment/ops/speed.h"

#include "core/audio/resample.h"

#include <tuple>

namespace espalier::augment {

namespace {

constexpr double kMinFactor = 0.5, kMaxFactor = 2.0;

} // namespace

std::vector<ParamSpec> FactorChoice::specs(const std::string& what)
{
    ParamSpec factors;
    factors.name = "factors";
    factors.kind = ParamSpec::Kind::NumberList;
    factors.help = what + " factors to pick from (one at random)";
    factors.min = kMinFactor;
    factors.max = kMaxFactor;
    factors.defaultValue = std::vector<double>{0.9, 1.0, 1.1};
    ParamSpec range;
    range.name = "range";
    range.kind = ParamSpec::Kind::NumberList;
    range.help = what + " factor drawn uniformly from [lo, hi] (instead of factors)";
    range.min = kMinFactor;
    range.max = kMaxFactor;
    range.defaultValue = std::vector<double>{};
    return {factors, range};
}

FactorChoice FactorChoice::read(const ParamReader& reader)
{
    FactorChoice c;
    if (reader.has("range")) {
        if (reader.has("factors")) reader.fail("range", "cannot be given together with 'factors': give one of them");
        c.ranged = true;
        std::tie(c.lo, c.hi) = reader.range("range");
    } else {
        c.factors = reader.numbers("factors");
        if (c.factors.empty()) reader.fail("factors", "must list at least one factor");
    }
    return c;
}

double FactorChoice::draw(runtime::SeededRandom& random) const
{
    return ranged ? random.uniform(lo, hi) : random.pick(factors);
}

void FactorChoice::store(ParamMap& params) const
{
    if (ranged)
        params["range"] = std::vector<double>{lo, hi};
    else
        params["factors"] = factors;
}

std::unique_ptr<Op> SpeedOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    auto op = std::make_unique<SpeedOp>();
    op->choice_ = FactorChoice::read(reader);
    return op;
}

std::vector<ParamSpec> SpeedOp::specs()
{
    return FactorChoice::specs("Speed (duration / factor, pitch × factor)");
}

ParamMap SpeedOp::params() const
{
    ParamMap p;
    choice_.store(p);
    return p;
}

AppliedOp SpeedOp::draw(const Signal&, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    a.set("factor", choice_.draw(random));
    return a;
}

void SpeedOp::apply(Signal& signal, AppliedOp& drawn) const
{
    const double factor = drawn.value("factor", 1.0);
    if (factor == 1.0) return;
    // sox `speed`: play the samples as if recorded at rate × factor, then convert back to rate.
    signal.samples = audio::resampleRatio(signal.samples, 1.0 / factor);
    signal.features = {};
}

} // namespace espalier::augment
