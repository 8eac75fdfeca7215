// JobController: events arrive on the GUI thread as signals; cancel stops a job within a second.
#include "job_controller.h"
#include "job_panel.h"
#include "project/job.h"
#include "runtime/error.h"

#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace espalier;
using espalier::widgets::JobController;

namespace {
// Counts to `steps`, one unit every `stepMs`, checking the token each time.
std::unique_ptr<project::Job> countingJob(int steps, int stepMs, std::atomic<bool>* sawGuiThread = nullptr)
{
    return std::make_unique<project::FunctionJob>(
        "Count", std::vector<std::string>{"espalier-cli", "count", "--to", std::to_string(steps)},
        [=](project::JobContext& context) {
            context.beginStage("counting", 0, 1, steps);
            for (int i = 1; i <= steps; ++i) {
                context.throwIfCancelled();
                std::this_thread::sleep_for(std::chrono::milliseconds(stepMs));
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
    void reportsProgressOnGuiThread()
    {
        JobController controller;
        QThread* guiThread = QThread::currentThread();
        bool allOnGui = true;
        QList<double> fractions;
        connect(&controller, &JobController::progressChanged, this, [&](double f, double, qint64, qint64) {
            allOnGui = allOnGui && QThread::currentThread() == guiThread;
            fractions << f;
        });
        QSignalSpy finished(&controller, &JobController::finished);
        QSignalSpy metrics(&controller, &JobController::metric);
        QSignalSpy logs(&controller, &JobController::logLine);
        QVERIFY(controller.start(countingJob(20, 5)));
        QVERIFY(controller.isRunning());
        QVERIFY(!controller.start(countingJob(1, 1)));  // one job at a time
        QVERIFY(finished.wait(10000));
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Succeeded);
        QVERIFY(allOnGui);
        QVERIFY(!fractions.isEmpty());
        QCOMPARE(fractions.last(), 1.0);
        for (int i = 1; i < fractions.size(); ++i)
            QVERIFY(fractions[i] >= fractions[i - 1]);
        QCOMPARE(metrics.size(), 20);
        QCOMPARE(metrics.last().at(2).toDouble(), 400.0);
        QVERIFY(!logs.isEmpty());
        QCOMPARE(controller.cliCommand(), QString("espalier-cli count --to 20"));
    }

    void cancelStopsWithinASecond()
    {
        JobController controller;
        QSignalSpy finished(&controller, &JobController::finished);
        QVERIFY(controller.start(countingJob(100000, 2)));
        QTest::qWait(100);
        QElapsedTimer timer;
        timer.start();
        controller.cancel();
        QVERIFY(finished.wait(1000));
        QVERIFY(timer.elapsed() < 1000);
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Cancelled);
        QCOMPARE(controller.state(), JobController::State::Cancelled);
    }

    void failureCarriesMessage()
    {
        JobController controller;
        QSignalSpy finished(&controller, &JobController::finished);
        controller.start(std::make_unique<project::FunctionJob>(
            "Fail", std::vector<std::string>{"espalier-cli", "fail"},
            [](project::JobContext&) { throw InputError("corpus.list:3: missing field 'wav'"); }));
        QVERIFY(finished.wait(5000));
        QCOMPARE(finished.first().at(0).value<JobController::State>(), JobController::State::Failed);
        QCOMPARE(finished.first().at(1).toString(), QString("corpus.list:3: missing field 'wav'"));
    }

    void panelFollowsJobAndCancels()
    {
        JobController controller;
        widgets::JobPanel panel;
        panel.setController(&controller);
        panel.show();
        QSignalSpy finished(&controller, &JobController::finished);
        controller.start(countingJob(100000, 2));
        auto* bar = panel.findChild<QProgressBar*>("jobProgress");
        auto* cancel = panel.findChild<QPushButton*>("jobCancel");
        QVERIFY(bar && cancel);
        QTRY_VERIFY(panel.isVisible());
        QTRY_VERIFY(bar->value() > 0);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait(1000));
        QVERIFY(!cancel->isEnabled());
    }

    void destructionWhileRunningIsSafe()
    {
        auto controller = std::make_unique<JobController>();
        controller->start(countingJob(100000, 1));
        QTest::qWait(20);
        controller.reset();  // cancels and joins; queued events to the dead object are dropped
        QTest::qWait(50);
    }

    void etaFormatting_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("unknown") << -1.0 << "--:--";
        QTest::newRow("seconds") << 9.4 << "0:09";
        QTest::newRow("minutes") << 247.0 << "4:07";
        QTest::newRow("hours") << 3723.0 << "1:02:03";
    }
    void etaFormatting()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(widgets::formatEta(seconds), text);
    }
};

QTEST_MAIN(TestJobController)
#include "test_job_controller.moc"
