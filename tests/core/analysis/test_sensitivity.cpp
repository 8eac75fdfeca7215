// The sensitivity analysis on a real (tiny, briefly trained) Conformer: a cell equals pruning that
// tensor directly and evaluating, the model is bit-identical after every cell, the prefix cache and
// the whole forward pass agree, a cache hit recomputes nothing, a cancelled analysis leaves a valid
// partial file and resumes, shards merge into the single run, and bad inputs name what is wrong.
#include "core/analysis/sensitivity_job.h"
#include "core/analysis/sensitivity_rows.h"
#include "core/prune/layer_pruning.h"
#include "core/prune/masks.h"
#include "core/runtime/error.h"
#include "core/train/calibration.h"
#include "core/train/checkpoint.h"
#include "core/train/evaluator.h"
#include "core/train/sample.h"
#include "tests/core/train/train_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <filesystem>

using namespace espalier;
using namespace espalier::analysis;

namespace {

// Cancels the job once it has reported `after` cells.
class CancelAfter : public job::JobObserver {
public:
    CancelAfter(job::CancellationToken& token, int after) : token_(token), after_(after) {}
    void onMetric(const job::MetricPoint& point) override
    {
        if (point.series == "sensitivity" && ++seen_ >= after_)
            token_.cancel();
    }

private:
    job::CancellationToken& token_;
    int after_;
    int seen_ = 0;
};

job::JobResult runQuietly(SensitivityJob& job, job::JobObserver* observer = nullptr, job::CancellationToken* token = nullptr)
{
    job::CancellationToken own;
    return job::runJob(job, observer, token ? *token : own);
}

void compareCells(const SensitivityResult& a, const SensitivityResult& b, double tolerance)
{
    QCOMPARE(a.rows.size(), b.rows.size());
    for (size_t i = 0; i < a.rows.size(); ++i) {
        QCOMPARE(a.rows[i].name, b.rows[i].name);
        for (size_t l = 0; l < a.levels.size(); ++l) {
            const SensitivityCell& x = a.rows[i].cells[l];
            const SensitivityCell& y = b.rows[i].cells[l];
            QVERIFY(x.state == y.state);
            QVERIFY2(std::abs(x.loss - y.loss) <= tolerance * std::max(1.0, std::abs(x.loss)),
                     qPrintable(QString("%1 @%2: %3 vs %4").arg(a.rows[i].name.c_str()).arg(l).arg(x.loss).arg(y.loss)));
            QVERIFY(std::abs(x.kl - y.kl) <= tolerance * std::max(1.0, x.kl));
            QVERIFY(std::abs(x.cer - y.cer) <= tolerance);
        }
    }
}

} // namespace

class TestSensitivity : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        const std::string d = dir_.path().toStdString();
        const std::string train = traintest::writeToneSplit(d, "train", 40, 11);
        dev_ = traintest::writeToneSplit(d, "dev", 12, 12);
        train::TrainConfig config = traintest::tinyConfig(train, dev_);
        config.steps = 40;
        config.checkpointEvery = 40;
        run_ = d + "/run";
        QVERIFY(traintest::trainNewRun(config, run_));
        checkpoint_ = run_ + "/checkpoints/step-00000040.pt";
        QVERIFY(std::filesystem::exists(checkpoint_));
    }

    void aCellIsADirectPruneAndEvaluate()
    {
        SensitivityOptions o = options({"encoder.blocks.1.feed_forward.w_1.weight", "ctc.ctc_lo.weight"});
        o.levels = {0.0, 0.5, 0.9};
        SensitivityJob job(o);
        const job::JobResult outcome = runQuietly(job);
        QVERIFY2(outcome.outcome == job::JobOutcome::Succeeded, outcome.message.c_str());
        const SensitivityResult& r = job.result();
        QCOMPARE(r.rows.size(), size_t(2));
        QVERIFY(r.complete());
        QCOMPARE(job.computedCells(), 4);  // level 0 is the reference itself

        // The same by hand: load, prune that tensor alone, the mean CTC loss and greedy CER of the subset.
        train::CheckpointMeta meta;
        for (size_t row = 0; row < r.rows.size(); ++row) {
            std::unique_ptr<model::AsrModel> m = train::loadModelFromCheckpoint(checkpoint_, &meta);
            const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, checkpoint_);
            const train::SampleSet samples = train::loadSamples(dev_, meta.fbank, &tokenizer);
            const std::string name = r.rows[row].tensors.at(0);
            torch::Tensor w = m->namedParameters()[name];
            const prune::MaskMap masks = prune::layerMagnitudeMasks({{name, w}}, {0.9});
            {
                torch::NoGradGuard noGrad;
                w.mul_(masks.at(name));
            }
            const auto batches = train::calibrationBatches(samples.samples, meta.fbank, 1000);
            const double loss = prune::calibrationLoss(*m, batches);
            const eval::CerAccumulator cer = train::evaluateSamples(*m, tokenizer, samples.samples, meta.fbank, {});
            const SensitivityCell& cell = r.rows[row].cells[2];
            QVERIFY2(std::abs(cell.loss - loss) < 1e-4 * std::max(1.0, loss),
                     qPrintable(QString("%1: %2 vs %3").arg(name.c_str()).arg(cell.loss).arg(loss)));
            QVERIFY2(std::abs(cell.cer - cer.total().errorRate()) < 1e-9,
                     qPrintable(QString("%1 vs %2").arg(cell.cer).arg(cer.total().errorRate())));
            QVERIFY(cell.kl > 0.0);
            QVERIFY(r.rows[row].cells[0].kl == 0.0);
            QVERIFY(r.rows[row].magnitude[2] > r.rows[row].magnitude[1]);
        }
    }

    void theModelIsBitIdenticalAfterEveryCell_data()
    {
        QTest::addColumn<int>("granularity");
        QTest::newRow("tensor") << int(Granularity::Tensor);
        QTest::newRow("group") << int(Granularity::Group);
        QTest::newRow("channel") << int(Granularity::Channel);
        QTest::newRow("head") << int(Granularity::Head);
    }

    void theModelIsBitIdenticalAfterEveryCell()
    {
        QFETCH(int, granularity);
        const auto g = Granularity(granularity);
        train::CheckpointMeta meta;
        std::unique_ptr<model::AsrModel> m = train::loadModelFromCheckpoint(checkpoint_, &meta);
        std::vector<torch::Tensor> before;
        for (const auto& item : m->stateDict())
            before.push_back(item.value().clone());
        ChannelRanking ranking;
        if (g == Granularity::Channel || g == Granularity::Head) {
            const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, checkpoint_);
            const train::SampleSet samples = train::loadSamples(dev_, meta.fbank, &tokenizer);
            ranking.groups = prune::channelGroups(*m);
            ranking.scores = prune::featureMapImportance(*m, train::calibrationBatches(samples.samples, meta.fbank, 8));
        }
        const std::vector<RowPlan> plans = planRows(*m, g, {"__ALL_PRUNABLE__"});
        QVERIFY(!plans.empty());
        if (g == Granularity::Group)
            QVERIFY(std::any_of(plans.begin(), plans.end(), [](const RowPlan& p) { return p.row.tensors.size() == 3; }));
        for (const RowPlan& plan : plans) {
            for (const double level : {0.3, 0.9}) {
                SavedWeights saved = pruneRow(*m, plan, g, level, &ranking);
                bool changed = false;
                size_t k = 0;
                for (const auto& item : m->stateDict())
                    changed = changed || !torch::equal(item.value(), before[k++]);
                QVERIFY2(changed, plan.row.name.c_str());
                saved.restore();
                k = 0;
                for (const auto& item : m->stateDict())
                    QVERIFY2(torch::equal(item.value(), before[k++]), (plan.row.name + ": " + item.key()).c_str());
            }
        }
    }

    void thePrefixCacheChangesNoNumber()
    {
        SensitivityOptions o = options({"encoder.blocks.*.self_attn.linear_v.weight", "encoder.embed.*", "ctc.*"});
        o.levels = {0.0, 0.6};
        SensitivityJob withCache(o);
        QVERIFY(runQuietly(withCache).outcome == job::JobOutcome::Succeeded);
        o.prefixCache = false;
        SensitivityJob whole(o);
        QVERIFY(runQuietly(whole).outcome == job::JobOutcome::Succeeded);
        QVERIFY(withCache.result().rows.size() >= 4);  // two blocks, the front end and the head
        compareCells(withCache.result(), whole.result(), 1e-5);
    }

    void blockRowsDropTheBlockAsLayerPruningDoes()
    {
        SensitivityOptions o = options({"__ALL_PRUNABLE__"});
        o.granularity = Granularity::Block;
        SensitivityJob job(o);
        const job::JobResult outcome = runQuietly(job);
        QVERIFY2(outcome.outcome == job::JobOutcome::Succeeded, outcome.message.c_str());
        const SensitivityResult& r = job.result();
        QCOMPARE(r.rows.size(), size_t(2));
        QCOMPARE(r.levels, std::vector<double>({0.0, 1.0}));

        train::CheckpointMeta meta;
        std::unique_ptr<model::AsrModel> m = train::loadModelFromCheckpoint(checkpoint_, &meta);
        const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, checkpoint_);
        const train::SampleSet samples = train::loadSamples(dev_, meta.fbank, &tokenizer);
        double base = 0.0;
        const auto direct = prune::blockSensitivity(*m, train::calibrationBatches(samples.samples, meta.fbank, 1000), &base);
        QVERIFY(std::abs(r.baselineLoss - base) < 1e-4 * std::max(1.0, base));
        for (size_t b = 0; b < direct.size(); ++b) {
            QVERIFY2(std::abs(r.rows[b].cells[1].loss - direct[b].loss) < 1e-4 * std::max(1.0, direct[b].loss),
                     qPrintable(QString("%1 vs %2").arg(r.rows[b].cells[1].loss).arg(direct[b].loss)));
            QVERIFY(std::abs(rowSensitivity(r, r.rows[b]) - direct[b].sensitivity) < 1e-3);
        }
    }

    void aCacheHitRecomputesNothing()
    {
        QTemporaryDir cache;
        SensitivityOptions o = options({"encoder.blocks.0.*"});
        o.levels = {0.0, 0.4, 0.8};
        o.cacheDir = cache.path().toStdString();
        SensitivityJob first(o);
        QVERIFY(runQuietly(first).outcome == job::JobOutcome::Succeeded);
        QVERIFY(first.computedCells() > 0);
        QCOMPARE(first.cachedCells(), 0);
        SensitivityJob again(o);
        QVERIFY(runQuietly(again).outcome == job::JobOutcome::Succeeded);
        QCOMPARE(again.computedCells(), 0);
        QCOMPARE(again.cachedCells(), again.result().totalCells());
        QCOMPARE(again.result().toJson(), first.result().toJson());
        // Another grid is another analysis.
        o.levels = {0.0, 0.5};
        SensitivityJob other(o);
        QVERIFY(runQuietly(other).outcome == job::JobOutcome::Succeeded);
        QVERIFY(other.computedCells() > 0);
    }

    void aCancelledAnalysisLeavesAValidFileAndResumes()
    {
        QTemporaryDir work;
        SensitivityOptions o = options({"encoder.blocks.*.feed_forward.*", "encoder.blocks.*.conv_module.*"});
        o.levels = {0.0, 0.5, 0.9};
        o.cacheDir = work.path().toStdString() + "/cache";
        o.out = work.path().toStdString() + "/partial.json";
        job::CancellationToken token;
        CancelAfter cancel(token, 5);
        SensitivityJob stopped(o);
        QVERIFY(runQuietly(stopped, &cancel, &token).outcome == job::JobOutcome::Cancelled);
        const SensitivityResult partial = SensitivityResult::load(o.out);
        QVERIFY(!partial.complete());
        QVERIFY(partial.doneCells() >= 5);
        QVERIFY(partial.doneCells() < partial.totalCells());

        SensitivityJob resumed(o);
        QVERIFY(runQuietly(resumed).outcome == job::JobOutcome::Succeeded);
        QVERIFY(resumed.cachedCells() >= 5);
        // The cache held exactly what the partial file did; only the rest was evaluated.
        QCOMPARE(resumed.cachedCells(), partial.doneCells());
        int freshLevelZero = 0;
        for (const SensitivityRow& row : partial.rows)
            freshLevelZero += row.cells[0].state == SensitivityCell::State::Pending;
        QCOMPARE(resumed.computedCells(), partial.totalCells() - partial.doneCells() - freshLevelZero);
        QVERIFY(SensitivityResult::load(o.out).complete());

        o.cacheDir.clear();
        o.out.clear();
        SensitivityJob straight(o);
        QVERIFY(runQuietly(straight).outcome == job::JobOutcome::Succeeded);
        compareCells(resumed.result(), straight.result(), 1e-12);
    }

    void shardsMergedEqualOneRun()
    {
        SensitivityOptions o = options({"encoder.blocks.1.*", "ctc.*"});
        o.levels = {0.0, 0.7};
        SensitivityJob whole(o);
        QVERIFY(runQuietly(whole).outcome == job::JobOutcome::Succeeded);
        std::vector<SensitivityResult> shards;
        for (int s = 0; s < 3; ++s) {
            o.shardIndex = s;
            o.shardCount = 3;
            SensitivityJob shard(o);
            QVERIFY(runQuietly(shard).outcome == job::JobOutcome::Succeeded);
            QVERIFY(shard.result().complete());
            QVERIFY(shard.result().doneCells() < whole.result().doneCells());
            shards.push_back(shard.result());
        }
        const SensitivityResult merged = mergeShards(shards, {"s0", "s1", "s2"});
        compareCells(merged, whole.result(), 1e-12);
        QVERIFY(merged.complete());
    }

    void theLossCeilingStopsARow()
    {
        SensitivityOptions o = options({"ctc.ctc_lo.weight"});
        o.levels = {0.0, 0.9, 0.95};
        o.lossCeiling = 1e-6;  // any loss rise stops the row
        SensitivityJob job(o);
        QVERIFY(runQuietly(job).outcome == job::JobOutcome::Succeeded);
        const SensitivityRow& row = job.result().rows.at(0);
        QVERIFY(row.cells[1].state == SensitivityCell::State::Done);
        QVERIFY(row.cells[2].state == SensitivityCell::State::Skipped);
        QCOMPARE(job.computedCells(), 1);
    }

    void latencyIsMeasuredPerLevel()
    {
        SensitivityOptions o = options({"encoder.blocks.0.feed_forward.w_1.weight"});
        o.levels = {0.0, 0.5, 0.9};
        o.latency = "here";
        SensitivityJob job(o);
        QVERIFY(runQuietly(job).outcome == job::JobOutcome::Succeeded);
        const SensitivityResult& r = job.result();
        QCOMPARE(r.rows.at(0).latencyMs.size(), size_t(3));
        QVERIFY(r.latencyFrames > 0);
        QVERIFY(!r.latencyCpu.empty());
        for (const double ms : r.rows[0].latencyMs)
            QVERIFY(ms > 0.0 && ms <= r.rows[0].latencyMs[0] + 1e-12);  // never slower than dense: the faster layout
    }

    void badInputsNameTheField_data()
    {
        QTest::addColumn<QString>("what");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown tensor") << "tensor" << "tensors: no prunable tensor";
        QTest::newRow("level 1") << "level" << "levels";
        QTest::newRow("empty subset") << "subset" << "subset is empty";
        QTest::newRow("shard") << "shard" << "shard";
        QTest::newRow("model") << "model" << "model not found";
    }

    void badInputsNameTheField()
    {
        QFETCH(QString, what);
        QFETCH(QString, message);
        SensitivityOptions o = options({"__ALL_PRUNABLE__"});
        if (what == "tensor")
            o.tensors = {"encoder.nothing.*"};
        if (what == "level")
            o.levels = {0.0, 0.5, 1.0};
        if (what == "subset") {
            // One utterance, too short for the model to give an output frame.
            const std::string d = dir_.path().toStdString();
            audio::Audio blip;
            blip.sampleRate = 16000;
            blip.samples.assign(480, 0.1f);
            audio::writeWav(d + "/wav/blip.wav", blip);
            data::writeWenetList(d + "/blip.list", {{"blip", d + "/wav/blip.wav", "一", blip.duration(), "spk"}});
            o.data = d + "/blip.list";
        }
        if (what == "shard") {
            o.shardIndex = 3;
            o.shardCount = 2;
        }
        if (what == "model")
            o.model = dir_.path().toStdString() + "/missing.pt";
        SensitivityJob job(o);
        const job::JobResult r = runQuietly(job);
        QVERIFY(r.outcome == job::JobOutcome::Failed);
        QVERIFY(r.inputError);
        QVERIFY2(QString::fromStdString(r.message).contains(message), r.message.c_str());
    }

private:
    SensitivityOptions options(const std::vector<std::string>& tensors) const
    {
        SensitivityOptions o;
        o.model = checkpoint_;
        o.data = dev_;
        o.subset = 0;
        o.tensors = tensors;
        o.batchSize = 5;
        return o;
    }

    QTemporaryDir dir_;
    std::string dev_;
    std::string run_;
    std::string checkpoint_;
};

QTEST_GUILESS_MAIN(TestSensitivity)
#include "test_sensitivity.moc"
