#include "core/audio/resample.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <cmath>

using namespace espalier;

namespace {

constexpr double kPi = 3.14159265358979323846;

std::vector<float> tone(double freq, double amplitude, int rate, size_t length)
{
    std::vector<float> x(length);
    for (size_t i = 0; i < length; ++i) x[i] = float(amplitude * std::sin(2 * kPi * freq * double(i) / rate));
    return x;
}

// Frequency from interpolated zero crossings over the middle 80 % (away from the edges).
double zeroCrossingFrequency(const std::vector<float>& x, int rate)
{
    int crossings = 0;
    double first = -1, last = -1;
    for (size_t i = x.size() / 10 + 1; i < x.size() * 9 / 10; ++i) {
        if ((x[i - 1] < 0) != (x[i] < 0)) {
            const double t = double(i - 1) + x[i - 1] / double(x[i - 1] - x[i]);
            if (first < 0) first = t;
            last = t;
            ++crossings;
        }
    }
    return (crossings - 1) / (2.0 * (last - first) / rate);
}

} // namespace

class TestResample : public QObject {
    Q_OBJECT

private slots:
    void keepsToneFrequencyAndDuration_data()
    {
        QTest::addColumn<int>("inRate");
        QTest::addColumn<int>("outRate");
        QTest::newRow("44.1k -> 16k") << 44100 << 16000;
        QTest::newRow("8k -> 16k") << 8000 << 16000;
        QTest::newRow("22.05k -> 16k") << 22050 << 16000;
        QTest::newRow("48k -> 44.1k") << 48000 << 44100;
        QTest::newRow("16k -> 8k") << 16000 << 8000;
    }
    void keepsToneFrequencyAndDuration()
    {
        QFETCH(int, inRate);
        QFETCH(int, outRate);
        const size_t n = size_t(inRate) * 3 / 2 + 7;  // 1.5 s and a few samples
        const std::vector<float> out = audio::resample(tone(1000, 0.5, inRate, n), inRate, outRate);
        QCOMPARE(out.size(), size_t(std::llround(double(n) * outRate / inRate)));
        QVERIFY(std::fabs(double(out.size()) / outRate - double(n) / inRate) <= 1.0 / outRate);  // same duration

        const double freq = zeroCrossingFrequency(out, outRate);
        QVERIFY2(std::fabs(freq - 1000.0) < 0.05, qPrintable(QString("measured %1 Hz").arg(freq, 0, 'f', 4)));
        // Linear phase with the delay removed: the output is the same tone, sample for sample.
        const std::vector<float> ideal = tone(1000, 0.5, outRate, out.size());
        double maxErr = 0;
        for (size_t i = out.size() / 10; i < out.size() * 9 / 10; ++i)
            maxErr = std::max(maxErr, std::fabs(double(out[i]) - ideal[i]));
        QVERIFY2(maxErr < 1e-4, qPrintable(QString("max deviation from the ideal tone %1").arg(maxErr)));
    }

    void removesContentAboveNewNyquist()
    {
        // 6 kHz cannot exist at 8 kHz: the anti-alias filter must remove it, not fold it to 2 kHz.
        const std::vector<float> out = audio::resample(tone(6000, 0.5, 16000, 16000), 16000, 8000);
        double energy = 0;
        for (size_t i = out.size() / 10; i < out.size() * 9 / 10; ++i) energy += double(out[i]) * out[i];
        const double rms = std::sqrt(energy / double(out.size() * 8 / 10));
        QVERIFY2(rms < 0.5 / std::sqrt(2.0) * 1e-3, qPrintable(QString("residual rms %1").arg(rms)));  // > 60 dB down
    }

    void trivialCases()
    {
        const std::vector<float> x = {0.1f, -0.2f, 0.3f};
        QCOMPARE(audio::resample(x, 16000, 16000), x);
        QVERIFY(audio::resample({}, 44100, 16000).empty());
        QCOMPARE(audio::resample(x, 8000, 16000).size(), size_t(6));
        QCOMPARE(audio::resample(x, 44100, 16000).size(), size_t(1));
    }

    void rejectsBadRates_data()
    {
        QTest::addColumn<int>("inRate");
        QTest::addColumn<int>("outRate");
        QTest::newRow("zero in") << 0 << 16000;
        QTest::newRow("negative out") << 16000 << -8000;
    }
    void rejectsBadRates()
    {
        QFETCH(int, inRate);
        QFETCH(int, outRate);
        QVERIFY_THROWS_EXCEPTION(InputError, audio::resample({0.1f, 0.2f}, inRate, outRate));
    }
};

QTEST_GUILESS_MAIN(TestResample)
#include "test_resample.moc"
