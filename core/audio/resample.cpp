#include "core/audio/resample.h"

#include "core/runtime/error.h"

#include <soxr.h>

#include <cmath>
#include <string>

namespace espalier::audio {

namespace {

std::vector<float> convert(const std::vector<float>& samples, double inRate, double outRate, const std::string& what)
{
    const size_t outLength = size_t(std::llround(double(samples.size()) * outRate / inRate));
    std::vector<float> out(outLength);
    if (outLength == 0) return out;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    size_t done = 0;
    const soxr_error_t error = soxr_oneshot(inRate, outRate, 1, samples.data(), samples.size(), nullptr,
                                            out.data(), outLength, &done, &io, &quality, nullptr);
    if (error)
        throw InputError("cannot resample " + what + ": " + error);
    out.resize(done);
    out.resize(outLength, 0.0f);  // soxr may stop a sample short of the rounded length; pad with silence
    return out;
}

} // namespace

std::vector<float> resample(const std::vector<float>& samples, int inRate, int outRate)
{
    if (inRate <= 0 || outRate <= 0)
        throw InputError("cannot resample from " + std::to_string(inRate) + " Hz to " + std::to_string(outRate) +
                         " Hz: sample rates must be positive");
    if (inRate == outRate || samples.empty()) return samples;
    return convert(samples, inRate, outRate,
                   "from " + std::to_string(inRate) + " Hz to " + std::to_string(outRate) + " Hz");
}

std::vector<float> resampleRatio(const std::vector<float>& samples, double ratio)
{
    if (!(ratio > 0.0) || !std::isfinite(ratio))
        throw InputError("cannot resample by a ratio of " + std::to_string(ratio) + ": it must be positive and finite");
    if (ratio == 1.0 || samples.empty()) return samples;
    return convert(samples, 1.0, ratio, "by a ratio of " + std::to_string(ratio));
}

} // namespace espalier::audio
