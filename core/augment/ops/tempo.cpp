#include "core/augment/ops/tempo.h"

#include <algorithm>
#include <cmath>

namespace espalier::augment {

namespace {
constexpr double kPi = 3.14159265358979323846;
} // namespace

std::unique_ptr<Op> TempoOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    auto op = std::make_unique<TempoOp>();
    op->choice_ = FactorChoice::read(reader);
    return op;
}

std::vector<ParamSpec> TempoOp::specs()
{
    return FactorChoice::specs("Tempo (duration / factor, pitch kept)");
}

ParamMap TempoOp::params() const
{
    ParamMap p;
    choice_.store(p);
    return p;
}

AppliedOp TempoOp::draw(const Signal&, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    a.set("factor", choice_.draw(random));
    return a;
}

void TempoOp::apply(Signal& signal, AppliedOp& drawn) const
{
    signal.samples = stretch(signal.samples, signal.sampleRate, drawn.value("factor", 1.0));
    signal.features = {};
}

std::vector<float> TempoOp::stretch(const std::vector<float>& samples, int sampleRate, double factor)
{
    if (factor == 1.0 || samples.empty() || !(factor > 0.0) || sampleRate <= 0) return samples;
    // 25 ms Hann frames at 50 % overlap (the periodic window sums to one), ±10 ms search.
    const long frame = std::max(16L, 2 * std::lround(0.0125 * sampleRate));
    const long synthesisHop = frame / 2;
    const long overlap = frame - synthesisHop;
    const double analysisHop = double(synthesisHop) * factor;
    const long tolerance = std::max(1L, std::lround(0.010 * sampleRate));
    const long length = long(samples.size());
    const long outLength = std::lround(double(length) / factor);
    const long frames = (outLength + synthesisHop - 1) / synthesisHop + 1;

    // Input with silence before (room to search left of the first frames) and after.
    const long pre = tolerance;
    const long lastNominal = pre + long(std::ceil(double(frames) * analysisHop));
    std::vector<double> x(size_t(std::max(lastNominal + tolerance + 2 * frame, pre + length + 2 * frame)), 0.0);
    for (long i = 0; i < length; ++i) x[size_t(pre + i)] = samples[size_t(i)];
    std::vector<double> energy(x.size() + 1, 0.0);  // prefix sums of squares
    for (size_t i = 0; i < x.size(); ++i) energy[i + 1] = energy[i] + x[i] * x[i];
    const long maxPos = long(x.size()) - frame;

    std::vector<double> window(static_cast<size_t>(frame));
    for (long n = 0; n < frame; ++n) window[size_t(n)] = 0.5 - 0.5 * std::cos(2.0 * kPi * double(n) / double(frame));

    std::vector<double> acc(size_t(frames * synthesisHop + frame), 0.0), weight(acc.size(), 0.0);
    long previous = pre;
    for (long k = 0; k < frames; ++k) {
        long pos = pre;
        if (k > 0) {
            // The segment most similar (normalised cross-correlation) to the natural continuation of
            // the previous frame, within ±tolerance of the nominal analysis position. As SoundTouch
            // does, the score is weighted towards the nominal position so that, among the near-equal
            // candidates a periodic signal offers, timing stays close to the nominal one.
            const long nominal = std::clamp(pre + std::lround(double(k) * analysisHop), 0L, maxPos);
            const long target = previous + synthesisHop;
            const double targetEnergy = energy[size_t(target + overlap)] - energy[size_t(target)];
            const long lo = std::max(0L, nominal - tolerance), hi = std::min(maxPos, nominal + tolerance);
            const auto score = [&](long c) {
                const double e = (energy[size_t(c + overlap)] - energy[size_t(c)]) * targetEnergy;
                double correlation = 0.0;
                if (e > 1e-20) {
                    double dot = 0.0;
                    const double* a = x.data() + target;
                    const double* b = x.data() + c;
                    for (long i = 0; i < overlap; ++i) dot += a[i] * b[i];
                    correlation = dot / std::sqrt(e);
                }
                const double offset = double(c - nominal) / double(tolerance);
                return (correlation + 0.1) * (1.0 - 0.25 * offset * offset);
            };
            pos = nominal;
            double best = score(nominal);
            for (long c = lo; c <= hi; ++c) {
                if (c == nominal) continue;
                const double s = score(c);
                if (s > best) {
                    best = s;
                    pos = c;
                }
            }
        }
        const size_t out = size_t(k * synthesisHop);
        for (long n = 0; n < frame; ++n) {
            acc[out + size_t(n)] += window[size_t(n)] * x[size_t(pos + n)];
            weight[out + size_t(n)] += window[size_t(n)];
        }
        previous = pos;
    }

    std::vector<float> result(static_cast<size_t>(outLength));
    for (long i = 0; i < outLength; ++i) {
        const double w = weight[size_t(i)];
        result[size_t(i)] = w > 1e-6 ? float(acc[size_t(i)] / w) : 0.0f;
    }
    return result;
}

} // namespace espalier::augment
