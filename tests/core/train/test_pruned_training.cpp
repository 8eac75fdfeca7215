// Training with a pruning recipe on a tiny model: the masks follow the schedule, pruned weights stay
// zero through AdamW steps, the achieved sparsity is logged and stored in checkpoints, model stats
// read it back, and a resumed run continues with the same masks and the same losses.
#include "io/atomic_file.h"
#include "runtime/error.h"
#include "train/model_stats.h"
#include "train/trainer.h"
#include "train_test_util.h"

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
        project::CancellationToken token;
        project::JobContext context(nullptr, token);
        train::Trainer trainer(config, run);
        trainer.prepare(context, false);
        QVERIFY(trainer.train(context));

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
        project::CancellationToken token;
        project::JobContext context(nullptr, token);
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

    void aRecipeThatSelectsNothingIsRefused()
    {
        const std::string bad = dir_.path().toStdString() + "/nothing.yaml";
        io::writeFileAtomic(bad, "espalier_recipe: 1\nstages:\n  - type: unstructured\n    schedule: {end: 10}\n"
                                 "    params: \"no.such.*\"\n");
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.recipe = bad;
        project::CancellationToken token;
        project::JobContext context(nullptr, token);
        train::Trainer trainer(config, dir_.path().toStdString() + "/nothing");
        QVERIFY_THROWS_EXCEPTION(InputError, trainer.prepare(context, false));
    }
};

QTEST_GUILESS_MAIN(TestPrunedTraining)
#include "test_pruned_training.moc"
