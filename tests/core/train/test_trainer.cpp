// The training loop on a tiny model and a tone corpus: it learns, resumes exactly, stops on cancel
// with a resumable checkpoint, and its batches do not depend on thread timing.
#include "core/data/global_cmvn.h"
#include "core/io/atomic_file.h"
#include "core/model/torch_setup.h"
#include "core/runtime/error.h"
#include "core/train/batch_loader.h"
#include "core/train/evaluator.h"
#include "core/train/train_job.h"
#include "core/train/trainer.h"
#include "tests/core/train/train_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>
#include <torch/torch.h>

using namespace espalier;

namespace {

// Cancels the job once it has reported `after` loss points.
class CancelAfterLosses : public job::JobObserver {
public:
    CancelAfterLosses(job::CancellationToken& token, int after) : token_(token), after_(after) {}
    void onMetric(const job::MetricPoint& point) override
    {
        if (point.series == "loss" && ++seen_ >= after_)
            token_.cancel();
        series.push_back(point.series);
    }
    std::vector<std::string> series;

private:
    job::CancellationToken& token_;
    int after_;
    int seen_ = 0;
};

class LogCollector : public job::JobObserver {
public:
    void onLog(job::LogLevel, const std::string& line) override { lines.push_back(line); }
    bool contains(const std::string& text) const
    {
        return std::any_of(lines.begin(), lines.end(), [&](const std::string& l) { return l.find(text) != std::string::npos; });
    }
    std::vector<std::string> lines;
};

} // namespace

class TestTrainer : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        model::configureTorchThreads(1);
        QVERIFY(dir_.isValid());
        train_ = traintest::writeToneSplit(dir_.path().toStdString() + "/corpus", "train", 8, 11);
        test_ = traintest::writeToneSplit(dir_.path().toStdString() + "/corpus", "test", 4, 12);
    }

    void cudaDeviceRejectedWithoutCuda()
    {
        if (model::cudaAvailable())
            QSKIP("this LibTorch has a CUDA device");
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.device = train::DeviceKind::Cuda;
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer trainer(config, dir_.path().toStdString() + "/gpu");
        try {
            trainer.prepare(context, false);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("device: cuda, but no CUDA device"), e.what());
        }
    }

    void tinyModelOverfitsAHandfulOfUtterances()
    {
        train::TrainConfig config = traintest::tinyConfig(train_, train_);
        config.steps = 120;
        config.logEvery = 10;
        const std::string run = dir_.path().toStdString() + "/overfit";
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer trainer(config, run);
        trainer.prepare(context, false);
        // CMVN from the training set lives in the model and the run folder, equal to the data tool's.
        runtime::FbankOptions fbank = config.features.fbank;
        const audio::CmvnStats expected = data::computeGlobalCmvn(train_, fbank, context);
        const audio::CmvnStats stored = audio::CmvnStats::fromJson(io::readFile(run + "/global_cmvn.json"), "cmvn");
        QCOMPARE(stored.frames, expected.frames);
        const std::vector<float> mean = trainer.model().config()->cmvn.mean;
        QCOMPARE(mean.size(), size_t(40));
        for (size_t i = 0; i < mean.size(); ++i)
            QVERIFY(std::abs(mean[i] - expected.mean()[i]) < 1e-4f);
        const double cerBefore = *trainer.evaluateDev(context);
        QVERIFY(trainer.train(context));
        const std::vector<double> l = traintest::losses(trainer);
        QCOMPARE(l.size(), size_t(120));
        const double first = l.front();
        const double last = (l[117] + l[118] + l[119]) / 3.0;
        QVERIFY2(last < first / 8.0, qPrintable(QString("loss %1 -> %2").arg(first).arg(last)));
        const double cerAfter = trainer.bestDevCer().value();
        QVERIFY2(cerBefore > 0.6, qPrintable(QString::number(cerBefore)));
        QVERIFY2(cerAfter < 0.15, qPrintable(QString("CER %1 -> %2").arg(cerBefore).arg(cerAfter)));
        // Every step's lr and scale are logged; fp32 keeps scale 1 and skips nothing.
        for (const auto& m : trainer.history()) {
            QCOMPARE(m.scale, 1.0);
            QVERIFY(!m.skipped);
        }
    }

    void resumeMatchesAnUninterruptedRun_data()
    {
        QTest::addColumn<QString>("precision");
        QTest::addColumn<int>("accumulation");
        QTest::newRow("fp32") << "fp32" << 1;
        QTest::newRow("fp32, accumulation 2") << "fp32" << 2;
        QTest::newRow("bf16") << "bf16" << 1;
    }
    void resumeMatchesAnUninterruptedRun()
    {
        QFETCH(QString, precision);
        QFETCH(int, accumulation);
        // Dropout, SpecAugment and dither all draw random numbers: resume must restore every stream.
        train::TrainConfig config = traintest::tinyConfig(train_);
        config.model.config.dropout = 0.1;
        config.augment.preset = "wenet-aishell";
        config.features.fbank.dither = 0.1f;
        config.precision = *train::precisionNames().parse(precision.toStdString());
        config.accumulation = accumulation;
        config.batch.maxFrames = 500;  // several batches per epoch, so the data position matters
        config.steps = 8;
        const std::string tag = QTest::currentDataTag();
        const std::string base = dir_.path().toStdString() + "/resume-" + std::to_string(std::hash<std::string>{}(tag));
        job::CancellationToken token;
        job::JobContext context(nullptr, token);

        train::Trainer straight(config, base + "-straight");
        straight.prepare(context, false);
        QVERIFY(straight.train(context));

        {
            train::Trainer first(config, base + "-split");
            first.prepare(context, false);
            QVERIFY(!first.train(context, 4));
            QCOMPARE(first.step(), 4LL);
        }
        // Scramble the global generator: the resumed run must not depend on the process's history.
        torch::manual_seed(12345);
        (void)torch::rand({10});
        train::Trainer second(config, base + "-split");
        second.prepare(context, true);
        QCOMPARE(second.step(), 4LL);
        QVERIFY(second.train(context));

        const std::vector<double> a = traintest::losses(straight);
        const std::vector<double> b = traintest::losses(second);
        QCOMPARE(a.size(), size_t(8));
        QCOMPARE(b.size(), size_t(4));
        for (size_t i = 0; i < 4; ++i)
            QVERIFY2(a[4 + i] == b[i], qPrintable(QString("step %1: %2 vs %3").arg(5 + i).arg(a[4 + i], 0, 'g', 17)
                                                       .arg(b[i], 0, 'g', 17)));
        // The weights end identical too.
        const auto sa = straight.model().stateDict();
        const auto sb = second.model().stateDict();
        for (const auto& item : sa)
            QVERIFY2(torch::equal(item.value(), sb[item.key()]), item.key().c_str());

        // metrics.jsonl reads as one run: steps 1..8 once each, in order.
        const auto lines = traintest::readLines(base + "-split/metrics.jsonl");
        std::vector<long long> steps;
        for (const auto& line : lines) {
            const auto j = nlohmann::json::parse(line);
            if (j.contains("loss"))
                steps.push_back(j["step"].get<long long>());
        }
        QCOMPARE(steps, (std::vector<long long>{1, 2, 3, 4, 5, 6, 7, 8}));
    }

    void cancelLeavesAResumableCheckpoint()
    {
        train::TrainConfig config = traintest::tinyConfig(train_, train_);
        config.data.tests = {{"test", test_}};
        config.steps = 10;
        config.logEvery = 1;
        config.evalEvery = 5;
        config.evalMaxUtterances = 4;
        const std::string run = dir_.path().toStdString() + "/cancel";

        job::CancellationToken token;
        CancelAfterLosses observer(token, 3);
        train::TrainJob job(config, run);
        const job::JobResult result = job::runJob(job, &observer, token);
        QCOMPARE(result.outcome, job::JobOutcome::Cancelled);
        QVERIFY(train::isResumableRun(run));
        const train::CheckpointStore store(run + "/checkpoints", 3);
        QCOMPARE(train::readCheckpointMeta(store.latest()).step, 3LL);
        QVERIFY(!std::filesystem::exists(run + "/results"));

        // Starting again without resume is refused; resuming finishes the run and evaluates the test set.
        job::CancellationToken fresh;
        train::TrainJob again(config, run);
        const job::JobResult refused = job::runJob(again, nullptr, fresh);
        QCOMPARE(refused.outcome, job::JobOutcome::Failed);
        QVERIFY(refused.inputError);
        QVERIFY2(refused.message.find("--resume") != std::string::npos, refused.message.c_str());

        train::TrainJob resumed(train::TrainConfig::load(run + "/config.yaml"), run, true);
        QCOMPARE(resumed.cliCommand().back(), std::string("--resume"));
        CancelAfterLosses watcher(fresh, 1000);
        const job::JobResult finished = job::runJob(resumed, &watcher, fresh);
        QVERIFY2(finished.outcome == job::JobOutcome::Succeeded, finished.message.c_str());
        QCOMPARE(resumed.outcome().steps, 10LL);
        QVERIFY(resumed.outcome().testCer.count("test"));
        for (const char* series : {"loss", "lr", "loss_scale", "utterances_per_s", "frames_per_s", "dev_cer", "test_cer"})
            QVERIFY2(std::find(watcher.series.begin(), watcher.series.end(), series) != watcher.series.end(), series);

        // The run folder.
        for (const char* file : {"config.yaml", "units.txt", "metrics.jsonl", "log", "global_cmvn.json",
                                 "results/test.json", "results/test.hyp", "results/summary.json", "checkpoints/best.pt",
                                 "checkpoints/best.json"})
            QVERIFY2(std::filesystem::exists(run + "/" + file), file);
        const auto summary = nlohmann::json::parse(io::readFile(run + "/results/summary.json"));
        QCOMPARE(summary["tests"]["test"]["n"].get<long long>() > 0, true);
        QCOMPARE(summary["tests"]["test"]["cer"].get<double>(), resumed.outcome().testCer.at("test"));

        // Every metrics line parses and carries what the format promises.
        long long lastStep = 0;
        int devLines = 0;
        for (const auto& line : traintest::readLines(run + "/metrics.jsonl")) {
            const auto j = nlohmann::json::parse(line);
            QVERIFY(j["step"].get<long long>() >= lastStep);
            lastStep = j["step"].get<long long>();
            if (j.contains("loss")) {
                for (const char* key : {"epoch", "lr", "scale", "skipped", "utt_per_s", "frames_per_s"})
                    QVERIFY2(j.contains(key), key);
                QVERIFY(j["utt_per_s"].get<double>() > 0);
                QVERIFY(std::isfinite(j["loss"].get<double>()));
            }
            if (j.contains("dev_cer"))
                ++devLines;
        }
        QCOMPARE(lastStep, 10LL);
        QCOMPARE(devLines, 2);  // steps 5 and 10
    }

    void timeBudgetEndsTheRun()
    {
        train::TrainConfig config = traintest::tinyConfig(train_, train_);
        config.steps = 1000000;
        config.maxMinutes = 0.02;  // 1.2 s
        config.evalMaxUtterances = 2;
        const std::string run = dir_.path().toStdString() + "/budget";
        job::CancellationToken token;
        job::JobContext context(nullptr, token);
        train::Trainer trainer(config, run);
        trainer.prepare(context, false);
        QVERIFY(trainer.train(context));  // complete: the budget is part of the plan
        QVERIFY(trainer.step() > 0 && trainer.step() < 1000000);
        QVERIFY(trainer.bestDevCer().has_value());
        QCOMPARE(train::readCheckpointMeta(trainer.latestCheckpoint()).step, trainer.step());
    }

    void batchesDoNotDependOnThreadTiming()
    {
        const train::SampleSet set = train::loadSamples(train_, runtime::FbankOptions{});
        std::vector<int> frames;
        for (const auto& s : set.samples)
            frames.push_back(s.frames);
        train::BatchConfig batch;
        batch.maxFrames = 200;
        const auto plan = train::planEpoch(frames, batch, 3, 1);
        QVERIFY(plan.size() >= 4);
        augment::Pipeline pipeline = augment::Pipeline::preset("wenet-aishell+speed");
        runtime::FbankOptions fbank;
        fbank.dither = 0.5f;
        pipeline.setFbankOptions(fbank);

        bool inOrder = true;
        auto collect = [&](int workers, int prefetch) {
            train::BatchLoader loader(set.samples, pipeline, {workers, prefetch, 5});
            loader.start(plan, 1);
            std::vector<torch::Tensor> out;
            while (auto b = loader.next()) {
                out.push_back(b->features);
                inOrder = inOrder && b->index == (long long)out.size() - 1 && b->utterances == plan[out.size() - 1];
            }
            return out;
        };
        const auto one = collect(1, 1);
        const auto four = collect(4, 2);
        QVERIFY(inOrder);
        QCOMPARE(one.size(), plan.size());
        QCOMPARE(four.size(), plan.size());
        for (size_t i = 0; i < one.size(); ++i)
            QVERIFY(torch::equal(one[i], four[i]));
        // Starting mid-epoch gives the same batches from there on.
        train::BatchLoader loader(set.samples, pipeline, {2, 2, 5});
        loader.start(plan, 1, 2);
        auto b = loader.next();
        QVERIFY(b && b->index == 2 && torch::equal(b->features, one[2]));
        // Another epoch draws other augmentations.
        train::BatchLoader other(set.samples, pipeline, {1, 1, 5});
        other.start(plan, 2);
        QVERIFY(!torch::equal(other.next()->features, one[0]));
    }

    void badAudioIsSkippedOrFailsNamingTheFile()
    {
        const std::string dir = dir_.path().toStdString() + "/broken";
        const std::string manifest = traintest::writeToneSplit(dir, "train", 4, 5);
        // An unreadable header: skipped when the data is read, with a warning naming the file.
        std::ofstream(dir + "/wav/train_1.wav", std::ios::trunc) << "not audio";
        train::TrainConfig config = traintest::tinyConfig(manifest);
        config.features.cmvn = "none";
        config.steps = 2;
        job::CancellationToken token;
        LogCollector logs;
        train::TrainJob job(config, dir + "/run");
        const job::JobResult ok = job::runJob(job, &logs, token);
        QVERIFY2(ok.outcome == job::JobOutcome::Succeeded, ok.message.c_str());
        QVERIFY(logs.contains("train_1.wav"));

        // With durations in the manifest (NeMo) nothing is probed up front: the batch that reads the
        // file fails the job, naming it.
        data::UtteranceList list = data::readManifest(manifest).utterances;
        for (auto& u : list)
            u.duration = 0.8;
        data::writeNemoManifest(dir + "/nemo.json", list);
        config.data.train = dir + "/nemo.json";
        train::TrainJob failing(config, dir + "/run2");
        const job::JobResult result = job::runJob(failing, nullptr, token);
        QCOMPARE(result.outcome, job::JobOutcome::Failed);
        QVERIFY2(result.message.find("train_1.wav") != std::string::npos, result.message.c_str());
    }

private:
    QTemporaryDir dir_;
    std::string train_;
    std::string test_;
};

QTEST_GUILESS_MAIN(TestTrainer)
#include "test_trainer.moc"
