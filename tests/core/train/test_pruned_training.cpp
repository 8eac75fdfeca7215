// Training with a pruning recipe on a tiny model: the masks follow the schedule, pruned weights stay
// zero through AdamW steps, the achieved sparsity is logged and stored in checkpoints, model stats
// read it back, and a resumed run continues with the same masks and the same losses.
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"
#include "core/train/checkpoint.h"
#include "core/train/model_stats.h"
#include "core/train/one_shot_prune.h"
#include "core/train/trainer.h"
#include "tests/core/train/train_test_util.h"

#include <QTemporaryDir>
#include <QtTest>
#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace espalier;

namespace {

const char* kRecipe = "espalier_recipe: 1\n"
                      "stages:\n"
                      "  - type: unstructured\n"
                      "    scope: global\n"
                      "    schedule: {shape: agp_cubic, final_sparsity: 0.6, begin: 2, end: 8, frequency: 2}\n"
                      "    exclude: [\"re:.*subsampling.*\"]\n"
                      "    overrides:\n"
                      "      - {params: \"re:.*ctc.*\", final_sparsity: 0.3}\n";

const char* kStructured = "espalier_recipe: 1\n"
                          "stages:\n"
                          "  - type: structured\n"
                          "    channels: [ffn, heads]\n"
                          "    schedule: {shape: linear, final_sparsity: 0.5, begin: 2, end: 6, frequency: 2}\n"
                          "    rescore_every: 2\n"
                          "    calibration_utterances: 6\n";

const char* kDynamic = "espalier_recipe: 1\n"
                       "stages:\n"
                       "  - type: dynamic\n"
                       "    schedule: {shape: constant, final_sparsity: 0.6, begin: 2, end: 10, frequency: 2}\n"
                       "    exclude: [\"re:.*subsampling.*\"]\n"
                       "    drop_fraction: 0.3\n";

prune::MaskMap checkpointMasks(const std::string& path)
{
    auto model = train::loadModelFromCheckpoint(path);
    return train::loadCheckpoint(path, *model, nullptr).masks;
}

std::vector<std::pair<std::string, double>> metricSeries(const std::string& run, const std::string& key)
{
    std::vector<std::pair<std::string, double>> out;
    for (const std::string& line : traintest::readLines(run + "/metrics.jsonl")) {
        const auto j = nlohmann::json::parse(line);
        if (j.contains(key))
            out.emplace_back(std::to_string(j["step"].get<long long>()), j[key].get<double>());
    }
    return out;
}

} // namespace

class TestPrunedTraining : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string train_;
    std::string recipe_;

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        train_ = traintest::writeToneSplit(dir_.path().toStdString(), "train", 24, 11);
        recipe_ = dir_.path().toStdString() + "/recipe.yaml";
        io::writeFileAtomic(recipe_, kRecipe);
    }

    void masksFollowTheScheduleAndStay()
    {
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe_;
        config.steps = 10;
        config.checkpointEvery = 5;
        const std::string run = dir_.path().toStdString() + "/pruned";
        QVERIFY(traintest::trainNewRun(config, run));

        const train::ModelStats stats = train::checkpointModelStats(run + "/checkpoints/step-00000010.pt");
        int64_t poolTotal = 0, poolZeros = 0;
        for (const train::ParameterStats& p : stats.parameters) {
            const bool subsampling = p.info.name.find("subsampling") != std::string::npos;
            if (!p.info.prunable || subsampling) {
                QVERIFY2(!p.masked, p.info.name.c_str());
                continue;
            }
            QVERIFY2(p.masked, p.info.name.c_str());
            if (p.info.name.find("ctc") != std::string::npos) {
                QVERIFY2(std::abs(p.sparsity() - 0.3) < 0.01, qPrintable(QString::number(p.sparsity())));
            } else {
                poolTotal += p.info.numel();
                poolZeros += p.info.numel() - p.nonzeros;
            }
        }
        // One global threshold over the pool: exactly 60 % of it (round(0.6 n)) is zero.
        QCOMPARE(poolZeros, int64_t(std::nearbyint(0.6 * double(poolTotal))));

        // The logged sparsity follows the AGP targets: 0 before step 2, rising, 0.6 of the pool at 8.
        std::vector<double> target, achieved;
        for (const std::string& line : traintest::readLines(run + "/metrics.jsonl")) {
            const auto j = nlohmann::json::parse(line);
            if (j.contains("target_sparsity")) {
                target.push_back(j["target_sparsity"].get<double>());
                achieved.push_back(j.value("sparsity", 0.0));
            }
        }
        QCOMPARE(int(target.size()), 10);
        QCOMPARE(target[0], 0.0);
        for (size_t i = 1; i < target.size(); ++i)
            QVERIFY(target[i] >= target[i - 1]);
        QVERIFY(std::abs(achieved.back() - target.back()) < 0.01);
        QVERIFY(target[3] < target.back());
    }

    void resumeKeepsTheMasks()
    {
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe_;
        config.steps = 10;
        config.batch.maxFrames = 500;
        const std::string base = dir_.path().toStdString() + "/resume";
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer straight(config, base + "-straight");
        straight.prepare(context, false);
        QVERIFY(straight.train(context));
        {
            train::Trainer first(config, base + "-split");
            first.prepare(context, false);
            QVERIFY(!first.train(context, 5));  // stops between two mask updates
        }
        train::Trainer second(config, base + "-split");
        second.prepare(context, true);
        QVERIFY(second.train(context));
        const std::vector<double> a = traintest::losses(straight), b = traintest::losses(second);
        QCOMPARE(b.size(), size_t(5));
        for (size_t i = 0; i < b.size(); ++i)
            QVERIFY2(a[5 + i] == b[i], qPrintable(QString("step %1: %2 vs %3").arg(6 + i).arg(a[5 + i], 0, 'g', 17)
                                                      .arg(b[i], 0, 'g', 17)));
        const train::ModelStats s1 = train::checkpointModelStats(base + "-straight/checkpoints/step-00000010.pt");
        const train::ModelStats s2 = train::checkpointModelStats(base + "-split/checkpoints/step-00000010.pt");
        QCOMPARE(s1.prunableNonzeros, s2.prunableNonzeros);
        QVERIFY(s1.prunableNonzeros < s1.prunableParameters);
    }

    void structuredTrainingThenPhysicalRemoval()
    {
        const std::string recipe = dir_.path().toStdString() + "/structured.yaml";
        io::writeFileAtomic(recipe, kStructured);
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe;
        config.steps = 8;
        config.checkpointEvery = 8;
        const std::string run = dir_.path().toStdString() + "/structured";
        QVERIFY(traintest::trainNewRun(config, run));
        // Half the channels (FFN units and heads) are dead by step 6 and stay dead.
        const auto achieved = metricSeries(run, "channel_sparsity");
        const auto target = metricSeries(run, "target_channel_sparsity");
        QCOMPARE(achieved.size(), size_t(8));
        QCOMPARE(target.back().second, 0.5);
        QCOMPARE(achieved.back().second, 0.5);
        QVERIFY(achieved[3].second > 0.0 && achieved[3].second < 0.5);  // step 4: the ramp's first nonzero update

        // One shot at the same recipe: the dead channels go physically; the outputs stay.
        const std::string masked = run + "/checkpoints/step-00000008.pt";
        const std::string shrunkPath = dir_.path().toStdString() + "/shrunk.pt";
        const train::OneShotResult r = train::pruneCheckpoint(masked, recipe, shrunkPath);
        QCOMPARE(r.channelsRemoved.at("ffn"), 0.5);
        QCOMPARE(r.channelsRemoved.at("heads"), 0.5);
        QVERIFY(r.parametersAfter < r.parametersBefore);
        auto before = train::loadModelFromCheckpoint(masked);
        auto after = train::loadModelFromCheckpoint(shrunkPath);
        QCOMPARE(after->parameterCount(), r.parametersAfter);
        QCOMPARE(after->config()->blockShape(0).heads, 2);
        torch::manual_seed(3);
        const torch::Tensor features = torch::randn({2, 90, before->inputDim()});
        const torch::Tensor lengths = torch::tensor({90L, 90L});
        double diff = 0.0;
        {
            torch::NoGradGuard noGrad;
            diff = (before->forward(features, lengths).logProbs - after->forward(features, lengths).logProbs)
                       .abs().max().item<double>();
        }
        QVERIFY2(diff < 1e-4, qPrintable(QString("max |masked - shrunk| = %1").arg(diff)));

        // The shrunk model fine-tunes from the checkpoint (model.init) with a fresh optimiser.
        train::TrainConfig tune = traintest::tinyConfig(train_);
        tune.model.init = shrunkPath;
        tune.steps = 2;
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer fineTune(tune, dir_.path().toStdString() + "/tuned");
        fineTune.prepare(context, false);
        QVERIFY(fineTune.train(context));
        QCOMPARE(fineTune.model().parameterCount(), r.parametersAfter);
    }

    void dynamicSparseTrainingMovesTheMasks()
    {
        const std::string recipe = dir_.path().toStdString() + "/dynamic.yaml";
        io::writeFileAtomic(recipe, kDynamic);
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe;
        config.steps = 10;
        config.checkpointEvery = 2;
        config.keepLast = 10;
        config.batch.maxFrames = 500;
        const std::string base = dir_.path().toStdString() + "/dynamic";
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer straight(config, base + "-straight");
        straight.prepare(context, false);
        QVERIFY(straight.train(context));
        const prune::MaskMap at4 = checkpointMasks(base + "-straight/checkpoints/step-00000004.pt");
        const prune::MaskMap at8 = checkpointMasks(base + "-straight/checkpoints/step-00000008.pt");
        int64_t total = 0, kept4 = 0, kept8 = 0, moved = 0;
        for (const auto& [name, mask] : at4) {
            total += mask.numel();
            kept4 += mask.sum().item<int64_t>();
            kept8 += at8.at(name).sum().item<int64_t>();
            moved += (mask != at8.at(name)).sum().item<int64_t>();
        }
        // The sparsity stays at 60 % while weights are dropped and regrown.
        QCOMPARE(kept4, total - int64_t(std::nearbyint(0.6 * double(total))));
        QCOMPARE(kept8, kept4);
        QVERIFY2(moved > 0, "no weight was regrown");
        // Resuming restores the mask scores and shadow weights: the same losses as a straight run.
        {
            train::Trainer first(config, base + "-split");
            first.prepare(context, false);
            QVERIFY(!first.train(context, 5));
        }
        train::Trainer second(config, base + "-split");
        second.prepare(context, true);
        QVERIFY(second.train(context));
        const std::vector<double> a = traintest::losses(straight), b = traintest::losses(second);
        QCOMPARE(b.size(), size_t(5));
        for (size_t i = 0; i < b.size(); ++i)
            QVERIFY2(a[5 + i] == b[i], qPrintable(QString("step %1").arg(6 + i)));
    }

    void aStageBeginningAtZeroPrunesBeforeTheFirstStep()
    {
        const std::string recipe = dir_.path().toStdString() + "/oneshot.yaml";
        io::writeFileAtomic(recipe, "espalier_recipe: 1\nstages:\n  - type: unstructured\n"
                                    "    schedule: {shape: constant, final_sparsity: 0.5, begin: 0, end: 1, frequency: 1}\n");
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe;
        config.steps = 2;
        const std::string run = dir_.path().toStdString() + "/oneshot";
        QVERIFY(traintest::trainNewRun(config, run));
        const auto sparsity = metricSeries(run, "sparsity");
        QCOMPARE(sparsity.size(), size_t(2));
        QVERIFY2(std::abs(sparsity.front().second - 0.5) < 0.01, qPrintable(QString::number(sparsity.front().second)));
    }

    void layerStagesAreOneShot()
    {
        const std::string recipe = dir_.path().toStdString() + "/layer.yaml";
        io::writeFileAtomic(recipe, "espalier_recipe: 1\nstages:\n  - type: layer\n    drop: 1\n");
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = recipe;
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer trainer(config, dir_.path().toStdString() + "/layer");
        QVERIFY_THROWS_EXCEPTION(InputError, trainer.prepare(context, false));
    }

    void aRecipeThatSelectsNothingIsRefused()
    {
        const std::string bad = dir_.path().toStdString() + "/nothing.yaml";
        io::writeFileAtomic(bad, "espalier_recipe: 1\nstages:\n  - type: unstructured\n    schedule: {end: 10}\n"
                                 "    params: \"no.such.*\"\n");
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = bad;
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer trainer(config, dir_.path().toStdString() + "/nothing");
        QVERIFY_THROWS_EXCEPTION(InputError, trainer.prepare(context, false));
    }
};

QTEST_GUILESS_MAIN(TestPrunedTraining)
#include "test_pruned_training.moc"
