#pragma once
// Sample-rate conversion with libsoxr (high quality, linear phase).
#include <vector>

namespace espalier::audio {

// Returns samples converted from inRate to outRate. Throws InputError on non-positive rates.
std::vector<float> resample(const std::vector<float>& samples, int inRate, int outRate);

} // namespace espalier::audio
