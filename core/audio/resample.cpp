#include "audio/resample.h"

#include "runtime/error.h"

#include <soxr.h>

#include <cmath>
#include <string>

namespace espalier::audio {

std::vector<float> resample(const std::vector<float>& samples, int inRate, int outRate)
{
    if (inRate <= 0 || outRate <= 0)
        throw InputError("cannot resample from " + std::to_string(inRate) + " Hz to " + std::to_string(outRate) +
                         " Hz: sample rates must be positive");
    if (inRate == outRate || samples.empty()) return samples;

    const size_t outLength = size_t(std::llround(double(samples.size()) * outRate / inRate));
    std::vector<float> out(outLength);
    if (outLength == 0) return out;
    const soxr_io_spec_t io = soxr_io_spec(SOXR_FLOAT32_I, SOXR_FLOAT32_I);
    const soxr_quality_spec_t quality = soxr_quality_spec(SOXR_HQ, 0);
    size_t done = 0;
    const soxr_error_t error = soxr_oneshot(inRate, outRate, 1, samples.data(), samples.size(), nullptr,
                                            out.data(), outLength, &done, &io, &quality, nullptr);
    if (error)
        throw InputError("cannot resample from " + std::to_string(inRate) + " Hz to " + std::to_string(outRate) +
                         " Hz: " + error);
    out.resize(done);
    out.resize(outLength, 0.0f);  // soxr may stop a sample short of the rounded length; pad with silence
    return out;
}

} // namespace espalier::audio
