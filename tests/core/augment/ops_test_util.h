#pragma once
// Signals and measurements shared by the tests of the time-domain ops.
#include "core/augment/op.h"
#include "core/runtime/error.h"

#include <QString>

#include <cmath>
#include <complex>
#include <functional>
#include <vector>

namespace espalier::augment::testing {

constexpr double kPi = 3.14159265358979323846;

inline std::vector<float> tone(double hz, double seconds, int rate = 16000, double amplitude = 0.5)
{
    std::vector<float> x(size_t(std::lround(seconds * rate)));
    for (size_t i = 0; i < x.size(); ++i) x[i] = float(amplitude * std::sin(2 * kPi * hz * double(i) / rate));
    return x;
}

inline Signal signalOf(std::vector<float> samples, int rate = 16000)
{
    Signal s;
    s.samples = std::move(samples);
    s.sampleRate = rate;
    return s;
}

inline double meanPower(const std::vector<float>& x)
{
    double sum = 0;
    for (float v : x) sum += double(v) * v;
    return x.empty() ? 0.0 : sum / double(x.size());
}

// |DTFT| of x (Hann window) at hz.
inline double magnitudeAt(const std::vector<float>& x, double hz, int rate)
{
    std::complex<double> sum = 0;
    const std::complex<double> step = std::polar(1.0, -2 * kPi * hz / rate);
    std::complex<double> w = 1;
    const double n = double(x.size());
    for (size_t i = 0; i < x.size(); ++i, w *= step)
        sum += w * double(x[i]) * (0.5 - 0.5 * std::cos(2 * kPi * double(i) / n));
    return std::abs(sum);
}

// The dominant frequency in [lo, hi] Hz: a 2 Hz scan of the windowed DTFT refined by golden section.
inline double dominantFrequency(const std::vector<float>& x, int rate, double lo = 50, double hi = 4000)
{
    double best = lo, bestMag = -1;
    for (double f = lo; f <= hi; f += 2.0) {
        const double m = magnitudeAt(x, f, rate);
        if (m > bestMag) {
            bestMag = m;
            best = f;
        }
    }
    double a = best - 2, b = best + 2;
    const double g = (std::sqrt(5.0) - 1) / 2;
    for (int i = 0; i < 40; ++i) {
        const double c = b - g * (b - a), d = a + g * (b - a);
        if (magnitudeAt(x, c, rate) > magnitudeAt(x, d, rate))
            b = d;
        else
            a = c;
    }
    return (a + b) / 2;
}

// Runs f and returns the InputError's message ("" when nothing was thrown).
inline QString errorOf(const std::function<void()>& f)
{
    try {
        f();
    } catch (const InputError& e) {
        return QString::fromStdString(e.what());
    }
    return {};
}

} // namespace espalier::augment::testing
