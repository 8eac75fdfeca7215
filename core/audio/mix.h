#pragma once
// Signal levels and additive mixing at a target signal-to-noise ratio.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace espalier::audio {

// Mean power (mean of squares); 0 for an empty signal.
double power(const std::vector<float>& samples);

// Returns signal + g·noise, with g chosen so that 10·log10(P_signal / P(g·noise)) = snrDb.
// The noise is looped (or cut) to the signal's length. Throws InputError for NaN/inf SNR, empty or
// silent noise.
std::vector<float> mixAtSnr(const std::vector<float>& signal, const std::vector<float>& noise, double snrDb);

enum class NoiseColour { White, Pink, Brown };

// Generates unit-power coloured noise, deterministic for a seed.
std::vector<float> colouredNoise(NoiseColour colour, size_t length, std::uint64_t seed);

// Scales samples so that the peak magnitude is at most `peak` (no-op for silence).
void normalizePeak(std::vector<float>& samples, float peak);

} // namespace espalier::audio
