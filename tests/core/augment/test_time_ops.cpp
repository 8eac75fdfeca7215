#include "core/augment/ops/crop.h"
#include "core/augment/ops/gain.h"
#include "core/augment/ops/noise.h"
#include "core/augment/ops/reverb.h"
#include "core/augment/ops/speed.h"
#include "core/augment/ops/tempo.h"
#include "tests/core/augment/ops_test_util.h"

#include <QtTest>

#include <limits>

using namespace espalier;
using namespace espalier::augment;
using namespace espalier::augment::testing;

Q_DECLARE_METATYPE(espalier::augment::ParamMap)

namespace {

std::unique_ptr<Op> makeOp(const QString& type, const ParamMap& params, const OpContext& context = {})
{
    if (type == "speed") return SpeedOp::create(params, context);
    if (type == "tempo") return TempoOp::create(params, context);
    if (type == "crop") return CropOp::create(params, context);
    if (type == "gain") return GainOp::create(params, context);
    if (type == "noise") return NoiseOp::create(params, context);
    if (type == "reverb") return ReverbOp::create(params, context);
    throw std::logic_error("unknown op type");
}

// A 300 Hz tone burst centred at `centre` seconds (Gaussian envelope, 60 ms wide) in `seconds` of audio.
std::vector<float> burst(double centre, double seconds, int rate = 16000)
{
    std::vector<float> x = tone(300, seconds, rate);
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate - centre;
        x[i] *= float(std::exp(-0.5 * t * t / (0.06 * 0.06)));
    }
    return x;
}

// The energy-weighted mean time of x in seconds.
double energyCentroid(const std::vector<float>& x, int rate)
{
    double num = 0, den = 0;
    for (size_t i = 0; i < x.size(); ++i) {
        num += double(i) * x[i] * x[i];
        den += double(x[i]) * x[i];
    }
    return num / den / rate;
}

} // namespace

class TestTimeOps : public QObject {
    Q_OBJECT

private slots:
    void speedChangesDurationAndPitch_data()
    {
        QTest::addColumn<double>("factor");
        for (double f : {0.5, 0.9, 1.1, 1.37, 2.0}) QTest::newRow(qPrintable(QString::number(f))) << f;
    }

    void speedChangesDurationAndPitch()
    {
        QFETCH(double, factor);
        const auto op = makeOp("speed", {{"factors", std::vector<double>{factor}}});
        Signal s = signalOf(tone(440, 1.0));
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        QCOMPARE(drawn.value("factor", 0), factor);
        op->apply(s, drawn);
        const double expectedLength = 16000.0 / factor;
        QVERIFY2(std::fabs(double(s.samples.size()) - expectedLength) <= 1.0,
                 qPrintable(QString("length %1, expected %2").arg(s.samples.size()).arg(expectedLength)));
        const double f = dominantFrequency(s.samples, 16000, 100, 1500);
        const double error = std::fabs(f / (440 * factor) - 1);
        qInfo("speed %.2f: pitch %.2f Hz (expected %.2f, error %.4f %%)", factor, f, 440 * factor, 100 * error);
        QVERIFY2(error < 0.005, qPrintable(QString("pitch %1 Hz").arg(f)));
        QVERIFY(std::sqrt(meanPower(s.samples)) > 0.3);  // the tone survives (0.5 peak → 0.354 RMS)
    }

    void speedRangeDraws()
    {
        const auto op = makeOp("speed", {{"range", std::vector<double>{0.8, 1.2}}});
        const Signal s = signalOf(tone(440, 0.1));
        runtime::SeededRandom random(7);
        double lo = 10, hi = 0;
        for (int i = 0; i < 200; ++i) {
            const double f = op->draw(s, random).value("factor", 0);
            QVERIFY(f >= 0.8 && f <= 1.2);
            lo = std::min(lo, f);
            hi = std::max(hi, f);
        }
        QVERIFY(lo < 0.82 && hi > 1.18);
        QCOMPARE(std::get<std::vector<double>>(op->params().at("range")), (std::vector<double>{0.8, 1.2}));
    }

    void speedDefaultsPickFromThree()
    {
        const auto op = makeOp("speed", {});
        const Signal s = signalOf(tone(440, 0.1));
        runtime::SeededRandom random(3);
        std::map<double, int> seen;
        for (int i = 0; i < 300; ++i) seen[op->draw(s, random).value("factor", 0)]++;
        QCOMPARE(int(seen.size()), 3);
        QVERIFY(seen.count(0.9) && seen.count(1.0) && seen.count(1.1));
        for (const auto& [f, n] : seen) QVERIFY2(n > 60, qPrintable(QString("factor %1 drawn %2 times").arg(f).arg(n)));
    }

    void tempoKeepsPitch_data()
    {
        QTest::addColumn<double>("factor");
        QTest::addColumn<double>("hz");
        for (double f : {0.7, 0.9, 1.1, 1.25, 1.5})
            for (double hz : {150.0, 440.0, 1000.0})
                QTest::newRow(qPrintable(QString("%1x %2Hz").arg(f).arg(hz))) << f << hz;
    }

    void tempoKeepsPitch()
    {
        QFETCH(double, factor);
        QFETCH(double, hz);
        const auto op = makeOp("tempo", {{"factors", std::vector<double>{factor}}});
        Signal s = signalOf(tone(hz, 1.0));
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        op->apply(s, drawn);
        const double durationError = std::fabs(s.duration() * factor - 1.0);
        const double f = dominantFrequency(s.samples, 16000, hz * 0.7, hz * 1.5);
        const double pitchError = std::fabs(f / hz - 1);
        qInfo("tempo %.2f @ %.0f Hz: duration %.4f s (error %.3f %%), pitch %.2f Hz (error %.3f %%)", factor, hz,
              s.duration(), 100 * durationError, f, 100 * pitchError);
        QVERIFY2(durationError < 0.02, qPrintable(QString("duration %1").arg(s.duration())));
        QVERIFY2(pitchError < 0.02, qPrintable(QString("pitch %1 Hz").arg(f)));
        // The level is kept (no holes or doubled overlaps): RMS of a 0.5-peak tone is 0.354.
        QVERIFY2(std::fabs(std::sqrt(meanPower(s.samples)) / 0.35355 - 1) < 0.05,
                 qPrintable(QString("rms %1").arg(std::sqrt(meanPower(s.samples)))));
    }

    void tempoMovesEvents_data()
    {
        QTest::addColumn<double>("factor");
        for (double f : {0.8, 1.25, 1.5}) QTest::newRow(qPrintable(QString::number(f))) << f;
    }

    // Time really is stretched (not cut or padded): a burst at 0.6 s moves to 0.6 / factor s.
    void tempoMovesEvents()
    {
        QFETCH(double, factor);
        const std::vector<float> x = burst(0.6, 1.2);
        const std::vector<float> y = TempoOp::stretch(x, 16000, factor);
        const double before = energyCentroid(x, 16000), after = energyCentroid(y, 16000);
        qInfo("tempo %.2f: burst centroid %.4f s -> %.4f s (expected %.4f)", factor, before, after, before / factor);
        QVERIFY2(std::fabs(after - before / factor) < 0.01, qPrintable(QString("centroid %1 s").arg(after)));
    }

    void tempoIdentity()
    {
        const std::vector<float> x = tone(440, 0.3);
        QCOMPARE(TempoOp::stretch(x, 16000, 1.0), x);
    }

    // Inputs shorter than a frame (or empty) still come out with round(length / factor) samples.
    void shortInputs()
    {
        const auto speed = makeOp("speed", {{"factors", std::vector<double>{1.1}}});
        const auto tempo = makeOp("tempo", {{"factors", std::vector<double>{0.8}}});
        for (size_t n : {size_t(0), size_t(1), size_t(10), size_t(399), size_t(401), size_t(1000)}) {
            for (const Op* op : {speed.get(), tempo.get()}) {
                Signal s = signalOf(std::vector<float>(n, 0.25f));
                runtime::SeededRandom random(1);
                AppliedOp drawn = op->draw(s, random);
                op->apply(s, drawn);
                QCOMPARE(long(s.samples.size()), std::lround(double(n) / drawn.value("factor", 1)));
                for (float x : s.samples) QVERIFY(std::isfinite(x));
            }
        }
    }

    void crop_data()
    {
        QTest::addColumn<double>("lo");
        QTest::addColumn<double>("hi");
        QTest::newRow("shorter") << 0.5 << 0.9;
        QTest::newRow("longer") << 1.1 << 1.5;
        QTest::newRow("default") << -1.0 << -1.0;
        QTest::newRow("exact") << 0.75 << 0.75;
    }

    void crop()
    {
        QFETCH(double, lo);
        QFETCH(double, hi);
        ParamMap params;
        if (lo > 0) params["ratio"] = std::vector<double>{lo, hi};
        const auto op = makeOp("crop", params);
        if (lo < 0) {
            lo = 0.8;
            hi = 1.2;
        }
        std::vector<float> input(16000);
        for (size_t i = 0; i < input.size(); ++i) input[i] = float(i + 1) / 16001.0f;  // distinct, non-zero
        runtime::SeededRandom random(11);
        for (int trial = 0; trial < 50; ++trial) {
            Signal s = signalOf(input);
            AppliedOp drawn = op->draw(s, random);
            const double ratio = drawn.value("ratio", 0);
            QVERIFY(ratio >= lo && ratio <= hi);
            const long start = long(drawn.value("start", -1));
            op->apply(s, drawn);
            const long expected = std::lround(ratio * 16000);
            QCOMPARE(long(s.samples.size()), expected);
            if (expected <= 16000) {
                QVERIFY(start >= 0 && start <= 16000 - expected);
                for (long i = 0; i < expected; ++i) QCOMPARE(s.samples[size_t(i)], input[size_t(start + i)]);
            } else {
                const long pad = expected - 16000;
                QVERIFY(start >= 0 && start <= pad);
                for (long i = 0; i < start; ++i) QCOMPARE(s.samples[size_t(i)], 0.0f);
                for (long i = 0; i < 16000; ++i) QCOMPARE(s.samples[size_t(start + i)], input[size_t(i)]);
                for (long i = start + 16000; i < expected; ++i) QCOMPARE(s.samples[size_t(i)], 0.0f);
            }
        }
    }

    // Padding is split between both ends: over many draws both "all before" and "all after" occur rarely
    // but the offset spans the whole range.
    void cropPaddingSpread()
    {
        const auto op = makeOp("crop", {{"ratio", std::vector<double>{1.5, 1.5}}});
        const Signal s = signalOf(std::vector<float>(1000, 0.1f));
        runtime::SeededRandom random(5);
        double lo = 1e9, hi = -1;
        for (int i = 0; i < 400; ++i) {
            const double start = op->draw(s, random).value("start", -1);
            lo = std::min(lo, start);
            hi = std::max(hi, start);
        }
        QVERIFY(lo < 25 && hi > 475);
    }

    void gain_data()
    {
        QTest::addColumn<double>("db");
        for (double db : {-10.0, -3.5, 0.0, 2.0, 6.0}) QTest::newRow(qPrintable(QString::number(db))) << db;
    }

    void gain()
    {
        QFETCH(double, db);
        const auto op = makeOp("gain", {{"db", db}});
        const std::vector<float> input = tone(440, 0.5, 16000, 0.25);
        Signal s = signalOf(input);
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        QCOMPARE(drawn.value("gain_db", 99), db);
        op->apply(s, drawn);
        const double measured = 10 * std::log10(meanPower(s.samples) / meanPower(input));
        QVERIFY2(std::fabs(measured - db) < 1e-4, qPrintable(QString("measured %1 dB").arg(measured)));
        QCOMPARE(drawn.value("clipped_fraction_measured", -1), 0.0);  // peak 0.25 · 2 = 0.5 at most
    }

    void gainClips()
    {
        const auto op = makeOp("gain", {{"db", 20.0}});
        Signal s = signalOf(tone(440, 0.5, 16000, 0.5));
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        op->apply(s, drawn);
        size_t atRail = 0;
        for (float x : s.samples) {
            QVERIFY(x >= -1.0f && x <= 1.0f);
            if (std::fabs(x) == 1.0f) ++atRail;
        }
        const double fraction = drawn.value("clipped_fraction_measured", -1);
        QCOMPARE(fraction, double(atRail) / double(s.samples.size()));
        // |5 sin| > 1 for all but asin(0.2)/(π/2) ≈ 12.8 % of the time.
        QVERIFY2(std::fabs(fraction - (1 - 2 * std::asin(0.2) / kPi)) < 0.01, qPrintable(QString::number(fraction)));
        QVERIFY(QString::fromStdString(drawn.summary()).contains("clipped"));
    }

    void deterministic_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<ParamMap>("params");
        QTest::newRow("speed") << "speed" << ParamMap{{"range", std::vector<double>{0.8, 1.2}}};
        QTest::newRow("tempo") << "tempo" << ParamMap{{"range", std::vector<double>{0.8, 1.2}}};
        QTest::newRow("crop") << "crop" << ParamMap{};
        QTest::newRow("gain") << "gain" << ParamMap{};
        QTest::newRow("noise") << "noise" << ParamMap{};
        QTest::newRow("reverb") << "reverb" << ParamMap{};
    }

    // Same seed → identical draw; same draw → identical output; another seed → another draw.
    void deterministic()
    {
        QFETCH(QString, type);
        QFETCH(ParamMap, params);
        const auto op = makeOp(type, params);
        const Signal input = signalOf(burst(0.3, 0.6));
        runtime::SeededRandom r1(42), r2(42), r3(43);
        AppliedOp a = op->draw(input, r1), b = op->draw(input, r2), c = op->draw(input, r3);
        QCOMPARE(a.values, b.values);
        QCOMPARE(a.labels, b.labels);
        QVERIFY(a.values != c.values);
        AppliedOp a2 = a;
        Signal x = input, y = input;
        op->apply(x, a);
        op->apply(y, a2);
        QCOMPARE(x.samples, y.samples);
        QCOMPARE(a.values, a2.values);  // measurements too
        QVERIFY(x.samples != input.samples);
        // Recreated from its params, the op draws and applies the same.
        const auto clone = makeOp(type, op->params());
        runtime::SeededRandom r4(42);
        AppliedOp d = clone->draw(input, r4);
        QCOMPARE(d.values, b.values);
        Signal z = input;
        clone->apply(z, d);
        QCOMPARE(z.samples, x.samples);
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("type");
        QTest::addColumn<ParamMap>("params");
        QTest::addColumn<QString>("field");
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        using V = std::vector<double>;
        using S = std::vector<std::string>;
        QTest::newRow("speed factor too small") << "speed" << ParamMap{{"factors", V{0.9, 0.3}}} << "factors";
        QTest::newRow("speed factor too big") << "speed" << ParamMap{{"factors", V{2.5}}} << "factors";
        QTest::newRow("speed factor NaN") << "speed" << ParamMap{{"factors", V{nan}}} << "factors";
        QTest::newRow("speed no factors") << "speed" << ParamMap{{"factors", V{}}} << "factors";
        QTest::newRow("speed range reversed") << "speed" << ParamMap{{"range", V{1.1, 0.9}}} << "range";
        QTest::newRow("speed range inf") << "speed" << ParamMap{{"range", V{0.9, inf}}} << "range";
        QTest::newRow("speed both") << "speed" << ParamMap{{"range", V{0.9, 1.1}}, {"factors", V{1.0}}} << "range";
        QTest::newRow("speed unknown key") << "speed" << ParamMap{{"factor", 1.1}} << "factor";
        QTest::newRow("tempo factor") << "tempo" << ParamMap{{"factors", V{-1}}} << "factors";
        QTest::newRow("tempo range") << "tempo" << ParamMap{{"range", V{0.6, 0.7, 0.8}}} << "range";
        QTest::newRow("crop negative") << "crop" << ParamMap{{"ratio", V{-0.5, 1}}} << "ratio";
        QTest::newRow("crop reversed") << "crop" << ParamMap{{"ratio", V{1.2, 0.8}}} << "ratio";
        QTest::newRow("crop text") << "crop" << ParamMap{{"ratio", std::string("most")}} << "ratio";
        QTest::newRow("gain NaN") << "gain" << ParamMap{{"db", V{nan, 3}}} << "db";
        QTest::newRow("gain reversed") << "gain" << ParamMap{{"db", V{10, -10}}} << "db";
        QTest::newRow("gain huge") << "gain" << ParamMap{{"db", V{0, 200}}} << "db";
        QTest::newRow("noise snr NaN") << "noise" << ParamMap{{"snr_db", V{nan, 10}}} << "snr_db";
        QTest::newRow("noise snr reversed") << "noise" << ParamMap{{"snr_db", V{20, 10}}} << "snr_db";
        QTest::newRow("noise snr inf") << "noise" << ParamMap{{"snr_db", inf}} << "snr_db";
        QTest::newRow("noise choices empty") << "noise" << ParamMap{{"snr_choices", V{}}} << "snr_choices";
        QTest::newRow("noise choices NaN") << "noise" << ParamMap{{"snr_choices", V{5, nan}}} << "snr_choices";
        QTest::newRow("noise unknown source") << "noise" << ParamMap{{"source", S{"white", "purple"}}} << "source";
        QTest::newRow("noise no source") << "noise" << ParamMap{{"source", S{}}} << "source";
        QTest::newRow("babble without manifest") << "noise" << ParamMap{{"source", S{"babble"}}} << "noise_manifest";
        QTest::newRow("file without manifest") << "noise" << ParamMap{{"source", S{"file"}}} << "noise_manifest";
        QTest::newRow("missing manifest")
            << "noise" << ParamMap{{"source", S{"file"}}, {"noise_manifest", std::string("/nonexistent/n.list")}}
            << "noise_manifest";
        QTest::newRow("talkers fraction") << "noise" << ParamMap{{"talkers", V{2.5, 3}}} << "talkers";
        QTest::newRow("talkers zero") << "noise" << ParamMap{{"talkers", V{0, 3}}} << "talkers";
        QTest::newRow("reverb negative") << "reverb" << ParamMap{{"rt60", V{-0.1, 0.5}}} << "rt60";
        QTest::newRow("reverb reversed") << "reverb" << ParamMap{{"rt60", V{0.8, 0.2}}} << "rt60";
        QTest::newRow("reverb missing rir") << "reverb" << ParamMap{{"rir", std::string("/nonexistent/r.wav")}} << "rir";
        QTest::newRow("reverb ratio inf") << "reverb" << ParamMap{{"direct_ratio_db", V{inf}}} << "direct_ratio_db";
        QTest::newRow("reverb unknown key") << "reverb" << ParamMap{{"t60", 0.5}} << "t60";
    }

    void malformed()
    {
        QFETCH(QString, type);
        QFETCH(ParamMap, params);
        QFETCH(QString, field);
        OpContext context;
        context.where = "aug.yaml: op 4 (" + type.toStdString() + ")";
        const QString message = errorOf([&] { makeOp(type, params, context); });
        QVERIFY2(!message.isEmpty(), "accepted");
        QVERIFY2(message.startsWith(QString::fromStdString(context.where) + ": "), qPrintable(message));
        QVERIFY2(message.contains("'" + field + "'"), qPrintable(message));
    }
};

QTEST_APPLESS_MAIN(TestTimeOps)
#include "test_time_ops.moc"
