#pragma once
// The one owner of the workbench's background work (QGIS's QgsTaskManager is the model): pages
// submit core Jobs to it, it runs each as a Task on a worker thread of its own, lists the running
// ones (TaskPanel shows them with progress, ETA and Cancel) and deletes each once it has ended.
// Closing the window asks it whether work is still running, instead of dropping it silently.
#include <QList>
#include <QObject>

#include <memory>

namespace espalier::job {
class Job;
}

namespace espalier::widgets {

class Task;

struct TaskOptions {
    // A short read that only feeds a view (an audio file, a manifest): owned and cancelled like
    // any task, but not listed and not worth asking about on close.
    bool hidden = false;
};

class TaskManager : public QObject {
    Q_OBJECT
public:
    // The application's manager (created on first use, owned by the QApplication).
    static TaskManager& instance();

    explicit TaskManager(QObject* parent = nullptr);
    ~TaskManager() override;  // cancels every task and waits for them

    // Starts job at once. The task is the manager's: it is deleted (later) once finished() was
    // emitted, so hold it in a QPointer.
    Task* submit(std::unique_ptr<job::Job> job, TaskOptions options = {});

    // Tasks still running, oldest first; hidden ones only when asked.
    QList<Task*> tasks(bool withHidden = false) const;
    int count(bool withHidden = false) const { return int(tasks(withHidden).size()); }

    // Asks every task to stop (training writes its checkpoint first).
    void cancelAll();
    // Blocks until every task has ended (for shutdown and tests); false on timeout.
    bool waitForAll(int timeoutMs);

signals:
    void taskAdded(espalier::widgets::Task* task);
    // Emitted after the task's own finished(), before it is deleted.
    void taskEnded(espalier::widgets::Task* task);
    // The number of listed (not hidden) running tasks changed.
    void countChanged(int count);

private:
    QList<Task*> tasks_;
};

} // namespace espalier::widgets
