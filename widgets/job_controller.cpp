#include "widgets/job_controller.h"

#include "core/job/job.h"
#include "widgets/tasks/task.h"
#include "widgets/tasks/task_manager.h"

namespace espalier::widgets {

namespace {

JobController::State stateOf(Task::State state)
{
    switch (state) {
    case Task::State::Running: return JobController::State::Running;
    case Task::State::Succeeded: return JobController::State::Succeeded;
    case Task::State::Failed: return JobController::State::Failed;
    case Task::State::Cancelled: return JobController::State::Cancelled;
    }
    return JobController::State::Failed;
}

} // namespace

JobController::JobController(QObject* parent, TaskManager* manager)
    : QObject(parent), manager_(manager ? manager : &TaskManager::instance())
{
    qRegisterMetaType<espalier::widgets::JobController::State>();
}

JobController::~JobController()
{
    if (task_) {
        task_->cancel();
        task_->wait(60'000);
    }
}

bool JobController::start(std::unique_ptr<job::Job> job)
{
    if (isRunning() || !job)
        return false;
    Task* task = manager_->submit(std::move(job));
    task_ = task;
    title_ = task->title();
    cliCommand_ = task->cliCommand();
    state_ = State::Running;
    connect(task, &Task::stageChanged, this, &JobController::stageChanged);
    connect(task, &Task::progressChanged, this, &JobController::progressChanged);
    connect(task, &Task::logLine, this, &JobController::logLine);
    connect(task, &Task::metric, this, &JobController::metric);
    connect(task, &Task::taggedMetric, this, &JobController::taggedMetric);
    connect(task, &Task::finished, this, [this](Task::State outcome, const QString& message) {
        state_ = stateOf(outcome);
        task_.clear();
        emit finished(state_, message);
    });
    emit started(title_);
    return true;
}

void JobController::cancel()
{
    if (task_)
        task_->cancel();
}

bool JobController::wait(int timeoutMs)
{
    return task_ ? task_->wait(timeoutMs) : true;
}

} // namespace espalier::widgets
