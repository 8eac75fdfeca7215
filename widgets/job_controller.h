#pragma once
// Adapts a core Job to Qt: runs it on a worker thread and re-emits its events as signals on the
// GUI thread (queued), so widgets never block and never get touched by a worker.
#include <QElapsedTimer>
#include <QObject>
#include <QString>
#include <QStringList>
#include <QVariantMap>

#include <memory>

namespace espalier::project {
class Job;
class CancellationToken;
}

namespace espalier::widgets {

class JobController : public QObject {
    Q_OBJECT
public:
    enum class State { Idle, Running, Succeeded, Failed, Cancelled };
    Q_ENUM(State)

    explicit JobController(QObject* parent = nullptr);
    ~JobController() override;  // cancels and waits for a running job

    // Starts the job on a worker thread. Returns false (and does nothing) if one is running.
    bool start(std::unique_ptr<project::Job> job);
    bool isRunning() const { return state_ == State::Running; }
    State state() const { return state_; }
    QString title() const { return title_; }
    // The espalier-cli command line equivalent to the job.
    QString cliCommand() const { return cliCommand_; }
    // Blocks until the worker has finished (for shutdown and tests); false on timeout.
    bool wait(int timeoutMs);

public slots:
    // Asks the job to stop; it reports finished(Cancelled) within about a second.
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
    class Forwarder;
    struct Worker;
    void onWorkerDone(int outcome, const QString& message);

    State state_ = State::Idle;
    QString title_;
    QString cliCommand_;
    std::shared_ptr<Worker> worker_;
};

} // namespace espalier::widgets
