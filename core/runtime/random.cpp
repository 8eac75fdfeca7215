#include "core/runtime/random.h"

#include <cmath>
#include <stdexcept>

namespace espalier::runtime {

std::uint64_t SeededRandom::below(std::uint64_t n)
{
    if (n == 0)
        throw std::invalid_argument("SeededRandom::below: n must be positive");
    // Rejection sampling: drop the top partial block so that every residue is equally likely.
    const std::uint64_t threshold = (0 - n) % n;
    for (;;) {
        const std::uint64_t r = next();
        if (r >= threshold)
            return r % n;
    }
}

int SeededRandom::between(int lo, int hi)
{
    if (hi < lo)
        std::swap(lo, hi);
    return lo + int(below(std::uint64_t(std::int64_t(hi) - lo + 1)));
}

double SeededRandom::unit()
{
    return double(next() >> 11) * (1.0 / 9007199254740992.0);  // 53 bits / 2^53
}

double SeededRandom::normal()
{
    // Box-Muller with u1 in (0, 1] so the logarithm is finite.
    const double u1 = 1.0 - unit();
    const double u2 = unit();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

std::uint64_t deriveSeed(std::uint64_t seed, std::uint64_t index)
{
    auto mix = [](std::uint64_t z) {
        z += 0x9e3779b97f4a7c15ULL;
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
        return z ^ (z >> 31);
    };
    return mix(mix(seed) ^ index);
}

} // namespace espalier::runtime
