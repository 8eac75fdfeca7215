#include "job_controller.h"

#include "project/job.h"

#include <QMetaObject>
#include <QPointer>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace espalier::widgets {

// Runs on the worker thread; posts every event to the controller's (GUI) thread.
class JobController::Forwarder : public project::JobObserver {
public:
    explicit Forwarder(JobController* target) : target_(target) {}
    void onStage(const std::string& stage, int index, int count) override
    {
        post([=, s = QString::fromStdString(stage)](JobController* c) { emit c->stageChanged(s, index, count); });
    }
    void onProgress(const project::JobProgress& p) override
    {
        post([p](JobController* c) { emit c->progressChanged(p.fraction, p.etaSeconds, p.done, p.total); });
    }
    void onLog(project::LogLevel level, const std::string& line) override
    {
        post([l = int(level), s = QString::fromStdString(line)](JobController* c) { emit c->logLine(l, s); });
    }
    void onMetric(const project::MetricPoint& point) override
    {
        QVariantMap tags;
        for (const auto& [key, value] : point.tags)
            tags.insert(QString::fromStdString(key), QString::fromStdString(value));
        post([s = QString::fromStdString(point.series), x = point.step, y = point.value, tags](JobController* c) {
            emit c->metric(s, x, y);
            if (!tags.isEmpty())
                emit c->taggedMetric(s, x, y, tags);
        });
    }

private:
    template <typename F>
    void post(F&& f)
    {
        QPointer<JobController> target = target_;
        QMetaObject::invokeMethod(
            target_, [target, f = std::forward<F>(f)] { if (target) f(target.data()); }, Qt::QueuedConnection);
    }
    JobController* target_;
};

// State shared between the controller and its worker thread; the thread owns a reference so the
// controller may be destroyed first.
struct JobController::Worker {
    std::unique_ptr<project::Job> job;
    project::CancellationToken token;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable doneCondition;
    bool done = false;
};

JobController::JobController(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<espalier::widgets::JobController::State>();
}

JobController::~JobController()
{
    if (worker_) {
        worker_->token.cancel();
        if (worker_->thread.joinable())
            worker_->thread.join();
    }
}

bool JobController::start(std::unique_ptr<project::Job> job)
{
    if (isRunning() || !job)
        return false;
    if (worker_ && worker_->thread.joinable())
        worker_->thread.join();

    title_ = QString::fromStdString(job->title());
    cliCommand_ = QString::fromStdString(project::shellJoin(job->cliCommand()));
    state_ = State::Running;
    worker_ = std::make_shared<Worker>();
    worker_->job = std::move(job);
    emit started(title_);

    QPointer<JobController> self = this;
    worker_->thread = std::thread([worker = worker_, self, forwarder = std::make_shared<Forwarder>(this)] {
        const project::JobResult result = project::runJob(*worker->job, forwarder.get(), worker->token);
        {
            std::lock_guard lock(worker->mutex);
            worker->done = true;
        }
        worker->doneCondition.notify_all();
        if (self) {
            QMetaObject::invokeMethod(
                self.data(),
                [self, outcome = int(result.outcome), message = QString::fromStdString(result.message)] {
                    if (self)
                        self->onWorkerDone(outcome, message);
                },
                Qt::QueuedConnection);
        }
    });
    return true;
}

void JobController::cancel()
{
    if (worker_)
        worker_->token.cancel();
}

bool JobController::wait(int timeoutMs)
{
    if (!worker_)
        return true;
    std::unique_lock lock(worker_->mutex);
    return worker_->doneCondition.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return worker_->done; });
}

void JobController::onWorkerDone(int outcome, const QString& message)
{
    switch (project::JobOutcome(outcome)) {
    case project::JobOutcome::Succeeded: state_ = State::Succeeded; break;
    case project::JobOutcome::Failed: state_ = State::Failed; break;
    case project::JobOutcome::Cancelled: state_ = State::Cancelled; break;
    }
    if (worker_ && worker_->thread.joinable())
        worker_->thread.join();
    emit finished(state_, message);
}

} // namespace espalier::widgets
