// Corpus statistics of a pipeline on a small generated manifest: the duration ratio of a speed-only
// pipeline, the masked fractions of a mask-only pipeline (checked against the zeroed cells of the
// output), the SNR achieved by a noise op, per-op counts, --limit and cancellation.
#include "core/audio/audio_file.h"
#include "core/augment/augment_stats.h"
#include "core/data/manifest.h"
#include "core/runtime/error.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace espalier;
using namespace espalier::augment;

namespace {

class StageRecorder : public job::JobObserver {
public:
    void onStage(const std::string&, int, int) override { ++stages; }
    void onProgress(const job::JobProgress& p) override { lastDone = std::max(lastDone, p.done); }
    int stages = 0;
    long long lastDone = 0;
};

AugmentStats run(const std::string& manifest, const std::string& yaml, std::uint64_t seed, long long limit = 0,
                 job::JobObserver* observer = nullptr)
{
    const Pipeline p = Pipeline::fromYaml(yaml, "stats.yaml");
    job::CancellationToken token;
    job::JobContext context(observer, token);
    AugmentStats s = computeAugmentStats(manifest, p, seed, limit, context);
    context.finish();
    return s;
}

} // namespace

class TestAugmentStats : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    std::string manifest_;
    double totalSeconds_ = 0;
    static constexpr int kUtterances = 8;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        data::UtteranceList list;
        for (int i = 0; i < kUtterances; ++i) {
            audio::Audio a;
            a.sampleRate = i == 3 ? 8000 : 16000;  // one file at another rate: decoded at the pipeline's
            const double seconds = 0.6 + 0.1 * i;
            a.samples.resize(size_t(std::lround(seconds * a.sampleRate)));
            for (size_t n = 0; n < a.samples.size(); ++n) {
                const double t = double(n) / a.sampleRate;
                a.samples[n] = float(0.2 * std::sin(2 * M_PI * (150.0 + 40 * i) * t) + 0.05 * std::sin(2 * M_PI * 1300 * t));
            }
            const std::string path = tmp_.filePath(QString("u%1.wav").arg(i)).toStdString();
            audio::writeWav(path, a);
            list.push_back({"u" + std::to_string(i), path, "你好", seconds, "spk"});
            totalSeconds_ += seconds;
        }
        manifest_ = tmp_.filePath("data.list").toStdString();
        data::writeWenetList(manifest_, list);
    }

    void speedOnlyScalesDuration_data()
    {
        QTest::addColumn<double>("factor");
        QTest::newRow("0.8") << 0.8;
        QTest::newRow("1.1") << 1.1;
    }
    void speedOnlyScalesDuration()
    {
        QFETCH(double, factor);
        StageRecorder observer;
        const AugmentStats s = run(manifest_,
                                   "espalier_augment: 1\nops:\n  - {type: speed, factors: [" + std::to_string(factor) + "]}\n",
                                   1, 0, &observer);
        QCOMPARE(s.utterances, (long long)kUtterances);
        QVERIFY(std::fabs(s.inputSeconds - totalSeconds_) < 1e-3);
        QCOMPARE(s.durationRatio.count, (long long)kUtterances);
        QVERIFY2(std::fabs(s.durationRatio.mean - 1.0 / factor) < 2e-3, qPrintable(QString::number(s.durationRatio.mean)));
        QVERIFY(std::fabs(s.durationRatio.min - 1.0 / factor) < 3e-3);
        QVERIFY(std::fabs(s.durationRatio.max - 1.0 / factor) < 3e-3);
        QVERIFY(std::fabs(s.outputSeconds / s.inputSeconds - 1.0 / factor) < 2e-3);
        QCOMPARE(s.ops.size(), size_t(1));
        QCOMPARE(s.ops[0].type, std::string("speed"));
        QCOMPARE(s.ops[0].applied, (long long)kUtterances);
        QCOMPARE(s.snrDb.count, 0LL);
        QCOMPARE(s.maskedFrameFraction.max, 0.0);
        QCOMPARE(observer.stages, 1);
        QCOMPARE(observer.lastDone, (long long)kUtterances);
    }

    void maskedFractionsMatchTheZeroedCells()
    {
        const std::string yaml = "espalier_augment: 1\nops:\n"
                                 "  - {type: spec_augment, freq_masks: 2, freq_width: 20, time_masks: 2, time_width: 30}\n";
        const std::uint64_t seed = 11;
        const AugmentStats s = run(manifest_, yaml, seed);
        QCOMPARE(s.maskedFrameFraction.count, (long long)kUtterances);
        QCOMPARE(s.maskedBinFraction.count, (long long)kUtterances);
        QCOMPARE(s.durationRatio.mean, 1.0);

        // Independently: frames (bins) whose every cell is exactly zero in the output.
        const Pipeline p = Pipeline::fromYaml(yaml, "stats.yaml");
        const data::UtteranceList list = data::loadManifest(manifest_);
        double frameSum = 0, binSum = 0, frameMax = 0;
        for (size_t i = 0; i < list.size(); ++i) {
            const audio::Audio a = audio::readAudio(list[i].audioPath, 16000);
            Signal in;
            in.samples = a.samples;
            const runtime::FeatureMatrix f = p.run(in, Pipeline::utteranceSeed(seed, i)).output.features;
            int zeroFrames = 0, zeroBins = 0;
            for (int t = 0; t < f.frames; ++t) {
                bool all = true;
                for (int b = 0; b < f.bins; ++b)
                    all = all && f.at(t, b) == 0.0f;
                zeroFrames += all;
            }
            for (int b = 0; b < f.bins; ++b) {
                bool all = true;
                for (int t = 0; t < f.frames; ++t)
                    all = all && f.at(t, b) == 0.0f;
                zeroBins += all;
            }
            frameSum += double(zeroFrames) / f.frames;
            binSum += double(zeroBins) / f.bins;
            frameMax = std::max(frameMax, double(zeroFrames) / f.frames);
        }
        QVERIFY(frameSum > 0 && binSum > 0);
        QVERIFY(std::fabs(s.maskedFrameFraction.mean - frameSum / kUtterances) < 1e-12);
        QVERIFY(std::fabs(s.maskedBinFraction.mean - binSum / kUtterances) < 1e-12);
        QVERIFY(std::fabs(s.maskedFrameFraction.max - frameMax) < 1e-12);
        QVERIFY(s.maskedBinFraction.max <= 40.0 / 80.0);
    }

    void noiseSnrAndCounts()
    {
        const AugmentStats s = run(manifest_,
                                   "espalier_augment: 1\nops:\n"
                                   "  - {type: gain, p: 0.5, db: [-3, 3]}\n"
                                   "  - {type: noise, snr_db: [10, 10], source: [pink]}\n",
                                   5);
        QCOMPARE(s.ops.size(), size_t(2));
        QCOMPARE(s.ops[0].applied + s.ops[0].skipped, (long long)kUtterances);
        QCOMPARE(s.ops[1].applied, (long long)kUtterances);
        QCOMPARE(s.snrDb.count, (long long)kUtterances);
        QVERIFY2(std::fabs(s.snrDb.mean - 10.0) < 0.1, qPrintable(QString::number(s.snrDb.mean)));
        QVERIFY(std::fabs(s.snrDb.min - 10.0) < 0.1 && std::fabs(s.snrDb.max - 10.0) < 0.1);
    }

    void limitAndDeterminism()
    {
        const std::string yaml = "espalier_augment: 1\nops:\n  - {type: speed, factors: [0.9, 1.0, 1.1]}\n";
        const AugmentStats a = run(manifest_, yaml, 3, 3);
        QCOMPARE(a.utterances, 3LL);
        const AugmentStats b = run(manifest_, yaml, 3, 3);
        QCOMPARE(a.outputSeconds, b.outputSeconds);
        QCOMPARE(a.durationRatio.mean, b.durationRatio.mean);
    }

    void cancelStops()
    {
        const Pipeline p = Pipeline::preset("wenet-aishell");
        job::CancellationToken token;
        token.cancel();
        job::JobContext context(nullptr, token);
        QVERIFY_THROWS_EXCEPTION(CancelledError, computeAugmentStats(manifest_, p, 1, 0, context));
    }

    void summaryRunningValues()
    {
        Summary s;
        for (double v : {3.0, -1.0, 4.0, 2.0})
            s.add(v);
        QCOMPARE(s.count, 4LL);
        QCOMPARE(s.mean, 2.0);
        QCOMPARE(s.min, -1.0);
        QCOMPARE(s.max, 4.0);
    }
};

QTEST_GUILESS_MAIN(TestAugmentStats)
#include "test_augment_stats.moc"
