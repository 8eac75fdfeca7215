// What the Train page and later run comparisons read back from run folders (run_record.h), and the
// shipped configs compiled into the binary (shipped_configs.h).
#include "core/runtime/error.h"
#include "core/train/run_record.h"
#include "core/train/shipped_configs.h"
#include "tests/core/train/train_test_util.h"

#include <QTemporaryDir>
#include <QTest>

#include <filesystem>
#include <fstream>

using namespace espalier;
namespace fs = std::filesystem;

namespace {

void writeText(const std::string& path, const std::string& text)
{
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path) << text;
}

const char* kConfig = "espalier_train: 1\nname: demo-run\nmodel:\n  type: conformer\n  attention_dim: 96\n"
                      "  num_blocks: 3\nprecision: bf16\nsteps: 500\nmax_minutes: 18\n";

} // namespace

class TestRunRecord : public QObject {
    Q_OBJECT
private slots:
    void emptyStoppedAndFinishedRuns()
    {
        QTemporaryDir tmp;
        const std::string runs = tmp.path().toStdString();
        const std::string a = runs + "/20260101-000000-a", b = runs + "/20260102-000000-b", c = runs + "/20260103-000000-c";
        writeText(a + "/config.yaml", kConfig);
        writeText(b + "/config.yaml", kConfig);
        writeText(b + "/metrics.jsonl", "{\"step\":10,\"loss\":50.5,\"lr\":0.001,\"scale\":1.0,\"utt_per_s\":20}\n"
                                        "{\"step\":20,\"loss\":40.0,\"lr\":0.002,\"scale\":1.0,\"utt_per_s\":22,\"sparsity\":0.25}\n"
                                        "{\"step\":20,\"dev_cer\":0.5}\nnot json\n");
        writeText(b + "/checkpoints/step-00000020.pt", "x");
        writeText(b + "/checkpoints/best.json", "{\"step\":20,\"dev_cer\":0.5,\"file\":\"step-00000020.pt\"}");
        writeText(c + "/config.yaml", "espalier_train: 1\nmodel:\n  size: tiny\nprecision: fp32\nsteps: 20\n");
        writeText(c + "/checkpoints/step-00000020.pt", "x");
        writeText(c + "/results/summary.json",
                  R"({"steps":20,"best_dev_cer":0.25,"tests":{"test_clean":{"cer":0.125,"n":8,"c":7,"s":1,"d":0,"i":0}}})");
        writeText(runs + "/not-a-run/readme", "x");

        const auto list = train::listRuns(runs);
        QCOMPARE(int(list.size()), 3);
        QCOMPARE(list[0].id, std::string("20260103-000000-c"));  // newest first
        QCOMPARE(list[2].state, train::RunState::Empty);
        QCOMPARE(list[2].name, std::string("demo-run"));
        QCOMPARE(list[2].model, std::string("Conformer 96×3"));
        QCOMPARE(list[2].precision, std::string("bf16"));
        QCOMPARE(list[2].plannedSteps, 500LL);
        QCOMPARE(list[2].maxMinutes, 18.0);

        const train::RunRecord& stopped = list[1];
        QCOMPARE(stopped.state, train::RunState::Stopped);
        QCOMPARE(stopped.stepsDone, 20LL);
        QVERIFY(stopped.bestDevCer && *stopped.bestDevCer == 0.5);
        QVERIFY(stopped.problem.empty());
        QVERIFY(stopped.sparsity && *stopped.sparsity == 0.25);
        QVERIFY(!list[0].sparsity);

        const train::RunRecord& finished = list[0];
        QCOMPARE(finished.state, train::RunState::Finished);
        QCOMPARE(finished.model, std::string("Conformer tiny"));
        QVERIFY(finished.bestDevCer && *finished.bestDevCer == 0.25);
        QCOMPARE(int(finished.tests.size()), 1);
        QCOMPARE(finished.tests.at("test_clean").cer, 0.125);
        QCOMPARE(finished.tests.at("test_clean").s, 1LL);
    }

    void damagedFilesAreReportedNotThrown()
    {
        QTemporaryDir tmp;
        const std::string run = tmp.path().toStdString() + "/r";
        writeText(run + "/config.yaml", "espalier_train: 1\nmodel: [unclosed\n");
        writeText(run + "/results/summary.json", "{\"tests\": {\"x\": {\"cer\": \"high\"}}}");
        const train::RunRecord record = train::readRunRecord(run);
        QVERIFY(!record.problem.empty());
        QCOMPARE(record.state, train::RunState::Empty);
    }

    void metricSeriesUseTheJobsNames()
    {
        QTemporaryDir tmp;
        const std::string path = tmp.path().toStdString() + "/metrics.jsonl";
        writeText(path, "{\"step\":10,\"loss\":50.5,\"lr\":0.001,\"scale\":65536,\"utt_per_s\":20,\"frames_per_s\":900}\n"
                        "{\"step\":20,\"dev_cer\":0.5}\n{\"loss\":1}\n");
        const auto series = train::readMetricSeries(path);
        QCOMPARE(int(series.size()), 6);
        QCOMPARE(series.at("loss_scale").front().value, 65536.0);
        QCOMPARE(series.at("utterances_per_s").front().step, 10.0);
        QCOMPARE(series.at("frames_per_s").front().value, 900.0);
        QCOMPARE(int(series.at("dev_cer").size()), 1);
        QCOMPARE(series.at("dev_cer").front().step, 20.0);
        QCOMPARE(int(series.at("loss").size()), 1);  // the line without a step is not a point
        QVERIFY(train::readMetricSeries(tmp.path().toStdString() + "/missing").empty());
    }

    void runIdsAreCleanAndUnique()
    {
        QTemporaryDir tmp;
        const std::string runs = tmp.path().toStdString();
        const std::string id = train::newRunId(runs, "my run/1");
        QVERIFY2(QString::fromStdString(id).endsWith("-my-run-1"), id.c_str());
        fs::create_directories(runs + "/" + id);
        const std::string second = train::newRunId(runs, "my run/1");
        QVERIFY(second != id);
    }

    void shippedConfigsParse()
    {
        QVERIFY(train::shippedConfigs().size() >= 2);
        for (const train::ShippedConfig& shipped : train::shippedConfigs()) {
            const train::TrainConfig c = train::shippedTemplate(shipped.name);
            QVERIFY(c.data.train.empty());
            QVERIFY2(!c.name.empty(), shipped.name.c_str());
        }
        QTemporaryDir tmp;
        const std::string corpus = tmp.path().toStdString();
        traintest::writeToneSplit(corpus, "train", 3, 1);
        traintest::writeToneSplit(corpus, "dev", 2, 2);
        traintest::writeToneSplit(corpus, "test_tone", 2, 3);
        const train::TrainConfig c = train::shippedConfig("tiny", corpus);
        QVERIFY2(QString::fromStdString(c.data.train).startsWith(QString::fromStdString(corpus + "/train")), c.data.train.c_str());
        QCOMPARE(int(c.data.tests.size()), 1);
        QVERIFY_THROWS_EXCEPTION(InputError, train::shippedConfig("huge", corpus));
        QVERIFY_THROWS_EXCEPTION(InputError, train::shippedConfig("tiny", corpus + "/missing"));
    }
};

QTEST_GUILESS_MAIN(TestRunRecord)
#include "test_run_record.moc"
