// The Train page on a project with a tiny tone corpus: a run launched from the form trains for real
// (tiny Conformer), its curves and CER per test set appear, it is listed with its config and CLI
// command; a long run is paused (checkpoint) and resumed; bad choices are explained, not launched.
#include "core/project/project.h"
#include "tests/core/train/train_test_util.h"
#include "widgets/job_controller.h"
#include "widgets/models/run_table_model.h"
#include "widgets/pages/train_page.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/training/new_run_form.h"

#include <QLabel>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using namespace espalier;
using widgets::JobController;
using widgets::TrainPage;
namespace fs = std::filesystem;

namespace {

std::shared_ptr<project::Project> makeProject(const QString& dir, bool withCorpus)
{
    auto p = std::make_shared<project::Project>(project::Project::create(dir.toStdString(), "train-test"));
    if (withCorpus) {
        const std::string corpus = dir.toStdString() + "/corpora/tones";
        traintest::writeToneSplit(corpus, "train", 16, 1);
        traintest::writeToneSplit(corpus, "dev", 4, 2);
        traintest::writeToneSplit(corpus, "test_tone", 4, 3);
        p->addCorpus("tones", corpus);
        p->save();
    }
    return p;
}

void prepareTinyRun(TrainPage& page, long long steps)
{
    QVERIFY(page.form()->selectTemplate("tiny"));
    QVERIFY(page.form()->selectCorpus("tones"));
    QVERIFY(page.form()->selectPrecision(train::Precision::Fp32));
    page.form()->setSteps(steps);
    page.form()->setMaxMinutes(0);
}

bool waitUntil(const std::function<bool()>& condition, int timeoutMs)
{
    QElapsedTimer timer;
    timer.start();
    while (!condition() && timer.elapsed() < timeoutMs)
        QTest::qWait(50);
    return condition();
}

} // namespace

class TestTrainPage : public QObject {
    Q_OBJECT
private slots:
    void initTestCase() { qputenv("OMP_NUM_THREADS", "1"); }

    void withoutCorpusTheFormExplains()
    {
        QTemporaryDir tmp;
        TrainPage page;
        page.setProject(makeProject(tmp.path(), false));
        QVERIFY(!page.startRun());
        auto* problem = page.findChild<QLabel*>("formProblem");
        QVERIFY(!problem->isHidden());
        QVERIFY2(problem->text().contains("Corpus"), qPrintable(problem->text()));
        QVERIFY(!page.controller()->isRunning());
        QCOMPARE(page.runModel()->rowCount(), 0);
    }

    void aRunTrainsAndIsListedWithResults()
    {
        QTemporaryDir tmp;
        TrainPage page;
        page.resize(1280, 800);
        page.show();
        page.setProject(makeProject(tmp.path(), true));
        prepareTinyRun(page, 12);
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QVERIFY(page.startRun());
        QVERIFY(!page.startRun());  // one run at a time
        QCOMPARE(page.runModel()->rowCount(), 1);
        QCOMPARE(page.runModel()->data(page.runModel()->index(0, widgets::RunTableModel::State)).toString(),
                 QString("running"));
        const QString dir = page.selectedRunDir();
        QVERIFY(dir.startsWith(tmp.path() + "/runs/"));
        QVERIFY(page.runCommand().contains("espalier-cli train --config " + dir + "/config.yaml --out " + dir));

        QVERIFY(ended.wait(180000));
        QCOMPARE(page.controller()->state(), JobController::State::Succeeded);
        const train::RunRecord& run = page.runModel()->runAt(0);
        QCOMPARE(run.state, train::RunState::Finished);
        QCOMPARE(run.stepsDone, 12LL);
        QVERIFY(fs::exists(dir.toStdString() + "/results/summary.json"));
        QCOMPARE(page.testTable()->rowCount(), 1);
        QCOMPARE(page.testTable()->item(0, 0)->text(), QString("test_tone"));
        QVERIFY(page.testTable()->item(0, 1)->text().endsWith("%"));
        QVERIFY(page.plot("loss")->pointCount() >= 2);  // the tiny template logs every 10 steps and at the end
        QVERIFY(page.plot("lr")->pointCount() >= 2);
        QVERIFY(page.plot("dev_cer")->pointCount() >= 1);
        QCOMPARE(page.plot("sparsity")->pointCount(), 0);  // a dense run
        QVERIFY(page.runModel()->testSets().contains("test_tone"));
        QVERIFY(!page.runCommand().contains("--resume"));

        // Another page (a reopened project) lists the run from its files, curves included.
        TrainPage reopened;
        reopened.setProject(std::make_shared<project::Project>(project::Project::open(tmp.path().toStdString())));
        QCOMPARE(reopened.runModel()->rowCount(), 1);
        QCOMPARE(reopened.selectedRunDir(), dir);
        QCOMPARE(reopened.plot("loss")->pointCount(), page.plot("loss")->pointCount());
        QCOMPARE(reopened.plot("loss")->lastValue(), page.plot("loss")->lastValue());
    }

    void pauseAndResume()
    {
        QTemporaryDir tmp;
        TrainPage page;
        page.setProject(makeProject(tmp.path(), true));
        prepareTinyRun(page, 100000);
        QSignalSpy ended(&page, &TrainPage::runEnded);
        QVERIFY(page.startRun());
        auto* resume = page.findChild<QPushButton*>("resumeRunButton");
        QVERIFY(!resume->isEnabled());
        QVERIFY(waitUntil([&] { return page.plot("loss")->pointCount() >= 2; }, 120000));
        page.pauseRun();
        QVERIFY(ended.wait(60000));
        QCOMPARE(page.controller()->state(), JobController::State::Cancelled);
        const train::RunRecord paused = page.runModel()->runAt(0);
        QCOMPARE(paused.state, train::RunState::Stopped);
        QVERIFY(paused.stepsDone >= 10);
        QVERIFY(resume->isEnabled());
        QVERIFY(page.runCommand().endsWith("--resume"));

        QVERIFY(page.resumeRun());
        QVERIFY(waitUntil([&] { return page.plot("loss")->lastStep() >= double(paused.stepsDone + 20); }, 120000));
        page.pauseRun();
        QVERIFY(ended.wait(60000));
        QVERIFY(page.runModel()->runAt(0).stepsDone >= paused.stepsDone + 20);
        QCOMPARE(page.runModel()->rowCount(), 1);  // the same run, continued
        // The steps are increasing: the resumed curve continues the first one, with no repeated steps.
        const QVector<double>& steps = page.plot("loss")->steps();
        for (int i = 1; i < steps.size(); ++i)
            QVERIFY2(steps[i] > steps[i - 1], qPrintable(QString("step %1 after %2").arg(steps[i]).arg(steps[i - 1])));
        QVERIFY(steps.size() >= 4);
    }
};

QTEST_MAIN(TestTrainPage)
#include "test_train_page.moc"
