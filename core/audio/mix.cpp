#include "core/audio/mix.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <string>

namespace espalier::audio {

namespace {

// Uniform in (0, 1) from the top 53 bits, so the stream is the same on every platform.
double uniformOpen(std::mt19937_64& rng)
{
    return (double(rng() >> 11) + 0.5) * (1.0 / 9007199254740992.0);
}

// Standard normal samples by Box-Muller (std::normal_distribution differs between libraries).
class Gaussian {
public:
    explicit Gaussian(std::uint64_t seed) : rng_(seed) {}
    double next()
    {
        if (haveSpare_) {
            haveSpare_ = false;
            return spare_;
        }
        const double r = std::sqrt(-2.0 * std::log(uniformOpen(rng_)));
        const double theta = 6.283185307179586 * uniformOpen(rng_);
        spare_ = r * std::sin(theta);
        haveSpare_ = true;
        return r * std::cos(theta);
    }

private:
    std::mt19937_64 rng_;
    double spare_ = 0.0;
    bool haveSpare_ = false;
};

// Paul Kellet's refined pink filter: -3 dB/octave within ±0.05 dB above 2e-4 of the sample rate.
class PinkFilter {
public:
    double operator()(double white)
    {
        b_[0] = 0.99886 * b_[0] + white * 0.0555179;
        b_[1] = 0.99332 * b_[1] + white * 0.0750759;
        b_[2] = 0.96900 * b_[2] + white * 0.1538520;
        b_[3] = 0.86650 * b_[3] + white * 0.3104856;
        b_[4] = 0.55000 * b_[4] + white * 0.5329522;
        b_[5] = -0.7616 * b_[5] - white * 0.0168980;
        const double pink = b_[0] + b_[1] + b_[2] + b_[3] + b_[4] + b_[5] + b_[6] + white * 0.5362;
        b_[6] = white * 0.115926;
        return pink;
    }

private:
    double b_[7] = {0, 0, 0, 0, 0, 0, 0};
};

// Leaky integrator: -6 dB/octave above about 1e-3 of the sample rate, bounded below it.
class BrownFilter {
public:
    double operator()(double white)
    {
        y_ = kLeak * y_ + white;
        return y_;
    }

private:
    static constexpr double kLeak = 0.995;
    double y_ = 0.0;
};

// Samples run through a filter before output, so it starts in its steady state.
constexpr size_t kWarmUp = 8192;

} // namespace

double power(const std::vector<float>& samples)
{
    if (samples.empty()) return 0.0;
    double sum = 0.0;
    for (float x : samples) sum += double(x) * double(x);
    return sum / double(samples.size());
}

std::vector<float> mixAtSnr(const std::vector<float>& signal, const std::vector<float>& noise, double snrDb)
{
    if (!std::isfinite(snrDb)) throw InputError("cannot mix noise: the SNR must be a finite number of dB");
    if (noise.empty()) throw InputError("cannot mix noise: the noise is empty");
    std::vector<float> fitted(signal.size());
    for (size_t i = 0; i < signal.size(); ++i) fitted[i] = noise[i % noise.size()];
    if (signal.empty()) return {};
    const double noisePower = power(fitted);
    if (!(noisePower > 0.0) || !std::isfinite(noisePower))
        throw InputError("cannot mix noise: the noise is silent (or not finite) over the signal's length");
    const double gain = std::sqrt(power(signal) / (noisePower * std::pow(10.0, snrDb / 10.0)));
    std::vector<float> out(signal.size());
    for (size_t i = 0; i < signal.size(); ++i) out[i] = float(double(signal[i]) + gain * double(fitted[i]));
    return out;
}

std::vector<float> colouredNoise(NoiseColour colour, size_t length, std::uint64_t seed)
{
    std::vector<double> values(length);
    Gaussian gauss(seed);
    switch (colour) {
    case NoiseColour::White:
        for (double& v : values) v = gauss.next();
        break;
    case NoiseColour::Pink: {
        PinkFilter filter;
        for (size_t i = 0; i < kWarmUp; ++i) filter(gauss.next());
        for (double& v : values) v = filter(gauss.next());
        break;
    }
    case NoiseColour::Brown: {
        BrownFilter filter;
        for (size_t i = 0; i < kWarmUp; ++i) filter(gauss.next());
        for (double& v : values) v = filter(gauss.next());
        break;
    }
    }
    double sum = 0.0;
    for (double v : values) sum += v * v;
    const double scale = sum > 0.0 ? std::sqrt(double(length) / sum) : 0.0;
    std::vector<float> out(length);
    for (size_t i = 0; i < length; ++i) out[i] = float(values[i] * scale);
    return out;
}

void normalizePeak(std::vector<float>& samples, float peak)
{
    if (!(peak > 0.0f) || !std::isfinite(peak))
        throw InputError("cannot normalise audio: the peak must be a positive number, got " + std::to_string(peak));
    float maxAbs = 0.0f;
    for (float x : samples) maxAbs = std::max(maxAbs, std::fabs(x));
    for (float x : samples)
        if (!std::isfinite(x)) throw InputError("cannot normalise audio: it contains NaN or infinite samples");
    if (maxAbs == 0.0f) return;
    const double gain = double(peak) / double(maxAbs);
    for (float& x : samples) x = std::clamp(float(double(x) * gain), -peak, peak);
}

} // namespace espalier::audio
