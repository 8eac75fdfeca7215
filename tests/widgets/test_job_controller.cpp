// JobController: a page's handle on its job. The job runs on a worker thread of the TaskManager,
// its events arrive on the GUI thread as signals, cancel stops it at its next check, and a
// controller destroyed while its job runs cancels it and waits.
#include "core/job/job.h"
#include "core/runtime/error.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"
#include "widgets/tasks/task_manager.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace espalier;
using widgets::JobController;
using widgets::TaskManager;

namespace {

// What a counting job saw, shared with the test.
struct CountLog {
    std::atomic<int> units{0};
    std::atomic<int> unitsWhenCancelSeen{-1};
    std::atomic<bool> ranOnGuiThread{false};
    // When set, the job holds after this many units until `open` is true.
    int holdAfter = -1;
    std::atomic<bool> open{false};
};

// Counts to `steps`, one unit every `stepMs`, checking the token before each.
std::unique_ptr<job::Job> countingJob(int steps, int stepMs, std::shared_ptr<CountLog> log = std::make_shared<CountLog>())
{
    QThread* gui = QThread::currentThread();
    return std::make_unique<job::FunctionJob>(
        "Count", std::vector<std::string>{"espalier-cli", "count", "--to", std::to_string(steps)},
        [=](job::JobContext& context) {
            log->ranOnGuiThread = QThread::currentThread() == gui;
            context.beginStage("counting", 0, 1, steps);
            for (int i = 1; i <= steps; ++i) {
                if (context.isCancelled()) {
                    log->unitsWhenCancelSeen = log->units.load();
                    context.throwIfCancelled();
                }
                std::this_thread::sleep_for(std::chrono::milliseconds(stepMs));
                log->units = i;
                while (i == log->holdAfter && !log->open)
                    std::this_thread::sleep_for(std::chrono::milliseconds(1));
                context.advance(i);
                context.metric({"value", double(i), double(i * i), {}});
            }
            context.info("counted");
        });
}

} // namespace

class TestJobController : public QObject {
    Q_OBJECT
private slots:
    void eventsArriveOnTheGuiThread()
    {
        TaskManager manager;
        JobController controller(nullptr, &manager);
        QThread* guiThread = QThread::currentThread();
        bool allOnGui = true;
        QList<double> fractions;
        auto onGui = [&] { allOnGui = allOnGui && QThread::currentThread() == guiThread; };
        connect(&controller, &JobController::progressChanged, this, [&](double f, double, qint64, qint64) {
            onGui();
            fractions << f;
        });
        connect(&controller, &JobController::metric, this, onGui);
        connect(&controller, &JobController::logLine, this, onGui);
        connect(&controller, &JobController::finished, this, onGui);
        QSignalSpy finished(&controller, &JobController::finished);
        QSignalSpy metrics(&controller, &JobController::metric);
        QSignalSpy logs(&controller, &JobController::logLine);
        auto log = std::make_shared<CountLog>();
        QVERIFY(controller.start(countingJob(20, 5, log)));
        QVERIFY(controller.isRunning());
        QCOMPARE(manager.count(), 1);                    // the manager owns it
        QVERIFY(!controller.start(countingJob(1, 1)));  // one job at a time
        QVERIFY(finished.wait());
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Succeeded);
        QVERIFY(!log->ranOnGuiThread);  // the work ran on a worker thread
        QVERIFY(allOnGui);              // and every event was delivered on the GUI thread
        QVERIFY(!fractions.isEmpty());
        QCOMPARE(fractions.last(), 1.0);
        for (int i = 1; i < fractions.size(); ++i)
            QVERIFY(fractions[i] >= fractions[i - 1]);
        QCOMPARE(metrics.size(), 20);
        QCOMPARE(metrics.last().at(2).toDouble(), 400.0);
        QVERIFY(!logs.isEmpty());
        QCOMPARE(controller.cliCommand(), QString("espalier-cli count --to 20"));
        QTRY_COMPARE(manager.count(), 0);
    }

    void cancelStopsTheJobAtItsNextCheck()
    {
        TaskManager manager;
        JobController controller(nullptr, &manager);
        QSignalSpy finished(&controller, &JobController::finished);
        auto log = std::make_shared<CountLog>();
        log->holdAfter = 10;  // the job waits after unit 10 until the test has cancelled
        QVERIFY(controller.start(countingJob(100000, 2, log)));
        QTRY_COMPARE(log->units.load(), 10);
        controller.cancel();
        log->open = true;
        QVERIFY(finished.wait());
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Cancelled);
        QCOMPARE(controller.state(), JobController::State::Cancelled);
        // The job saw the cancel at its very next check: no unit after the one under way.
        QCOMPARE(log->unitsWhenCancelSeen.load(), 10);
    }

    void failureCarriesMessage()
    {
        TaskManager manager;
        JobController controller(nullptr, &manager);
        QSignalSpy finished(&controller, &JobController::finished);
        controller.start(std::make_unique<job::FunctionJob>(
            "Fail", std::vector<std::string>{"espalier-cli", "fail"},
            [](job::JobContext&) { throw InputError("corpus.list:3: missing field 'wav'"); }));
        QVERIFY(finished.wait());
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Failed);
        QCOMPARE(finished.first().at(1).toString(), QString("corpus.list:3: missing field 'wav'"));
    }

    void panelFollowsJobAndCancels()
    {
        TaskManager manager;
        JobController controller(nullptr, &manager);
        widgets::JobPanel panel;
        panel.setController(&controller);
        panel.show();
        QSignalSpy finished(&controller, &JobController::finished);
        auto log = std::make_shared<CountLog>();
        controller.start(countingJob(100000, 2, log));
        auto* bar = panel.findChild<QProgressBar*>("jobProgress");
        auto* cancel = panel.findChild<QPushButton*>("jobCancel");
        QVERIFY(bar && cancel);
        QTRY_VERIFY(panel.isVisible());
        QTRY_VERIFY(bar->value() > 0);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait());
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Cancelled);
        QVERIFY(log->unitsWhenCancelSeen >= 0);
        QVERIFY(!cancel->isEnabled());
    }

    void destroyingTheControllerCancelsAndWaits()
    {
        TaskManager manager;
        auto controller = std::make_unique<JobController>(nullptr, &manager);
        auto log = std::make_shared<CountLog>();
        controller->start(countingJob(100000, 1, log));
        QTRY_VERIFY(log->units > 0);
        controller.reset();
        // The job was told to stop and has stopped: nothing of it runs after its page is gone.
        QVERIFY(log->unitsWhenCancelSeen >= 0);
        const int units = log->units;
        QTest::qWait(20);
        QCOMPARE(log->units.load(), units);
        QTRY_COMPARE(manager.count(), 0);
    }
};

QTEST_MAIN(TestJobController)
#include "test_job_controller.moc"
