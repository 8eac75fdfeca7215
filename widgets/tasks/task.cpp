#include "widgets/tasks/task.h"

#include "core/job/shell_quote.h"
#include "core/job/job.h"

#include <QMetaObject>
#include <QPointer>

#include <condition_variable>
#include <mutex>
#include <thread>

namespace espalier::widgets {

// Runs on the worker thread; posts every event to the task's (GUI) thread.
class Task::Forwarder : public job::JobObserver {
public:
    explicit Forwarder(Task* target) : target_(target) {}
    void onStage(const std::string& stage, int index, int count) override
    {
        post([=, s = QString::fromStdString(stage)](Task* t) {
            t->stage_ = s;
            emit t->stageChanged(s, index, count);
        });
    }
    void onProgress(const job::JobProgress& p) override
    {
        post([p](Task* t) {
            t->fraction_ = p.fraction;
            t->eta_ = p.etaSeconds;
            t->done_ = p.done;
            t->total_ = p.total;
            emit t->progressChanged(p.fraction, p.etaSeconds, p.done, p.total);
        });
    }
    void onLog(job::LogLevel level, const std::string& line) override
    {
        post([l = int(level), s = QString::fromStdString(line)](Task* t) { emit t->logLine(l, s); });
    }
    void onMetric(const job::MetricPoint& point) override
    {
        QVariantMap tags;
        for (const auto& [key, value] : point.tags)
            tags.insert(QString::fromStdString(key), QString::fromStdString(value));
        post([s = QString::fromStdString(point.series), x = point.step, y = point.value, tags](Task* t) {
            emit t->metric(s, x, y);
            if (!tags.isEmpty())
                emit t->taggedMetric(s, x, y, tags);
        });
    }

private:
    template <typename F>
    void post(F&& f)
    {
        QPointer<Task> target = target_;
        QMetaObject::invokeMethod(
            target_, [target, f = std::forward<F>(f)] { if (target) f(target.data()); }, Qt::QueuedConnection);
    }
    Task* target_;
};

// State shared between the task and its worker thread; the thread owns a reference so the task may
// be destroyed first.
struct Task::Worker {
    std::unique_ptr<job::Job> job;
    job::CancellationToken token;
    std::thread thread;
    std::mutex mutex;
    std::condition_variable doneCondition;
    bool done = false;
};

Task::Task(std::unique_ptr<job::Job> job, bool hidden, QObject* parent)
    : QObject(parent), title_(QString::fromStdString(job->title())),
      cliCommand_(QString::fromStdString(job::shellJoin(job->cliCommand()))), hidden_(hidden),
      worker_(std::make_shared<Worker>())
{
    qRegisterMetaType<espalier::widgets::Task::State>();
    worker_->job = std::move(job);
}

Task::~Task()
{
    worker_->token.cancel();
    if (worker_->thread.joinable())
        worker_->thread.join();
}

void Task::start()
{
    QPointer<Task> self = this;
    worker_->thread = std::thread([worker = worker_, self, forwarder = std::make_shared<Forwarder>(this)] {
        const job::JobResult result = job::runJob(*worker->job, forwarder.get(), worker->token);
        {
            std::lock_guard lock(worker->mutex);
            worker->done = true;
        }
        worker->doneCondition.notify_all();
        if (!self)
            return;
        QMetaObject::invokeMethod(
            self.data(),
            [self, outcome = int(result.outcome), message = QString::fromStdString(result.message)] {
                if (self)
                    self->onWorkerDone(outcome, message);
            },
            Qt::QueuedConnection);
    });
}

void Task::cancel()
{
    worker_->token.cancel();
}

bool Task::wait(int timeoutMs)
{
    std::unique_lock lock(worker_->mutex);
    return worker_->doneCondition.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return worker_->done; });
}

void Task::onWorkerDone(int outcome, const QString& message)
{
    switch (job::JobOutcome(outcome)) {
    case job::JobOutcome::Succeeded: state_ = State::Succeeded; break;
    case job::JobOutcome::Failed: state_ = State::Failed; break;
    case job::JobOutcome::Cancelled: state_ = State::Cancelled; break;
    }
    if (worker_->thread.joinable())
        worker_->thread.join();
    emit finished(state_, message);
}

} // namespace espalier::widgets
