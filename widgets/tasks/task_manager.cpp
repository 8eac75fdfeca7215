#include "widgets/tasks/task_manager.h"

#include "core/job/job.h"
#include "widgets/tasks/task.h"

#include <QCoreApplication>
#include <QDeadlineTimer>
#include <QPointer>

namespace espalier::widgets {

TaskManager& TaskManager::instance()
{
    static QPointer<TaskManager> manager;
    if (!manager)
        manager = new TaskManager(QCoreApplication::instance());
    return *manager;
}

TaskManager::TaskManager(QObject* parent) : QObject(parent) {}

TaskManager::~TaskManager()
{
    cancelAll();
    for (Task* task : tasks_)
        delete task;  // each joins its worker
}

Task* TaskManager::submit(std::unique_ptr<job::Job> job, TaskOptions options)
{
    auto* task = new Task(std::move(job), options.hidden, this);
    tasks_.append(task);
    connect(task, &Task::finished, this, [this, task] {
        tasks_.removeOne(task);
        emit taskEnded(task);
        if (!task->isHidden())
            emit countChanged(count());
        task->deleteLater();
    });
    task->start();
    emit taskAdded(task);
    if (!task->isHidden())
        emit countChanged(count());
    return task;
}

QList<Task*> TaskManager::tasks(bool withHidden) const
{
    QList<Task*> out;
    for (Task* task : tasks_)
        if (withHidden || !task->isHidden())
            out.append(task);
    return out;
}

void TaskManager::cancelAll()
{
    for (Task* task : tasks_)
        task->cancel();
}

bool TaskManager::waitForAll(int timeoutMs)
{
    const QDeadlineTimer deadline(timeoutMs);
    for (Task* task : tasks_)
        if (!task->wait(int(std::max<qint64>(0, deadline.remainingTime()))))
            return false;
    return true;
}

} // namespace espalier::widgets
