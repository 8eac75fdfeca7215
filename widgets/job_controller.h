#pragma once
// A page's handle on one kind of background job (its training run, its benchmark): start() submits
// the job to the TaskManager, and the controller re-emits the running task's signals, so a page
// connects once and follows every run. One job at a time per controller.
#include "widgets/tasks/task.h"

#include <QObject>
#include <QPointer>
#include <QString>
#include <QVariantMap>

#include <memory>

namespace espalier::job {
class Job;
}

namespace espalier::widgets {

class TaskManager;

class JobController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    // Submits to manager, or to the application's TaskManager when none is given.
    explicit JobController(QObject* parent = nullptr, TaskManager* manager = nullptr);
    ~JobController() override;  // cancels a running job and waits for it

    // Submits the job. Returns false (and does nothing) while this controller's last job runs.
    bool start(std::unique_ptr<job::Job> job);
    bool isRunning() const { return state_ == State::Running; }
    State state() const { return state_; }
    QString title() const { return title_; }
    // The espalier-cli command line equivalent to the job.
    QString cliCommand() const { return cliCommand_; }
    // The running task (null when none runs).
    Task* task() const { return task_.data(); }
    // Blocks until the job has finished (for tests); false on timeout.
    bool wait(int timeoutMs);

public slots:
    // Asks the job to stop; it reports finished(Cancelled) once it has.
    void cancel();

signals:
    void started(const QString& title);
    void stageChanged(const QString& stage, int index, int count);
    // fraction in [0, 1]; eta in seconds, negative while unknown.
    void progressChanged(double fraction, double etaSeconds, qint64 done, qint64 total);
    void logLine(int level, const QString& line);
    void metric(const QString& series, double step, double value);
    // The same point with its tags, for points that have them (a latency sample's model and input).
    void taggedMetric(const QString& series, double step, double value, const QVariantMap& tags);
    void finished(espalier::widgets::JobController::State outcome, const QString& message);

private:
    TaskManager* manager_;
    QPointer<Task> task_;
    State state_ = State::Idle;
    QString title_;
    QString cliCommand_;
};

} // namespace espalier::widgets
