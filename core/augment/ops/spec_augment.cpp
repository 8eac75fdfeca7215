#include "core/augment/ops/spec_augment.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace espalier::augment {

namespace {

int readCount(const ParamReader& reader, const std::string& name, int fallback)
{
    if (!reader.has(name))
        return fallback;
    const int v = reader.integer(name);
    if (v < 0)
        reader.fail(name, "must be >= 0, got " + std::to_string(v));
    return v;
}

} // namespace

std::vector<ParamSpec> SpecAugmentOp::specs()
{
    using K = ParamSpec::Kind;
    return {
        {"time_warp", K::Integer, "Time warp distance in frames (0 = off)", 0, 10000, {}, 0.0, false},
        {"freq_masks", K::Integer, "Number of frequency masks", 0, 1000, {}, 2.0, false},
        {"freq_width", K::Integer, "Maximum frequency mask width in mel bins", 0, 10000, {}, 10.0, false},
        {"time_masks", K::Integer, "Number of time masks", 0, 1000, {}, 2.0, false},
        {"time_width", K::Integer, "Maximum time mask width in frames (or give time_width_ratio)", 0, 100000, {}, 50.0,
         false},
        {"time_width_ratio", K::Number, "Maximum time mask width as a fraction of the length (instead of time_width)", 0,
         1, {}, 0.05, false},
        {"fill", K::Choice, "Value of masked cells: zero, or the mean of the utterance's features", 0, 0,
         {"zero", "mean"}, std::string("zero"), false},
    };
}

std::unique_ptr<Op> SpecAugmentOp::create(const ParamMap& params, const OpContext& context)
{
    const std::vector<ParamSpec> s = specs();
    ParamReader reader(params, context, s);
    Config c;
    c.timeWarp = readCount(reader, "time_warp", 0);
    c.freqMasks = readCount(reader, "freq_masks", 2);
    c.freqWidth = readCount(reader, "freq_width", 10);
    if (c.freqWidth > context.numMelBins)
        reader.fail("freq_width", "is " + std::to_string(c.freqWidth) + " but the features have only "
                                      + std::to_string(context.numMelBins) + " mel bins");
    c.timeMasks = readCount(reader, "time_masks", 2);
    if (reader.has("time_width") && reader.has("time_width_ratio"))
        reader.fail("time_width_ratio", "give either time_width (frames) or time_width_ratio (fraction), not both");
    c.timeWidth = readCount(reader, "time_width", 50);
    if (reader.has("time_width_ratio")) {
        c.useRatio = true;
        c.timeWidth = 0;
        c.timeWidthRatio = reader.number("time_width_ratio");
        if (!(c.timeWidthRatio >= 0.0 && c.timeWidthRatio <= 1.0))
            reader.fail("time_width_ratio", "must be in [0, 1], got " + std::to_string(c.timeWidthRatio));
    }
    c.fill = Fill::Zero;
    if (reader.has("fill")) {
        const std::string fill = reader.choice("fill");
        if (fill == "mean")
            c.fill = Fill::Mean;
        else if (fill != "zero")
            reader.fail("fill", "must be zero or mean, got '" + fill + "'");
    }
    return std::make_unique<SpecAugmentOp>(c);
}

ParamMap SpecAugmentOp::params() const
{
    ParamMap p;
    p["time_warp"] = double(config_.timeWarp);
    p["freq_masks"] = double(config_.freqMasks);
    p["freq_width"] = double(config_.freqWidth);
    p["time_masks"] = double(config_.timeMasks);
    if (config_.useRatio)
        p["time_width_ratio"] = config_.timeWidthRatio;
    else
        p["time_width"] = double(config_.timeWidth);
    p["fill"] = std::string(config_.fill == Fill::Mean ? "mean" : "zero");
    return p;
}

AppliedOp SpecAugmentOp::draw(const Signal& input, runtime::SeededRandom& random) const
{
    AppliedOp record;
    record.type = type();
    const int frames = input.features.frames;
    const int bins = input.features.bins;

    // Warp as in SpecAugment: centre in [W, T - W), displacement in [-W, W].
    const int w = config_.timeWarp;
    if (w > 0 && frames > 2 * w) {
        const int center = random.between(w, frames - w - 1);
        const int shift = random.between(-w, w);
        record.set("warp_center", center);
        record.set("warp_shift", shift);
    }

    for (int i = 0; i < config_.freqMasks; ++i) {
        const int width = random.between(0, std::min(config_.freqWidth, bins));
        const int start = random.between(0, bins - width);
        record.masks.push_back({MaskAxis::Frequency, start, width});
    }
    const int maxTime = config_.useRatio ? int(std::floor(config_.timeWidthRatio * frames)) : config_.timeWidth;
    for (int i = 0; i < config_.timeMasks; ++i) {
        const int width = random.between(0, std::max(0, std::min(maxTime, frames)));
        const int start = random.between(0, std::max(0, frames - width));
        record.masks.push_back({MaskAxis::Time, start, width});
    }
    return record;
}

void SpecAugmentOp::apply(Signal& signal, AppliedOp& drawn) const
{
    runtime::FeatureMatrix& f = signal.features;
    if (f.frames <= 0 || f.bins <= 0)
        return;
    if (drawn.hasValue("warp_center"))
        timeWarp(f, int(drawn.value("warp_center", 0)), int(drawn.value("warp_shift", 0)));
    float value = 0.0f;
    if (config_.fill == Fill::Mean && !f.data.empty()) {
        double sum = 0.0;
        for (float x : f.data)
            sum += x;
        value = float(sum / double(f.data.size()));
    }
    fillMasks(f, drawn.masks, value);
}

void SpecAugmentOp::timeWarp(runtime::FeatureMatrix& features, int center, int shift)
{
    const int frames = features.frames;
    const int bins = features.bins;
    if (frames < 3 || shift == 0)
        return;
    const int last = frames - 1;
    // A record replayed on a shorter input may not fit: keep the anchors inside the matrix.
    const int c = std::clamp(center, 1, last - 1);
    const int target = std::clamp(center + shift, 0, last);
    if (target == c)
        return;
    std::vector<float> out(features.data.size());
    for (int t = 0; t < frames; ++t) {
        double src;
        if (t <= target)
            src = target > 0 ? double(t) * c / target : double(c);
        else
            src = c + double(t - target) * double(last - c) / double(last - target);
        src = std::clamp(src, 0.0, double(last));
        const int i0 = int(std::floor(src));
        const int i1 = std::min(i0 + 1, last);
        const float a = float(src - i0);
        const float* r0 = &features.data[size_t(i0) * bins];
        const float* r1 = &features.data[size_t(i1) * bins];
        float* o = &out[size_t(t) * bins];
        for (int b = 0; b < bins; ++b)
            o[b] = r0[b] + a * (r1[b] - r0[b]);
    }
    features.data.swap(out);
}

void SpecAugmentOp::fillMasks(runtime::FeatureMatrix& features, const std::vector<MaskRegion>& masks, float value)
{
    const int frames = features.frames;
    const int bins = features.bins;
    for (const MaskRegion& m : masks) {
        const int limit = m.axis == MaskAxis::Time ? frames : bins;
        const int lo = std::clamp(m.start, 0, limit);
        const int hi = std::clamp(m.start + std::max(0, m.width), lo, limit);
        if (m.axis == MaskAxis::Time) {
            std::fill(features.data.begin() + std::ptrdiff_t(lo) * bins,
                      features.data.begin() + std::ptrdiff_t(hi) * bins, value);
        } else {
            for (int t = 0; t < frames; ++t) {
                float* row = &features.data[size_t(t) * bins];
                std::fill(row + lo, row + hi, value);
            }
        }
    }
}

} // namespace espalier::augment
