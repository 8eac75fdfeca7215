// Training configs: YAML round trip, path resolution, corpus splits, the shipped configs, learning
// rate schedules, and bad configs rejected with file:line: field.
#include "core/runtime/error.h"
#include "core/train/train_config.h"
#include "tests/core/train/train_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>

using namespace espalier;

class TestTrainConfig : public QObject {
    Q_OBJECT

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        root_ = dir_.path().toStdString();
        // A corpus folder with the demo corpus's split names.
        for (const char* split : {"train", "dev", "test_clean", "test_noisy"})
            traintest::writeToneSplit(root_ + "/demo-corpus", split, 2, 3);
        std::ofstream(root_ + "/units.txt") << "<blank> 0\n<unk> 1\n一 2\n";
    }

    void fullConfigRoundTrips()
    {
        const std::string yaml = R"(espalier_train: 1
name: round trip
data:
  train: demo-corpus/train/data.list
  dev: demo-corpus/dev/data.list
  test:
    clean: demo-corpus/test_clean/data.list
  units: units.txt
model:
  size: tiny
  input_dim: 40
  dropout: 0
augment: wenet-aishell
features:
  num_mel_bins: 40
  dither: 0.5
  cmvn: none
optimizer:
  lr: 0.002
  betas: [0.8, 0.95]
  eps: 1e-8
  weight_decay: 0.01
schedule:
  type: cosine
  warmup_steps: 100
  min_lr_ratio: 0.1
batch:
  max_frames: 8000
  max_utterances: 32
  sort_window: 100
  max_duration: 12.5
grad_clip: 3
accumulation: 2
precision: bf16
loss_scaler:
  init_scale: 1024
  growth_interval: 100
  max_scale: 65536
fp32_policy: [layer_norm, ctc_loss]
steps: 1234
max_minutes: 19.5
checkpoint_every: 100
keep_last: 2
eval_every: 50
eval_max_utterances: 20
log_every: 5
seed: 42
threads: 2
data_workers: 3
prefetch: 6
)";
        const train::TrainConfig c = train::TrainConfig::fromYaml(yaml, "rt.yaml", root_);
        QCOMPARE(c.name, std::string("round trip"));
        QCOMPARE(c.data.train, root_ + "/demo-corpus/train/data.list");
        QCOMPARE(c.data.tests.size(), size_t(1));
        QCOMPARE(c.data.tests[0].name, std::string("clean"));
        QCOMPARE(c.data.units, root_ + "/units.txt");
        QCOMPARE(c.model.config.attentionDim, 64);
        QCOMPARE(c.model.config.inputDim, 40);
        QCOMPARE(c.model.config.dropout, 0.0);
        QCOMPARE(c.augment.preset, std::string("wenet-aishell"));
        QCOMPARE(c.features.fbank.dither, 0.5f);
        QCOMPARE(c.features.cmvn, std::string("none"));
        QCOMPARE(c.optimizer.beta1, 0.8);
        QCOMPARE(c.optimizer.eps, 1e-8);
        QCOMPARE(c.schedule.type, train::ScheduleType::Cosine);
        QCOMPARE(c.batch.maxDuration, 12.5);
        QCOMPARE(c.precision, train::Precision::Bf16);
        QCOMPARE(c.scaler.initScale, 1024.0);
        QCOMPARE(c.scaler.growthFactor, 2.0);
        QCOMPARE(*c.fp32Policy, (std::vector<std::string>{"layer_norm", "ctc_loss"}));
        QCOMPARE(c.steps, 1234LL);
        QCOMPARE(c.maxMinutes, 19.5);
        QCOMPARE(c.seed, std::uint64_t(42));
        QCOMPARE(c.prefetch, 6);

        // The resolved form reads back to the same config (absolute paths, every field).
        const std::string written = c.toYaml();
        const train::TrainConfig again = train::TrainConfig::fromYaml(written, "written.yaml", "/nonexistent");
        QCOMPARE(again.toYaml(), written);
        QCOMPARE(again.data.dev, c.data.dev);
        QCOMPARE(again.model.config, c.model.config);
    }

    void defaultsAndCorpusSplits()
    {
        const std::string yaml = "espalier_train: 1\ndata:\n  corpus: demo-corpus\nsteps: 10\n";
        const train::TrainConfig c = train::TrainConfig::fromYaml(yaml, "c.yaml", root_);
        QCOMPARE(c.data.train, root_ + "/demo-corpus/train");
        QCOMPARE(c.data.dev, root_ + "/demo-corpus/dev");
        QCOMPARE(c.data.tests.size(), size_t(2));
        QCOMPARE(c.data.tests[0].name, std::string("test_clean"));
        QCOMPARE(c.data.tests[1].name, std::string("test_noisy"));
        // Defaults: the reference numbers (GradScaler, WeNet's clip), small Conformer, fp32 on the CPU.
        QCOMPARE(c.gradClip, 5.0);
        QCOMPARE(c.scaler.initScale, 65536.0);
        QCOMPARE(c.scaler.growthFactor, 2.0);
        QCOMPARE(c.scaler.growthInterval, 2000);
        QCOMPARE(c.scaler.backoffFactor, 0.5);
        QCOMPARE(c.model.config.size, std::string("small"));
        QCOMPARE(c.precision, train::Precision::Fp32);
        QVERIFY(!c.fp32Policy);

        // --corpus replaces the data section's splits.
        const train::TrainConfig o = train::TrainConfig::fromYaml("espalier_train: 1\ndata:\n  corpus: nowhere\nsteps: 1\n",
                                                                  "o.yaml", "/x", root_ + "/demo-corpus");
        QCOMPARE(o.data.train, root_ + "/demo-corpus/train");
        QCOMPARE(o.data.tests.size(), size_t(2));
    }

    void shippedConfigsLoad_data()
    {
        QTest::addColumn<QString>("file");
        for (const auto& entry : std::filesystem::directory_iterator(std::string(ESPALIER_FIXTURES_DIR) + "/../../resources/configs"))
            if (entry.path().extension() == ".yaml")
                QTest::newRow(entry.path().filename().c_str()) << QString::fromStdString(entry.path().string());
    }
    void shippedConfigsLoad()
    {
        QFETCH(QString, file);
        const train::TrainConfig c = train::TrainConfig::load(file.toStdString(), root_ + "/demo-corpus");
        QCOMPARE(c.data.tests.size(), size_t(2));
        c.validate();
        QVERIFY(c.steps > 0 || c.epochs > 0);
    }

    void autoPrecisionFollowsTheHardware()
    {
        const std::string head = "espalier_train: 1\ndata: {train: t, dev: d}\nsteps: 1\n";
        const train::TrainConfig cpu = train::TrainConfig::fromYaml(head + "precision: auto\n", "a.yaml", root_, {}, false);
        QCOMPARE(cpu.precision, train::cpuHasNativeBf16() ? train::Precision::Bf16 : train::Precision::Fp32);
        QCOMPARE(train::autoPrecisionFor(train::DeviceKind::Cuda), train::Precision::Fp16);
        QVERIFY(cpu.toYaml().find("precision: auto") == std::string::npos);  // the run records what it resolved to
    }

    void schedules()
    {
        train::ScheduleConfig s;
        s.type = train::ScheduleType::WarmupLr;
        s.warmupSteps = 100;
        QCOMPARE(train::scheduledLearningRate(s, 1e-3, 100, -1), 1e-3);
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 50, -1), 0.5e-3));
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 400, -1), 0.5e-3));  // lr * sqrt(100 / 400)
        s.type = train::ScheduleType::Cosine;
        s.minLrRatio = 0.1;
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 10, 1100), 1e-4));
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 100, 1100), 1e-3));
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 600, 1100), 0.55e-3));
        QVERIFY(qFuzzyCompare(train::scheduledLearningRate(s, 1e-3, 1100, 1100), 1e-4));
        s.type = train::ScheduleType::Constant;
        QCOMPARE(train::scheduledLearningRate(s, 1e-3, 5000, 100), 1e-3);
    }

    void badConfigsAreRejected_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");  // the start of the message after "bad.yaml:"
        const QString head = "espalier_train: 1\ndata:\n  train: demo-corpus/train\n";
        QTest::newRow("not yaml") << "espalier_train: [1" << "1: invalid YAML";
        QTest::newRow("no version") << "data:\n  train: demo-corpus/train\n" << "1: espalier_train: missing";
        QTest::newRow("newer version") << "espalier_train: 9\n" << "1: espalier_train: format version 9";
        QTest::newRow("unknown key") << head + "stpes: 10\n" << "4: stpes: unknown key";
        QTest::newRow("missing train file") << "espalier_train: 1\ndata:\n  train: nowhere.list\nsteps: 1\n"
                                            << "3: data.train: no such file or folder";
        QTest::newRow("unknown data key") << head + "  tset: x\nsteps: 1\n" << "4: data.tset: unknown key";
        QTest::newRow("test name with slash") << head + "  test:\n    a/b: demo-corpus/dev\nsteps: 1\n" << "5: data.test";
        QTest::newRow("model preset") << head + "model: huge\nsteps: 1\n" << "4: model: expected a size preset";
        QTest::newRow("model field") << head + "model:\n  heads: 5\nsteps: 1\n" << "5: heads: 5 heads do not divide";
        QTest::newRow("model cmvn") << head + "model:\n  cmvn: x.json\nsteps: 1\n" << "5: model.cmvn: set CMVN with features.cmvn";
        QTest::newRow("augment") << head + "augment: loud\nsteps: 1\n" << "4: augment: expected none, a preset";
        QTest::newRow("bins vs model") << head + "features:\n  num_mel_bins: 40\nsteps: 1\n"
                                       << "1: model.input_dim: is 80 but features.num_mel_bins is 40";
        QTest::newRow("fbank option") << head + "features:\n  frame_shift_ms: -1\nsteps: 1\n" << "5: features:";
        QTest::newRow("lr") << head + "optimizer:\n  lr: 0\nsteps: 1\n" << "5: optimizer.lr: must be in (0, 10)";
        QTest::newRow("lr text") << head + "optimizer:\n  lr: fast\nsteps: 1\n" << "5: optimizer.lr: expected a number";
        QTest::newRow("betas") << head + "optimizer:\n  betas: [0.9]\nsteps: 1\n" << "5: optimizer.betas: expected two numbers";
        QTest::newRow("schedule") << head + "schedule:\n  type: linear\nsteps: 1\n" << "5: schedule.type: expected warmuplr, cosine or constant";
        QTest::newRow("max frames") << head + "batch:\n  max_frames: 0\nsteps: 1\n" << "5: batch.max_frames: must be >= 1";
        QTest::newRow("accumulation") << head + "accumulation: 0\nsteps: 1\n" << "4: accumulation: must be in 1..1024";
        QTest::newRow("precision") << head + "precision: fp8\nsteps: 1\n" << "4: precision: expected auto, fp32, bf16 or fp16";
        QTest::newRow("fp16 on cpu") << head + "precision: fp16\nsteps: 1\n" << "4: precision: fp16 autocast with loss scaling needs a CUDA device";
        QTest::newRow("backoff") << head + "loss_scaler:\n  backoff_factor: 2\nsteps: 1\n" << "5: loss_scaler.backoff_factor: must be in (0, 1)";
        QTest::newRow("scale cap") << head + "loss_scaler:\n  max_scale: 100\nsteps: 1\n" << "5: loss_scaler.init_scale: must lie between";
        QTest::newRow("policy") << head + "fp32_policy: [attention]\nsteps: 1\n" << "4: fp32_policy: unknown part 'attention'";
        QTest::newRow("no steps") << head << "1: steps: give steps (optimiser steps) or epochs";
        QTest::newRow("negative steps") << head + "steps: -5\n" << "4: steps: must be >= 0";
        QTest::newRow("time budget") << head + "steps: 5\nmax_minutes: -1\n" << "5: max_minutes: must be >= 0";
        QTest::newRow("keep last") << head + "steps: 5\nkeep_last: 0\n" << "5: keep_last: must be >= 1";
        QTest::newRow("seed") << head + "steps: 5\nseed: -1\n" << "5: seed: expected a non-negative whole number";
        QTest::newRow("device") << head + "steps: 5\ndevice: tpu\n" << "5: device: expected cpu or cuda";
    }
    void badConfigsAreRejected()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        try {
            train::TrainConfig::fromYaml(yaml.toStdString(), "bad.yaml", root_);
            QFAIL("accepted");
        } catch (const InputError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith("bad.yaml:" + expected), qPrintable(message));
        }
    }

    void cudaDeviceIsValidOnEveryMachine()
    {
        // Whether this machine has CUDA is the trainer's question, not the config's (test_trainer).
        const std::string yaml = "espalier_train: 1\ndata:\n  train: demo-corpus/train\nsteps: 1\ndevice: cuda\nprecision: fp16\n";
        const train::TrainConfig config = train::TrainConfig::fromYaml(yaml, "gpu.yaml", root_);
        QCOMPARE(config.device, train::DeviceKind::Cuda);
        QVERIFY(config.problems().empty());
    }

    void problemsOfAConfigBuiltInCode()
    {
        train::TrainConfig c;
        QVERIFY(!c.problems().empty());
        QCOMPARE(c.problems().front().field, std::string("data.train"));
        c.data.train = root_ + "/demo-corpus/train";
        c.steps = 10;
        QVERIFY(c.problems().empty());
        c.augment.preset = "nonsense";
        c.accumulation = 0;
        QCOMPARE(c.problems().size(), size_t(2));
        QVERIFY_THROWS_EXCEPTION(InputError, c.validate());
    }

private:
    QTemporaryDir dir_;
    std::string root_;
};

QTEST_GUILESS_MAIN(TestTrainConfig)
#include "test_train_config.moc"
