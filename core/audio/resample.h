#pragma once
// Sample-rate conversion with libsoxr (high quality, linear phase).
#include <vector>

namespace espalier::audio {

// Returns samples converted from inRate to outRate. Throws InputError on non-positive rates.
std::vector<float> resample(const std::vector<float>& samples, int inRate, int outRate);

// Converts by a real ratio outRate / inRate (e.g. 1 / 1.1 for sox `speed 1.1`): the result has
// round(size × ratio) samples. Throws InputError unless the ratio is positive and finite.
std::vector<float> resampleRatio(const std::vector<float>& samples, double ratio);

} // namespace espalier::audio
