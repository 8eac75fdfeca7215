#include "core/audio/mix.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <cmath>
#include <complex>
#include <limits>

using namespace espalier;

Q_DECLARE_METATYPE(audio::NoiseColour)

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> speechLike(size_t n)
{
    std::vector<float> x(n);
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / 16000;
        x[i] = float(0.3 * std::sin(2 * kPi * 220 * t) * (0.6 + 0.4 * std::sin(2 * kPi * 3 * t)) +
                     0.05 * std::sin(2 * kPi * 1500 * t));
    }
    return x;
}

void fft(std::vector<std::complex<double>>& a)
{
    const size_t n = a.size();
    for (size_t i = 1, j = 0; i < n; ++i) {
        size_t bit = n >> 1;
        for (; j & bit; bit >>= 1) j ^= bit;
        j ^= bit;
        if (i < j) std::swap(a[i], a[j]);
    }
    for (size_t len = 2; len <= n; len <<= 1) {
        const std::complex<double> w = std::polar(1.0, -2 * kPi / double(len));
        for (size_t i = 0; i < n; i += len) {
            std::complex<double> wk = 1;
            for (size_t k = 0; k < len / 2; ++k, wk *= w) {
                const auto u = a[i + k], v = a[i + k + len / 2] * wk;
                a[i + k] = u + v;
                a[i + k + len / 2] = u - v;
            }
        }
    }
}

// Welch power spectrum (Hann window, 4096-point segments); index = bin.
std::vector<double> welch(const std::vector<float>& x)
{
    const size_t seg = 4096;
    std::vector<double> psd(seg / 2, 0.0);
    for (size_t start = 0; start + seg <= x.size(); start += seg / 2) {
        std::vector<std::complex<double>> a(seg);
        for (size_t i = 0; i < seg; ++i) a[i] = x[start + i] * (0.5 - 0.5 * std::cos(2 * kPi * double(i) / seg));
        fft(a);
        for (size_t k = 0; k < seg / 2; ++k) psd[k] += std::norm(a[k]);
    }
    return psd;
}

// Least-squares slope of the mean spectral density per octave band (125 Hz .. 2 kHz at 16 kHz), in dB/octave.
double slopeDbPerOctave(const std::vector<float>& x)
{
    const std::vector<double> psd = welch(x);
    const double binHz = 16000.0 / 4096.0;
    std::vector<double> octave, level;
    for (double fc = 125; fc <= 2000; fc *= 2) {
        double sum = 0;
        int count = 0;
        for (size_t k = 0; k < psd.size(); ++k) {
            const double f = double(k) * binHz;
            if (f >= fc / std::sqrt(2.0) && f < fc * std::sqrt(2.0)) {
                sum += psd[k];
                ++count;
            }
        }
        octave.push_back(std::log2(fc));
        level.push_back(10 * std::log10(sum / count));
    }
    double mx = 0, my = 0;
    for (size_t i = 0; i < octave.size(); ++i) mx += octave[i], my += level[i];
    mx /= double(octave.size());
    my /= double(octave.size());
    double sxy = 0, sxx = 0;
    for (size_t i = 0; i < octave.size(); ++i) {
        sxy += (octave[i] - mx) * (level[i] - my);
        sxx += (octave[i] - mx) * (octave[i] - mx);
    }
    return sxy / sxx;
}

} // namespace

class TestMix : public QObject {
    Q_OBJECT

private slots:
    void powerOfKnownSignals()
    {
        QCOMPARE(audio::power({}), 0.0);
        QCOMPARE(audio::power({1.0f, -1.0f, 1.0f, -1.0f}), 1.0);
        QCOMPARE(audio::power({3.0f, 4.0f}), 12.5);
    }

    void mixHitsSnr_data()
    {
        QTest::addColumn<double>("snrDb");
        QTest::addColumn<int>("noiseLength");
        for (double snr : {-10.0, 0.0, 5.0, 10.0, 20.0, 40.0}) {
            QTest::addRow("%g dB, looped noise", snr) << snr << 7001;
            QTest::addRow("%g dB, cut noise", snr) << snr << 50000;
        }
    }
    void mixHitsSnr()
    {
        QFETCH(double, snrDb);
        QFETCH(int, noiseLength);
        const std::vector<float> signal = speechLike(32000);
        const std::vector<float> noise = audio::colouredNoise(audio::NoiseColour::Pink, size_t(noiseLength), 11);
        const std::vector<float> mixed = audio::mixAtSnr(signal, noise, snrDb);
        QCOMPARE(mixed.size(), signal.size());

        std::vector<float> added(signal.size());
        for (size_t i = 0; i < signal.size(); ++i) added[i] = mixed[i] - signal[i];
        const double measured = 10 * std::log10(audio::power(signal) / audio::power(added));
        QVERIFY2(std::fabs(measured - snrDb) < 0.01, qPrintable(QString("measured %1 dB").arg(measured, 0, 'f', 5)));

        // The added part is the noise, looped or cut, times one gain.
        double num = 0, den = 0;
        for (size_t i = 0; i < added.size(); ++i) {
            num += double(added[i]) * noise[i % noise.size()];
            den += double(noise[i % noise.size()]) * noise[i % noise.size()];
        }
        const double gain = num / den;
        double maxDev = 0;
        for (size_t i = 0; i < added.size(); ++i)
            maxDev = std::max(maxDev, std::fabs(added[i] - gain * noise[i % noise.size()]));
        QVERIFY2(maxDev < 1e-6 * (1 + gain) * 10, qPrintable(QString("deviation %1").arg(maxDev)));
    }

    void silentSignalStaysSilent()
    {
        const std::vector<float> out = audio::mixAtSnr(std::vector<float>(100, 0.0f), {0.5f, -0.5f}, 10.0);
        QCOMPARE(out, std::vector<float>(100, 0.0f));
        QVERIFY(audio::mixAtSnr({}, {0.5f}, 10.0).empty());
    }

    void mixRejectsBadInput_data()
    {
        QTest::addColumn<double>("snrDb");
        QTest::addColumn<std::vector<float>>("noise");
        const std::vector<float> noise = {0.1f, -0.2f, 0.3f};
        QTest::newRow("NaN SNR") << std::numeric_limits<double>::quiet_NaN() << noise;
        QTest::newRow("+inf SNR") << std::numeric_limits<double>::infinity() << noise;
        QTest::newRow("-inf SNR") << -std::numeric_limits<double>::infinity() << noise;
        QTest::newRow("empty noise") << 10.0 << std::vector<float>{};
        QTest::newRow("all-zero noise") << 10.0 << std::vector<float>(50, 0.0f);
        std::vector<float> lateNoise(200, 0.0f);
        lateNoise.back() = 1.0f;  // silent over the 100 samples actually used
        QTest::newRow("noise silent where used") << 10.0 << lateNoise;
    }
    void mixRejectsBadInput()
    {
        QFETCH(double, snrDb);
        QFETCH(std::vector<float>, noise);
        QVERIFY_THROWS_EXCEPTION(InputError, audio::mixAtSnr(speechLike(100), noise, snrDb));
    }

    void colouredNoiseSlopes_data()
    {
        QTest::addColumn<audio::NoiseColour>("colour");
        QTest::addColumn<double>("slope");
        QTest::newRow("white") << audio::NoiseColour::White << 0.0;
        QTest::newRow("pink") << audio::NoiseColour::Pink << -3.0;
        QTest::newRow("brown") << audio::NoiseColour::Brown << -6.0;
    }
    void colouredNoiseSlopes()
    {
        QFETCH(audio::NoiseColour, colour);
        QFETCH(double, slope);
        const std::vector<float> x = audio::colouredNoise(colour, 1 << 18, 2024);
        QCOMPARE(x.size(), size_t(1 << 18));
        QVERIFY(std::fabs(audio::power(x) - 1.0) < 1e-5);
        const double measured = slopeDbPerOctave(x);
        QVERIFY2(std::fabs(measured - slope) < 0.6, qPrintable(QString("slope %1 dB/octave").arg(measured, 0, 'f', 2)));
    }

    void colouredNoiseIsDeterministic_data()
    {
        QTest::addColumn<audio::NoiseColour>("colour");
        QTest::newRow("white") << audio::NoiseColour::White;
        QTest::newRow("pink") << audio::NoiseColour::Pink;
        QTest::newRow("brown") << audio::NoiseColour::Brown;
    }
    void colouredNoiseIsDeterministic()
    {
        QFETCH(audio::NoiseColour, colour);
        const auto a = audio::colouredNoise(colour, 5000, 42);
        QCOMPARE(audio::colouredNoise(colour, 5000, 42), a);
        QVERIFY(audio::colouredNoise(colour, 5000, 43) != a);
        QVERIFY(audio::colouredNoise(colour, 0, 42).empty());
        const auto one = audio::colouredNoise(colour, 1, 42);
        QCOMPARE(std::fabs(one[0]), 1.0f);  // unit power even for one sample
        for (float v : a) QVERIFY(std::isfinite(v));
    }

    void normalizePeakScales()
    {
        std::vector<float> x = {0.1f, -0.25f, 0.2f};
        audio::normalizePeak(x, 0.9f);
        QCOMPARE(x[1], -0.9f);
        QVERIFY(std::fabs(x[0] - 0.36f) < 1e-6f);
        QVERIFY(std::fabs(x[2] - 0.72f) < 1e-6f);

        std::vector<float> loud = {3.0f, -1.5f};
        audio::normalizePeak(loud, 1.0f);
        QCOMPARE(loud, (std::vector<float>{1.0f, -0.5f}));

        std::vector<float> silence(10, 0.0f);
        audio::normalizePeak(silence, 0.5f);
        QCOMPARE(silence, std::vector<float>(10, 0.0f));

        QVERIFY_THROWS_EXCEPTION(InputError, audio::normalizePeak(x, 0.0f));
        std::vector<float> bad = {0.5f, std::numeric_limits<float>::infinity()};
        QVERIFY_THROWS_EXCEPTION(InputError, audio::normalizePeak(bad, 1.0f));
    }
};

QTEST_GUILESS_MAIN(TestMix)
#include "test_mix.moc"
