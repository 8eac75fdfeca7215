#include "core/augment/ops/reverb.h"

#include "core/audio/audio_file.h"
#include "core/audio/mix.h"
#include "core/augment/ops/audio_cache.h"
#include "core/augment/ops/audio_list.h"
#include "core/runtime/error.h"

#include <unsupported/Eigen/FFT>

#include <algorithm>
#include <cmath>
#include <complex>
#include <filesystem>
#include <tuple>

namespace espalier::augment {

namespace {

// Below this many taps, direct convolution beats the FFT.
constexpr size_t kDirectTaps = 64;

} // namespace

ReverbOp::~ReverbOp() = default;

std::vector<ParamSpec> ReverbOp::specs()
{
    ParamSpec rir;
    rir.name = "rir";
    rir.kind = ParamSpec::Kind::Path;
    rir.help = "Room impulse response: an audio file or a manifest of them (instead of rt60)";
    rir.defaultValue = std::string();
    ParamSpec rt60;
    rt60.name = "rt60";
    rt60.kind = ParamSpec::Kind::NumberList;
    rt60.help = "Reverberation time (60 dB decay) in seconds of a generated response, drawn from [lo, hi]";
    rt60.min = 0.05;
    rt60.max = 5.0;
    rt60.defaultValue = std::vector<double>{0.2, 0.8};
    ParamSpec direct;
    direct.name = "direct_ratio_db";
    direct.kind = ParamSpec::Kind::NumberList;
    direct.help = "Direct-to-reverberant energy ratio in dB of a generated response, drawn from [lo, hi] (default 0)";
    direct.min = -30.0;
    direct.max = 30.0;
    direct.defaultValue = std::vector<double>{};
    return {rir, rt60, direct};
}

std::unique_ptr<Op> ReverbOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    std::unique_ptr<ReverbOp> op(new ReverbOp);
    std::tie(op->rt60Lo_, op->rt60Hi_) = reader.range("rt60");
    if (reader.has("direct_ratio_db")) {
        op->hasDirectRatio_ = true;
        std::tie(op->directLo_, op->directHi_) = reader.range("direct_ratio_db");
    }
    const std::string rir = reader.path("rir");
    if (!rir.empty()) {
        for (const char* generated : {"rt60", "direct_ratio_db"})
            if (reader.has(generated))
                reader.fail(generated, "cannot be given together with 'rir' (a recorded response has its own)");
        op->rirParam_ = std::get<std::string>(params.at("rir"));
        std::error_code ec;
        if (!std::filesystem::exists(rir, ec)) reader.fail("rir", "not found: " + rir);
        bool isAudio = false;
        if (std::filesystem::is_regular_file(rir, ec)) {
            try {
                audio::probeAudio(rir);
                isAudio = true;
            } catch (const Error&) {
                // Not audio: read it as a manifest below.
            }
        }
        op->rirFiles_ = isAudio ? std::vector<std::string>{rir} : readAudioList(reader, "rir", rir);
    }
    op->cache_ = std::make_shared<AudioCache>(size_t(64) << 20);
    return op;
}

ParamMap ReverbOp::params() const
{
    if (!rirParam_.empty()) return {{"rir", rirParam_}};
    ParamMap p{{"rt60", std::vector<double>{rt60Lo_, rt60Hi_}}};
    if (hasDirectRatio_) p["direct_ratio_db"] = std::vector<double>{directLo_, directHi_};
    return p;
}

AppliedOp ReverbOp::draw(const Signal&, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    if (!rirFiles_.empty()) {
        a.setLabel("rir", random.pick(rirFiles_));
        return a;
    }
    a.set("rt60", random.uniform(rt60Lo_, rt60Hi_));
    a.set("direct_ratio_db", hasDirectRatio_ ? random.uniform(directLo_, directHi_) : 0.0);
    a.set("rir_seed", double(random.next() >> 11));  // exact in a double
    return a;
}

void ReverbOp::apply(Signal& signal, AppliedOp& drawn) const
{
    if (signal.samples.empty()) return;
    const double inputPower = audio::power(signal.samples);
    if (!(inputPower > 0.0)) return;
    std::vector<float> rir;
    const std::string file = drawn.label("rir");
    if (!file.empty()) {
        const auto samples = cache_->get(file, signal.sampleRate);
        // Drop the propagation delay before the direct path (the strongest tap) so speech stays aligned.
        size_t peak = 0;
        for (size_t i = 0; i < samples->size(); ++i)
            if (std::fabs((*samples)[i]) > std::fabs((*samples)[peak])) peak = i;
        rir.assign(samples->begin() + std::ptrdiff_t(peak), samples->end());
    } else {
        rir = generateRir(drawn.value("rt60", 0.5), drawn.value("direct_ratio_db", 0.0), signal.sampleRate,
                          std::uint64_t(drawn.value("rir_seed", 0.0)));
    }
    std::vector<float> out = convolve(signal.samples, rir);
    const double outputPower = audio::power(out);
    if (outputPower > 0.0) {
        const double gain = std::sqrt(inputPower / outputPower);
        for (float& x : out) x = float(double(x) * gain);
    }
    signal.samples = std::move(out);
    signal.features = {};
}

std::vector<float> ReverbOp::generateRir(double rt60, double directRatioDb, int sampleRate, std::uint64_t seed)
{
    if (!(rt60 > 0.0) || !std::isfinite(rt60) || sampleRate <= 0 || !std::isfinite(directRatioDb))
        throw InputError("cannot generate an impulse response with RT60 " + std::to_string(rt60) + " s at " +
                         std::to_string(sampleRate) + " Hz");
    const double decaySamples = rt60 * sampleRate;
    const size_t length = size_t(std::ceil(decaySamples)) + 1;
    std::vector<double> tail(length, 0.0);
    runtime::SeededRandom random(seed);
    // Amplitude 10^(-3 t / RT60): the energy falls 60 dB over RT60.
    const double k = -3.0 * std::log(10.0) / decaySamples;
    double energy = 0.0;
    for (size_t n = 1; n < length; ++n) {
        tail[n] = random.normal() * std::exp(k * double(n));
        energy += tail[n] * tail[n];
    }
    const double scale = energy > 0.0 ? std::sqrt(std::pow(10.0, -directRatioDb / 10.0) / energy) : 0.0;
    std::vector<float> rir(length);
    rir[0] = 1.0f;
    for (size_t n = 1; n < length; ++n) rir[n] = float(tail[n] * scale);
    return rir;
}

std::vector<float> ReverbOp::convolve(const std::vector<float>& x, const std::vector<float>& h)
{
    const size_t n = x.size();
    std::vector<float> y(n, 0.0f);
    if (n == 0 || h.empty()) return y;
    const size_t taps = std::min(h.size(), n);
    if (taps <= kDirectTaps) {
        for (size_t i = 0; i < n; ++i) {
            double sum = 0.0;
            for (size_t j = 0; j < taps && j <= i; ++j) sum += double(h[j]) * double(x[i - j]);
            y[i] = float(sum);
        }
        return y;
    }
    size_t nfft = 1;
    while (nfft < n + taps - 1) nfft <<= 1;
    std::vector<double> a(nfft, 0.0), b(nfft, 0.0);
    std::copy(x.begin(), x.end(), a.begin());
    std::copy_n(h.begin(), taps, b.begin());
    Eigen::FFT<double> fft;
    fft.SetFlag(Eigen::FFT<double>::HalfSpectrum);
    std::vector<std::complex<double>> fa, fb;
    fft.fwd(fa, a);
    fft.fwd(fb, b);
    for (size_t i = 0; i < fa.size(); ++i) fa[i] *= fb[i];
    std::vector<double> full;
    fft.inv(full, fa, nfft);
    for (size_t i = 0; i < n; ++i) y[i] = float(full[i]);
    return y;
}

} // namespace espalier::augment
