#pragma once
// One core Job running in the background for the workbench, owned by the TaskManager: it runs on a
// worker thread of its own and re-emits the job's events as signals on the GUI thread (queued), so
// widgets never block and a worker never touches a widget.
#include <QObject>
#include <QString>
#include <QVariantMap>

#include <memory>

namespace espalier::job {
class Job;
}

namespace espalier::widgets {

class Task : public QObject {
    Q_OBJECT
public:
    enum class State { Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    ~Task() override;  // cancels and waits for the worker (the manager deletes a task once it ended)

    QString title() const { return title_; }
    // The espalier-cli command line that does the same work.
    QString cliCommand() const { return cliCommand_; }
    State state() const { return state_; }
    bool isRunning() const { return state_ == State::Running; }
    // Hidden tasks (a file read to show it) are owned and cancelled like the others but not listed.
    bool isHidden() const { return hidden_; }

    // The latest progress (fraction 0..1; ETA in seconds, negative while unknown).
    double fraction() const { return fraction_; }
    double etaSeconds() const { return eta_; }
    qint64 done() const { return done_; }
    qint64 total() const { return total_; }
    QString stage() const { return stage_; }

    // Blocks until the worker has finished (for shutdown and tests); false on timeout.
    bool wait(int timeoutMs);

public slots:
    // Asks the job to stop; finished(Cancelled) follows once it has (a training run writes a
    // checkpoint first).
    void cancel();

signals:
    void stageChanged(const QString& stage, int index, int count);
    void progressChanged(double fraction, double etaSeconds, qint64 done, qint64 total);
    void logLine(int level, const QString& line);
    void metric(const QString& series, double step, double value);
    // The same point with its tags, for points that have them (a latency sample's model and input).
    void taggedMetric(const QString& series, double step, double value, const QVariantMap& tags);
    void finished(espalier::widgets::Task::State outcome, const QString& message);

private:
    friend class TaskManager;
    class Forwarder;
    struct Worker;
    Task(std::unique_ptr<job::Job> job, bool hidden, QObject* parent);
    void start();
    void onWorkerDone(int outcome, const QString& message);

    QString title_;
    QString cliCommand_;
    bool hidden_;
    State state_ = State::Running;
    double fraction_ = 0.0;
    double eta_ = -1.0;
    qint64 done_ = 0;
    qint64 total_ = 0;
    QString stage_;
    std::shared_ptr<Worker> worker_;
};

} // namespace espalier::widgets
