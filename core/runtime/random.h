#pragma once
// Reproducible random draws: std::mt19937_64's sequence is fixed by the standard but the std
// distributions are not, so every draw Espalier makes (corpus synthesis, augmentation, dither)
// goes through here and is the same on every platform.
#include <cstdint>
#include <random>
#include <vector>

namespace espalier::runtime {

class SeededRandom {
public:
    explicit SeededRandom(std::uint64_t seed) : engine_(seed) {}
    std::uint64_t next() { return engine_(); }
    std::uint64_t below(std::uint64_t n);        // uniform in [0, n); n > 0
    int between(int lo, int hi);                 // uniform in [lo, hi]
    double unit();                               // uniform in [0, 1)
    double uniform(double lo, double hi) { return lo + (hi - lo) * unit(); }
    double normal();                             // standard normal (Box-Muller)
    bool chance(double probability) { return unit() < probability; }
    template <class T>
    const T& pick(const std::vector<T>& items) { return items[size_t(below(items.size()))]; }

private:
    std::mt19937_64 engine_;
};

// A seed for item `index` of a stream seeded with `seed` (splitmix64 of both), so items can be
// drawn independently of each other and of the order they are made in.
std::uint64_t deriveSeed(std::uint64_t seed, std::uint64_t index);

} // namespace espalier::runtime
