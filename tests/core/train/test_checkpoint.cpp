// Checkpoints: exact round trip of model, optimiser, scaler, RNG and data position; the store's
// keep-last-K and best; clear errors for files that are not checkpoints.
#include "core/runtime/error.h"
#include "core/train/checkpoint.h"
#include "core/train/checkpoint_meta.h"

#include <QTemporaryDir>
#include <QtTest>

#include <torch/torch.h>

#include <filesystem>
#include <fstream>

using namespace espalier;

namespace {

model::ModelConfig tinyConfig()
{
    model::ModelConfig c = model::ModelConfig::preset("tiny", model::ModelType::Conformer, 12);
    c.inputDim = 20;
    return c;
}

// One AdamW step on a fixed random batch.
void trainStep(model::AsrModel& m, torch::optim::Optimizer& optimizer)
{
    torch::manual_seed(99);
    const torch::Tensor x = torch::randn({2, 40, 20});
    const torch::Tensor lengths = torch::tensor({40, 33}, torch::kInt64);
    optimizer.zero_grad();
    m.forward(x, lengths).logProbs.sum().backward();
    optimizer.step();
}

train::CheckpointMeta sampleMeta(long long step, std::optional<double> devCer = std::nullopt)
{
    train::CheckpointMeta meta;
    meta.step = step;
    meta.epoch = 3;
    meta.batchInEpoch = 17;
    meta.utterancesSeen = 4242;
    meta.scaler = {2048.0, 77, 5};
    meta.devCer = devCer;
    meta.bestDevCer = devCer;
    meta.bestStep = devCer ? step : -1;
    meta.modelConfigYaml = tinyConfig().toYaml();
    meta.units = "<blank> 0\n<unk> 1\n";
    meta.trainConfigYaml = "espalier_train: 1\n";
    return meta;
}

} // namespace

class TestCheckpoint : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void roundTripRestoresEverything()
    {
        torch::manual_seed(1);
        auto a = model::createModel(tinyConfig());
        torch::optim::AdamW optA(a->parameters(), torch::optim::AdamWOptions(1e-3));
        trainStep(*a, optA);

        const std::string path = dir_.path().toStdString() + "/one.pt";
        train::MaskMap masks = {{"encoder.0.weight", torch::ones({2, 2}, torch::kBool)}};
        torch::manual_seed(5);
        train::saveCheckpoint(path, *a, &optA, sampleMeta(12, 0.25), masks);
        const torch::Tensor nextRandom = torch::rand({4});

        torch::manual_seed(2);
        auto b = model::createModel(tinyConfig());
        torch::optim::AdamW optB(b->parameters(), torch::optim::AdamWOptions(1e-3));
        const train::LoadedCheckpoint loaded = train::loadCheckpoint(path, *b, &optB);
        // RNG: the generator continues where it was when the checkpoint was written.
        QVERIFY(torch::equal(torch::rand({4}), nextRandom));
        for (const auto& item : a->stateDict())
            QVERIFY2(torch::equal(item.value(), b->stateDict()[item.key()]), item.key().c_str());
        QCOMPARE(loaded.meta.step, 12LL);
        QCOMPARE(loaded.meta.epoch, 3LL);
        QCOMPARE(loaded.meta.batchInEpoch, 17LL);
        QCOMPARE(loaded.meta.utterancesSeen, 4242LL);
        QCOMPARE(loaded.meta.scaler.scale, 2048.0);
        QCOMPARE(loaded.meta.scaler.growthTracker, 77);
        QCOMPARE(loaded.meta.scaler.skippedSteps, 5LL);
        QCOMPARE(*loaded.meta.devCer, 0.25);
        QCOMPARE(loaded.meta.units, std::string("<blank> 0\n<unk> 1\n"));
        QCOMPARE(loaded.masks.size(), size_t(1));
        QVERIFY(torch::equal(loaded.masks.at("encoder.0.weight"), masks.at("encoder.0.weight")));

        // The optimiser state came back: one more identical step keeps the two models identical.
        trainStep(*a, optA);
        trainStep(*b, optB);
        for (const auto& item : a->stateDict())
            QVERIFY2(torch::equal(item.value(), b->stateDict()[item.key()]), item.key().c_str());

        // The model alone, as eval uses it.
        train::CheckpointMeta meta;
        auto c = train::loadModelFromCheckpoint(path, &meta);
        QVERIFY(!c->isTraining());
        QCOMPARE(meta.step, 12LL);
        QCOMPARE(*c->config(), tinyConfig());
    }

    void storeKeepsLastAndBest()
    {
        const std::string dir = dir_.path().toStdString() + "/store";
        torch::manual_seed(1);
        auto m = model::createModel(tinyConfig());
        train::CheckpointStore store(dir, 2);
        QVERIFY(store.latest().empty());
        store.save(*m, nullptr, sampleMeta(100, 0.5));
        train::CheckpointMeta second = sampleMeta(200, 0.3);
        store.save(*m, nullptr, second);
        train::CheckpointMeta third = sampleMeta(300, 0.4);  // worse: best stays at 200
        third.bestDevCer = 0.3;
        third.bestStep = 200;
        store.save(*m, nullptr, third);
        train::CheckpointMeta fourth = sampleMeta(400);
        fourth.bestDevCer = 0.3;
        fourth.bestStep = 200;
        store.save(*m, nullptr, fourth);

        const auto kept = store.stepCheckpoints();
        QCOMPARE(kept.size(), size_t(2));
        QCOMPARE(kept[0], store.pathForStep(300));
        QCOMPARE(store.latest(), store.pathForStep(400));
        QVERIFY(!std::filesystem::exists(store.pathForStep(200)));
        QCOMPARE(train::readCheckpointMeta(store.bestPath()).step, 200LL);
        std::ifstream best(dir + "/best.json");
        std::string text((std::istreambuf_iterator<char>(best)), std::istreambuf_iterator<char>());
        QVERIFY2(text.find("\"step\": 200") != std::string::npos, text.c_str());
        // No temporary files are left behind.
        for (const auto& e : std::filesystem::directory_iterator(dir))
            QVERIFY2(e.path().filename().string().find("tmp") == std::string::npos, e.path().c_str());
    }

    void badFilesAreRejected_data()
    {
        QTest::addColumn<QString>("content");
        QTest::addColumn<QString>("expected");
        QTest::newRow("text") << "hello" << "not an Espalier checkpoint";
        QTest::newRow("empty") << "" << "not an Espalier checkpoint";
    }
    void badFilesAreRejected()
    {
        QFETCH(QString, content);
        QFETCH(QString, expected);
        const std::string path = dir_.path().toStdString() + "/bad.pt";
        std::ofstream(path, std::ios::trunc) << content.toStdString();
        auto m = model::createModel(tinyConfig());
        try {
            train::loadCheckpoint(path, *m, nullptr);
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains(QString::fromStdString(path)), e.what());
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, train::readCheckpointMeta(path + ".missing"));
    }

    // Metadata fields of the wrong type or beyond their type's range name the field (the fuzzer found
    // 1e70 mel bins converted to int, undefined behaviour, before every field went through checked reads).
    void metadataFieldsAreChecked_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("field");
        QTest::newRow("mel bins beyond int") << "\"num_mel_bins\":80" << "\"num_mel_bins\":1e70" << "num_mel_bins";
        QTest::newRow("step as text") << "\"step\":7" << "\"step\":\"7\"" << "step";
        QTest::newRow("no scaler") << "\"scaler\":" << "\"scaler_\":" << "scaler";
        QTest::newRow("dither beyond float") << "\"dither\":0.0" << "\"dither\":1e300" << "dither";
        QTest::newRow("number beyond double") << "\"step\":7" << "\"step\":1e999" << "malformed";
    }
    void metadataFieldsAreChecked()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, field);
        train::CheckpointMeta meta;
        meta.step = 7;
        meta.units = "<blank>\n<unk>\n";
        std::string text = train::checkpointMetaJson(meta);
        const size_t at = text.find(from.toStdString());
        QVERIFY2(at != std::string::npos, text.c_str());
        text.replace(at, size_t(from.size()), to.toStdString());
        try {
            (void)train::parseCheckpointMeta(text, "m.pt");
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).startsWith("m.pt: "), e.what());
            QVERIFY2(QString(e.what()).contains(field), e.what());
        }
        QCOMPARE(train::parseCheckpointMeta(train::checkpointMetaJson(meta), "m.pt").step, 7LL);
    }

    void mismatchedModelIsRejected()
    {
        const std::string path = dir_.path().toStdString() + "/other.pt";
        auto a = model::createModel(tinyConfig());
        train::saveCheckpoint(path, *a, nullptr, sampleMeta(1));
        model::ModelConfig bigger = tinyConfig();
        bigger.attentionDim = 32;
        auto b = model::createModel(bigger);
        QVERIFY_THROWS_EXCEPTION(FormatError, train::loadCheckpoint(path, *b, nullptr));
        // A weights-only checkpoint cannot resume an optimiser.
        torch::optim::AdamW opt(a->parameters(), torch::optim::AdamWOptions(1e-3));
        QVERIFY_THROWS_EXCEPTION(FormatError, train::loadCheckpoint(path, *a, &opt));
    }

private:
    QTemporaryDir dir_;
};

QTEST_GUILESS_MAIN(TestCheckpoint)
#include "test_checkpoint.moc"
