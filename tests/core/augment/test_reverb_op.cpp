#include "core/audio/audio_file.h"
#include "core/augment/ops/reverb.h"
#include "tests/core/augment/ops_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>

using namespace espalier;
using namespace espalier::augment;
using namespace espalier::augment::testing;

namespace {

// RT60 by Schroeder backward integration of h[from:], a line fitted to the decay curve from -5 to
// -35 dB (T30), extrapolated to 60 dB.
double schroederRt60(const std::vector<float>& h, size_t from, int rate)
{
    std::vector<double> edc(h.size() - from + 1, 0.0);
    for (size_t i = h.size(); i-- > from;) edc[i - from] = edc[i - from + 1] + double(h[i]) * h[i];
    double sx = 0, sy = 0, sxx = 0, sxy = 0;
    int n = 0;
    for (size_t i = 0; i + 1 < edc.size(); ++i) {
        const double db = 10 * std::log10(edc[i] / edc[0]);
        if (db > -5 || db < -35) continue;
        const double t = double(i) / rate;
        sx += t;
        sy += db;
        sxx += t * t;
        sxy += t * db;
        ++n;
    }
    const double slope = (n * sxy - sx * sy) / (n * sxx - sx * sx);  // dB per second
    return -60.0 / slope;
}

std::vector<float> speech(double seconds)
{
    std::vector<float> x(size_t(seconds * 16000));
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / 16000;
        double v = 0;
        for (int h = 1; h <= 6; ++h) v += std::sin(2 * kPi * 140 * h * t) / h;
        x[i] = float(0.2 * v * std::max(0.0, std::sin(2 * kPi * 3 * t)));
    }
    return x;
}

} // namespace

class TestReverbOp : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    double worstRt60Error_ = 0;

    std::string path(const std::string& name) const { return dir_.path().toStdString() + "/" + name; }

private slots:
    void cleanupTestCase() { qInfo("largest relative RT60 error (Schroeder T30): %.2f %%", 100 * worstRt60Error_); }

    void generatedDecayMatchesRt60_data()
    {
        QTest::addColumn<double>("rt60");
        QTest::addColumn<double>("drr");
        for (double rt60 : {0.1, 0.2, 0.45, 0.8, 1.5})
            for (double drr : {-5.0, 0.0, 10.0})
                QTest::newRow(qPrintable(QString("%1 s, %2 dB").arg(rt60).arg(drr))) << rt60 << drr;
    }

    void generatedDecayMatchesRt60()
    {
        QFETCH(double, rt60);
        QFETCH(double, drr);
        for (std::uint64_t seed : {1u, 2u, 3u}) {
            const auto h = ReverbOp::generateRir(rt60, drr, 16000, seed);
            const double measured = schroederRt60(h, 1, 16000);
            const double error = std::fabs(measured / rt60 - 1);
            worstRt60Error_ = std::max(worstRt60Error_, error);
            QVERIFY2(error < 0.10, qPrintable(QString("RT60 %1 s measured for %2 s").arg(measured).arg(rt60)));
            double tail = 0;
            for (size_t i = 1; i < h.size(); ++i) tail += double(h[i]) * h[i];
            QCOMPARE(h[0], 1.0f);
            QVERIFY(std::fabs(10 * std::log10(1.0 / tail) - drr) < 1e-3);
        }
    }

    void generatedIsDeterministic()
    {
        QCOMPARE(ReverbOp::generateRir(0.5, 0, 16000, 7), ReverbOp::generateRir(0.5, 0, 16000, 7));
        QVERIFY(ReverbOp::generateRir(0.5, 0, 16000, 7) != ReverbOp::generateRir(0.5, 0, 16000, 8));
    }

    void convolveMatchesDirectSum_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("taps");
        QTest::newRow("short filter") << 500 << 20;
        QTest::newRow("fft") << 3000 << 700;
        QTest::newRow("filter longer than signal") << 300 << 900;
    }

    void convolveMatchesDirectSum()
    {
        QFETCH(int, n);
        QFETCH(int, taps);
        runtime::SeededRandom random(3);
        std::vector<float> x(static_cast<size_t>(n)), h(static_cast<size_t>(taps));
        for (float& v : x) v = float(random.uniform(-1, 1));
        for (float& v : h) v = float(random.uniform(-1, 1));
        const auto y = ReverbOp::convolve(x, h);
        QCOMPARE(int(y.size()), n);
        for (int i = 0; i < n; ++i) {
            double sum = 0;
            for (int j = 0; j < taps && j <= i; ++j) sum += double(h[size_t(j)]) * x[size_t(i - j)];
            QVERIFY2(std::fabs(sum - y[size_t(i)]) < 1e-4, qPrintable(QString("%1 vs %2 at %3").arg(sum).arg(y[size_t(i)]).arg(i)));
        }
    }

    void keepsLengthAndRms_data()
    {
        QTest::addColumn<double>("rt60");
        for (double rt60 : {0.2, 0.8, 2.0}) QTest::newRow(qPrintable(QString::number(rt60))) << rt60;
    }

    void keepsLengthAndRms()
    {
        QFETCH(double, rt60);
        const auto op = ReverbOp::create({{"rt60", rt60}}, {});
        const Signal input = signalOf(speech(1.0));
        Signal s = input;
        runtime::SeededRandom random(5);
        AppliedOp drawn = op->draw(s, random);
        QCOMPARE(drawn.value("rt60", 0), rt60);
        op->apply(s, drawn);
        QCOMPARE(s.samples.size(), input.samples.size());
        QVERIFY(std::fabs(std::sqrt(meanPower(s.samples) / meanPower(input.samples)) - 1) < 1e-4);
        // The gaps between syllables (0.167 s to 0.333 s is silent) fill with reverberation.
        auto gapPower = [](const std::vector<float>& x) {
            double e = 0;
            for (size_t i = 3200; i < 4800; ++i) e += double(x[i]) * x[i];
            return e / 1600;
        };
        QCOMPARE(gapPower(input.samples), 0.0);
        QVERIFY2(gapPower(s.samples) > 1e-3 * meanPower(s.samples),
                 qPrintable(QString("gap power %1 of %2").arg(gapPower(s.samples)).arg(meanPower(s.samples))));
    }

    void silentStaysSilent()
    {
        const auto op = ReverbOp::create({}, {});
        Signal s = signalOf(std::vector<float>(4000, 0.0f));
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        op->apply(s, drawn);
        QCOMPARE(s.samples, std::vector<float>(4000, 0.0f));
    }

    // A recorded response: its leading delay is dropped and the echo lands where it should.
    void rirFile()
    {
        QVERIFY(dir_.isValid());
        audio::Audio rir;
        rir.sampleRate = 16000;
        rir.samples.assign(400, 0.0f);
        rir.samples[100] = 0.9f;   // direct path after a 100-sample propagation delay
        rir.samples[180] = 0.45f;  // one reflection 80 samples later
        audio::writeWav(path("room.wav"), rir);
        const auto read = audio::readAudio(path("room.wav")).samples;

        OpContext context;
        context.baseDir = dir_.path().toStdString();
        const auto op = ReverbOp::create({{"rir", std::string("room.wav")}}, context);
        QCOMPARE(std::get<std::string>(op->params().at("rir")), std::string("room.wav"));
        const Signal input = signalOf(speech(0.5));
        Signal s = input;
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        QCOMPARE(QString::fromStdString(drawn.label("rir")), QString::fromStdString(path("room.wav")));
        op->apply(s, drawn);
        std::vector<double> expected(input.samples.size());
        const double echo = double(read[180]) / read[100];
        double p = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
            expected[i] = input.samples[i] + (i >= 80 ? echo * input.samples[i - 80] : 0.0);
            p += expected[i] * expected[i];
        }
        const double scale = std::sqrt(meanPower(input.samples) / (p / double(expected.size())));
        for (size_t i = 0; i < expected.size(); ++i) QVERIFY(std::fabs(expected[i] * scale - s.samples[i]) < 1e-5);
        QCOMPARE(QString::fromStdString(drawn.summary()), QString("reverb room.wav"));
    }

    void rirManifest()
    {
        audio::Audio rir;
        rir.sampleRate = 16000;
        rir.samples = {0.8f, 0.2f, 0.1f};
        audio::writeWav(path("r1.wav"), rir);
        rir.samples = {0.5f, 0.0f, 0.0f, 0.3f};
        audio::writeWav(path("r2.wav"), rir);
        std::filesystem::create_directories(path("rirs"));
        std::ofstream(path("rirs/wav.scp")) << "r1 " << path("r1.wav") << "\nr2 " << path("r2.wav") << "\n";
        const auto op = ReverbOp::create({{"rir", path("rirs")}}, {});
        std::set<std::string> seen;
        runtime::SeededRandom random(2);
        const Signal input = signalOf(speech(0.2));
        for (int i = 0; i < 40; ++i) seen.insert(op->draw(input, random).label("rir"));
        QCOMPARE(seen, (std::set<std::string>{path("r1.wav"), path("r2.wav")}));
    }

    void rejects()
    {
        OpContext context;
        context.where = "p.yaml: op 5 (reverb)";
        std::ofstream(path("junk.txt")) << "this is neither audio nor a manifest\n";
        QString m = errorOf([&] { ReverbOp::create({{"rir", path("junk.txt")}}, context); });
        QVERIFY2(m.startsWith("p.yaml: op 5 (reverb): 'rir'"), qPrintable(m));
        m = errorOf([&] { ReverbOp::create({{"rir", path("room.wav")}, {"rt60", 0.5}}, context); });
        QVERIFY2(m.startsWith("p.yaml: op 5 (reverb): 'rt60'") && m.contains("rir"), qPrintable(m));
    }
};

QTEST_APPLESS_MAIN(TestReverbOp)
#include "test_reverb_op.moc"
