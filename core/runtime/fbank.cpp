#include "core/runtime/fbank.h"

#include "core/runtime/error.h"

#include <Eigen/Core>
#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cfloat>
#include <cmath>
#include <complex>
#include <cstdint>
#include <memory>
#include <sstream>
#include <string>

namespace espalier::runtime {

namespace {

constexpr int kMaxFftSize = 1 << 16;
constexpr int kMaxMelBins = 4096;
constexpr double kPi = 3.14159265358979323846;

[[noreturn]] void badOption(const std::string& field, const std::string& expected, double got)
{
    std::ostringstream msg;
    msg << "FbankOptions." << field << " must be " << expected << " (got " << got << ")";
    throw InputError(msg.str());
}

double melScale(double hz) { return 1127.0 * std::log(1.0 + hz / 700.0); }

int nextPowerOfTwo(int x)
{
    int p = 1;
    while (p < x)
        p <<= 1;
    return p;
}

// Portable seeded Gaussian source (xoshiro256+ and Box-Muller), so a given seed gives the same dither
// on every platform and standard library.
class GaussianSource {
public:
    explicit GaussianSource(std::uint64_t seed)
    {
        for (auto& s : state_) {
            seed += 0x9E3779B97F4A7C15ull;
            std::uint64_t z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
            s = z ^ (z >> 31);
        }
    }

    double next()
    {
        if (hasSpare_) {
            hasSpare_ = false;
            return spare_;
        }
        double u1 = 0.0;
        while (u1 <= 0.0)
            u1 = uniform();
        const double u2 = uniform();
        const double r = std::sqrt(-2.0 * std::log(u1));
        const double theta = 2.0 * kPi * u2;
        spare_ = r * std::sin(theta);
        hasSpare_ = true;
        return r * std::cos(theta);
    }

private:
    static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

    double uniform()  // in [0, 1)
    {
        const std::uint64_t result = state_[0] + state_[3];
        const std::uint64_t t = state_[1] << 17;
        state_[2] ^= state_[0];
        state_[3] ^= state_[1];
        state_[1] ^= state_[2];
        state_[0] ^= state_[3];
        state_[2] ^= t;
        state_[3] = rotl(state_[3], 45);
        return static_cast<double>(result >> 11) * (1.0 / 9007199254740992.0);
    }

    std::uint64_t state_[4] = {};
    double spare_ = 0.0;
    bool hasSpare_ = false;
};

// One triangular mel filter as its non-zero span of FFT bins.
struct MelFilter {
    int start = 0;
    std::vector<double> weights;
};

} // namespace

struct Fbank::Impl {
    FbankOptions options;
    int frameLength = 0;
    int frameShift = 0;
    int paddedLength = 0;
    std::vector<double> window;
    std::vector<MelFilter> filters;
    // The frame pipeline runs in double: float32 rounding before and inside the FFT costs up to
    // ~3e-3 on the log of weak mel bands (torchaudio in float32 is off its own float64 result by that).
    Eigen::FFT<double> fft;
    std::vector<double> raw;                    // frameLength: scaled (and dithered) samples
    std::vector<double> frame;                  // paddedLength: windowed frame, zero tail
    std::vector<std::complex<double>> spectrum; // paddedLength / 2 + 1
    std::vector<double> power;                  // paddedLength / 2 + 1
    std::vector<float> melEnergies;             // numMelBins
    GaussianSource gauss;

    explicit Impl(const FbankOptions& o) : options(o), gauss(o.ditherSeed) {}
};

namespace {

void validate(const FbankOptions& o)
{
    if (!(o.sampleRate > 0))
        badOption("sampleRate", "a positive rate in Hz", o.sampleRate);
    if (o.numMelBins < 3 || o.numMelBins > kMaxMelBins)
        badOption("numMelBins", "between 3 and " + std::to_string(kMaxMelBins), o.numMelBins);
    if (!(o.frameLengthMs > 0.0f) || !std::isfinite(o.frameLengthMs))
        badOption("frameLengthMs", "a positive number of milliseconds", o.frameLengthMs);
    if (!(o.frameShiftMs > 0.0f) || !std::isfinite(o.frameShiftMs))
        badOption("frameShiftMs", "a positive number of milliseconds", o.frameShiftMs);
    if (o.frameLengthMs < o.frameShiftMs)
        badOption("frameLengthMs", "at least frameShiftMs (" + std::to_string(o.frameShiftMs) + ")",
                  o.frameLengthMs);
    if (!(o.dither >= 0.0f) || !std::isfinite(o.dither))
        badOption("dither", "zero or a positive standard deviation", o.dither);
    if (!(o.preemphasis >= 0.0f && o.preemphasis <= 1.0f))
        badOption("preemphasis", "between 0 and 1", o.preemphasis);
    if (!(o.inputScale > 0.0f) || !std::isfinite(o.inputScale))
        badOption("inputScale", "a positive number", o.inputScale);
    if (!(o.energyFloor >= 0.0f) || !std::isfinite(o.energyFloor))
        badOption("energyFloor", "zero or positive", o.energyFloor);
    const double nyquist = 0.5 * o.sampleRate;
    if (!(o.lowFreq >= 0.0f && o.lowFreq < nyquist))
        badOption("lowFreq", "in [0, Nyquist = " + std::to_string(nyquist) + ") Hz", o.lowFreq);
    if (!std::isfinite(o.highFreq))
        badOption("highFreq", "a finite frequency", o.highFreq);
    const double high = o.highFreq <= 0.0f ? nyquist + o.highFreq : o.highFreq;
    if (!(high > o.lowFreq && high <= nyquist))
        badOption("highFreq", "above lowFreq and at most Nyquist (" + std::to_string(nyquist)
                                  + " Hz) once resolved; it resolves to " + std::to_string(high) + " Hz",
                  o.highFreq);
}

// Kaldi's triangular mel banks over the FFT bins below Nyquist (the Nyquist bin gets no weight).
// The edges come in double as torchaudio's; the per-bin arithmetic is float, as both torchaudio and
// Kaldi (BaseFloat) do it, so the weights agree to the last bit or so.
std::vector<MelFilter> makeMelFilters(const FbankOptions& o, int paddedLength)
{
    const double nyquist = 0.5 * o.sampleRate;
    const double high = o.highFreq <= 0.0f ? nyquist + o.highFreq : o.highFreq;
    const int numFftBins = paddedLength / 2;
    const float binWidth = static_cast<float>(static_cast<double>(o.sampleRate) / paddedLength);
    const double melLow = melScale(o.lowFreq);
    const double melHigh = melScale(high);
    const float delta = static_cast<float>((melHigh - melLow) / (o.numMelBins + 1));
    const float melLowF = static_cast<float>(melLow);

    std::vector<float> binMel(numFftBins);
    for (int k = 0; k < numFftBins; ++k)
        binMel[k] = 1127.0f * std::log(1.0f + binWidth * static_cast<float>(k) / 700.0f);

    std::vector<MelFilter> filters(o.numMelBins);
    for (int m = 0; m < o.numMelBins; ++m) {
        const float left = melLowF + static_cast<float>(m) * delta;
        const float center = melLowF + static_cast<float>(m + 1) * delta;
        const float right = melLowF + static_cast<float>(m + 2) * delta;
        int first = -1;
        std::vector<double> weights;
        for (int k = 0; k < numFftBins; ++k) {
            const float up = (binMel[k] - left) / (center - left);
            const float down = (right - binMel[k]) / (right - center);
            const float w = std::max(0.0f, std::min(up, down));
            if (w > 0.0f) {
                if (first < 0)
                    first = k;
                weights.resize(static_cast<size_t>(k - first + 1), 0.0);
                weights.back() = w;
            }
        }
        filters[m].start = std::max(first, 0);
        filters[m].weights = std::move(weights);
    }
    return filters;
}

} // namespace

Fbank::Fbank(const FbankOptions& options)
{
    validate(options);
    // Same arithmetic as torchaudio (double, truncation) so window sizes agree for any rate.
    const double length = static_cast<double>(options.sampleRate) * options.frameLengthMs * 0.001;
    const double shift = static_cast<double>(options.sampleRate) * options.frameShiftMs * 0.001;
    if (!(length >= 2.0) || length > kMaxFftSize)
        badOption("frameLengthMs", "a window of 2 to " + std::to_string(kMaxFftSize) + " samples at "
                                       + std::to_string(options.sampleRate) + " Hz",
                  options.frameLengthMs);
    if (!(shift >= 1.0))
        badOption("frameShiftMs", "at least one sample at " + std::to_string(options.sampleRate) + " Hz",
                  options.frameShiftMs);

    auto impl = std::make_unique<Impl>(options);
    impl->frameLength = static_cast<int>(length);
    impl->frameShift = static_cast<int>(shift);
    impl->paddedLength = std::max(2, nextPowerOfTwo(impl->frameLength));

    impl->window.resize(impl->frameLength);
    const double a = 2.0 * kPi / (impl->frameLength - 1);
    for (int i = 0; i < impl->frameLength; ++i)
        impl->window[i] = std::pow(0.5 - 0.5 * std::cos(a * i), 0.85);

    impl->filters = makeMelFilters(options, impl->paddedLength);
    impl->fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    impl->raw.assign(impl->frameLength, 0.0);
    impl->frame.assign(impl->paddedLength, 0.0);
    impl->spectrum.resize(impl->paddedLength / 2 + 1);
    impl->power.resize(impl->paddedLength / 2 + 1);
    impl->melEnergies.resize(options.numMelBins);
    impl_ = impl.release();
}

Fbank::~Fbank() { delete impl_; }

const FbankOptions& Fbank::options() const { return impl_->options; }
int Fbank::frameLength() const { return impl_->frameLength; }
int Fbank::frameShift() const { return impl_->frameShift; }
int Fbank::paddedLength() const { return impl_->paddedLength; }

int Fbank::numFrames(std::int64_t numSamples) const
{
    if (numSamples <= 0)
        return 0;
    const std::int64_t shift = impl_->frameShift;
    std::int64_t frames = 0;
    if (impl_->options.snipEdges)
        frames = numSamples < impl_->frameLength ? 0 : 1 + (numSamples - impl_->frameLength) / shift;
    else
        frames = (numSamples + shift / 2) / shift;
    if (frames > INT32_MAX)
        throw InputError("fbank: signal of " + std::to_string(numSamples) + " samples is too long");
    return static_cast<int>(frames);
}

FeatureMatrix Fbank::compute(const float* samples, std::int64_t numSamples)
{
    Impl& d = *impl_;
    const FbankOptions& o = d.options;
    FeatureMatrix out;
    out.bins = o.numMelBins;
    out.frames = numFrames(numSamples);
    if (out.frames == 0)
        return out;
    out.data.resize(static_cast<size_t>(out.frames) * out.bins);

    const int length = d.frameLength;
    const std::int64_t n = numSamples;
    // Offset of frame 0 in the signal; negative (reflected) when not snipping edges, as Kaldi.
    const std::int64_t origin = o.snipEdges ? 0 : d.frameShift / 2 - length / 2;
    double* raw = d.raw.data();
    double* frame = d.frame.data();
    const double* window = d.window.data();
    const double scale = o.inputScale;
    const double dither = o.dither;
    const double p = o.preemphasis;
    const int numBins = d.paddedLength / 2;  // the Nyquist bin carries no mel weight

    for (int f = 0; f < out.frames; ++f) {
        const std::int64_t begin = origin + static_cast<std::int64_t>(f) * d.frameShift;
        if (begin >= 0 && begin + length <= n) {
            const float* src = samples + begin;
            for (int j = 0; j < length; ++j)
                raw[j] = src[j] * scale;
        } else {
            for (int j = 0; j < length; ++j) {
                std::int64_t s = begin + j;
                while (s < 0 || s >= n)
                    s = s < 0 ? -s - 1 : 2 * n - 1 - s;
                raw[j] = samples[s] * scale;
            }
        }
        if (dither > 0.0) {
            for (int j = 0; j < length; ++j)
                raw[j] += dither * d.gauss.next();
        }
        double mean = 0.0;
        if (o.removeDcOffset) {
            for (int j = 0; j < length; ++j)
                mean += raw[j];
            mean /= length;
        }
        // DC removal, pre-emphasis (the first sample against itself) and the window in one pass:
        // (x[j] - mean) - p * (x[j-1] - mean) = x[j] - p * x[j-1] - (1 - p) * mean.
        const double offset = (1.0 - p) * mean;
        frame[0] = (1.0 - p) * (raw[0] - mean) * window[0];
        for (int j = 1; j < length; ++j)
            frame[j] = (raw[j] - p * raw[j - 1] - offset) * window[j];

        d.fft.fwd(d.spectrum.data(), frame, d.paddedLength);
        double* power = d.power.data();
        const double* spectrum = reinterpret_cast<const double*>(d.spectrum.data());
        for (int k = 0; k < numBins; ++k)
            power[k] = spectrum[2 * k] * spectrum[2 * k] + spectrum[2 * k + 1] * spectrum[2 * k + 1];

        float* mel = d.melEnergies.data();
        for (int m = 0; m < out.bins; ++m) {
            const MelFilter& filter = d.filters[m];
            const double* pw = power + filter.start;
            const double* fw = filter.weights.data();
            double acc = 0.0;
            const int count = static_cast<int>(filter.weights.size());
            for (int k = 0; k < count; ++k)
                acc += fw[k] * pw[k];
            mel[m] = static_cast<float>(std::min(acc, static_cast<double>(FLT_MAX)));  // no UB on absurd input
        }
        // The log in float is vectorised and loses nothing that float output keeps.
        Eigen::Map<Eigen::ArrayXf> row(out.data.data() + static_cast<size_t>(f) * out.bins, out.bins);
        row = Eigen::Map<const Eigen::ArrayXf>(mel, out.bins).max(FLT_EPSILON).log();
    }
    return out;
}

} // namespace espalier::runtime
