// The task manager: it owns every background job, lists the running ones (with progress, ETA and
// Cancel) and makes closing the window with work running a question, not a silent loss.
#include "core/job/job.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/language.h"
#include "widgets/main_window.h"
#include "widgets/tasks/task.h"
#include "widgets/tasks/task_manager.h"
#include "widgets/tasks/task_panel.h"

#include <QApplication>
#include <QDockWidget>
#include <QLabel>
#include <QMessageBox>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>

#include <atomic>
#include <memory>
#include <thread>

using namespace espalier;
using widgets::Task;
using widgets::TaskManager;

namespace {

// Counts units until cancelled (or `units` are done), one every few milliseconds; sawCancel is set
// when it stopped because it was asked to.
struct Counter {
    std::shared_ptr<std::atomic<int>> units = std::make_shared<std::atomic<int>>(0);
    std::shared_ptr<std::atomic<bool>> sawCancel = std::make_shared<std::atomic<bool>>(false);

    std::unique_ptr<job::Job> job(const std::string& title, int total = 1000000) const
    {
        return std::make_unique<job::FunctionJob>(
            title, std::vector<std::string>{"espalier-cli", "count", title},
            [units = units, sawCancel = sawCancel, total](job::JobContext& context) {
                context.beginStage("counting", 0, 1, total);
                for (int i = 1; i <= total; ++i) {
                    if (context.isCancelled()) {
                        *sawCancel = true;
                        context.throwIfCancelled();
                    }
                    std::this_thread::sleep_for(std::chrono::milliseconds(2));
                    *units = i;
                    context.advance(i);
                }
            });
    }
};

} // namespace

class TestTaskManager : public QObject {
    Q_OBJECT
private slots:
    void initTestCase()
    {
        QStandardPaths::setTestModeEnabled(true);
        QApplication::setOrganizationName("EspalierTest");
        QApplication::setApplicationName("test_task_manager");
        widgets::applyLanguage("en");
    }

    void cleanup()
    {
        // A failed test leaves nothing running for the next one.
        TaskManager::instance().cancelAll();
        TaskManager::instance().waitForAll(60000);
        QTRY_COMPARE(TaskManager::instance().count(true), 0);
    }

    void tasksAreListedWhileTheyRun()
    {
        TaskManager manager;
        widgets::TaskPanel panel(&manager);
        QSignalSpy count(&manager, &TaskManager::countChanged);
        Counter a, b;
        Task* first = manager.submit(a.job("first", 300));
        Task* second = manager.submit(b.job("second", 20000));
        QCOMPARE(manager.count(), 2);
        QCOMPARE(panel.rowCount(), 2);
        QCOMPARE(manager.tasks(), (QList<Task*>{first, second}));
        // Progress reaches the rows; the short one ends and leaves the list, the other stays.
        QTRY_VERIFY(panel.findChildren<QProgressBar*>("taskProgress").size() == 2
                    && panel.findChildren<QProgressBar*>("taskProgress").at(1)->value() > 0);
        QTRY_COMPARE(manager.count(), 1);
        QTRY_COMPARE(panel.rowCount(), 1);
        QCOMPARE(*a.units, 300);
        QVERIFY(!*a.sawCancel);
        second->cancel();
        QTRY_COMPARE(manager.count(), 0);
        QVERIFY(*b.sawCancel);
        QCOMPARE(panel.rowCount(), 0);
        QCOMPARE(count.last().at(0).toInt(), 0);
    }

    void hiddenTasksAreOwnedButNotListed()
    {
        TaskManager manager;
        widgets::TaskPanel panel(&manager);
        Counter c;
        manager.submit(c.job("read"), widgets::TaskOptions{true});
        QCOMPARE(manager.count(), 0);
        QCOMPARE(manager.count(true), 1);
        QCOMPARE(panel.rowCount(), 0);
        QTRY_VERIFY(*c.units > 0);
        manager.cancelAll();
        QTRY_COMPARE(manager.count(true), 0);
        QVERIFY(*c.sawCancel);
    }

    void theRowsCancelButtonCancelsItsTask()
    {
        TaskManager manager;
        widgets::TaskPanel panel(&manager);
        panel.show();
        Counter c;
        QPointer<Task> task = manager.submit(c.job("long"));
        QSignalSpy finished(task.data(), &Task::finished);
        auto* cancel = panel.findChild<QPushButton*>("taskCancel");
        QVERIFY(cancel);
        QTRY_VERIFY(*c.units > 3);
        QTest::mouseClick(cancel, Qt::LeftButton);
        QVERIFY(finished.wait());
        QCOMPARE(finished.first().at(0).value<Task::State>(), Task::State::Cancelled);
        QVERIFY(*c.sawCancel);
    }

    void destroyingTheManagerStopsItsTasks()
    {
        Counter c;
        {
            TaskManager manager;
            manager.submit(c.job("orphan"));
            QTRY_VERIFY(*c.units > 0);
        }
        QVERIFY(*c.sawCancel);  // cancelled and joined, not left running
    }

    void closingTheWindowWithTasksRunningAsks()
    {
        TaskManager& manager = TaskManager::instance();
        widgets::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        Counter train, bench;
        manager.submit(train.job("Train Conformer small (bf16)"));
        manager.submit(bench.job("Benchmark on this machine"));
        auto* status = window.findChild<QToolButton*>("taskStatusButton");
        QVERIFY(status);
        QTRY_VERIFY(status->isVisible());
        QVERIFY(status->text().startsWith("2 tasks"));
        if (!window.taskDock()->isVisible())  // the window restores the last layout
            status->click();
        QTRY_VERIFY(window.taskDock()->isVisible());
        QVERIFY(status->isChecked());
        QCOMPARE(window.taskPanel()->rowCount(), 2);
        QTRY_VERIFY(*train.units > 20 && *bench.units > 20);
        widgettest::saveScreenshot(&window, "tasks.png");

        // Keep working: the window stays, the tasks go on.
        QVERIFY(!window.close());
        QMessageBox* box = nullptr;
        QTRY_VERIFY((box = window.findChild<QMessageBox*>("stopTasksDialog")) != nullptr && box->isVisible());
        QVERIFY(box->text().contains("Train Conformer small (bf16)"));
        box->findChild<QPushButton*>("keepTasksButton")->click();
        QTRY_VERIFY(!window.findChild<QMessageBox*>("stopTasksDialog"));
        QVERIFY(window.isVisible());
        QCOMPARE(manager.count(), 2);
        QVERIFY(!*train.sawCancel && !*bench.sawCancel);

        // Cancel and quit: both stop, then the window closes by itself.
        QVERIFY(!window.close());
        QTRY_VERIFY((box = window.findChild<QMessageBox*>("stopTasksDialog")) != nullptr && box->isVisible());
        box->findChild<QPushButton*>("stopTasksButton")->click();
        QTRY_VERIFY(!window.isVisible());
        QCOMPARE(manager.count(), 0);
        QVERIFY(*train.sawCancel && *bench.sawCancel);
    }

    void closingWithoutTasksDoesNotAsk()
    {
        widgets::MainWindow window;
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        QVERIFY(window.close());
        QVERIFY(!window.findChild<QMessageBox*>("stopTasksDialog"));
    }
};

QTEST_MAIN(TestTaskManager)
#include "test_task_manager.moc"
