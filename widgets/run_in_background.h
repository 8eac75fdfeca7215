#pragma once
// Short background work of a view (reading an audio file, a manifest, a checkpoint's statistics)
// through the TaskManager like every job: hidden from its list, cancelled when the window closes.
#include "core/job/job.h"
#include "widgets/tasks/task.h"
#include "widgets/tasks/task_manager.h"

#include <QObject>
#include <QString>

#include <memory>
#include <optional>
#include <utility>

namespace espalier::widgets {

// Runs work() on a worker thread and done(result) on context's thread once it returned, unless
// context is gone by then or the work was cancelled first. work reports failures in its result.
template <typename Result, typename Work, typename Done>
void runInBackground(QObject* context, const QString& title, Work work, Done done)
{
    auto result = std::make_shared<std::optional<Result>>();
    auto job = std::make_unique<job::FunctionJob>(
        title.toStdString(), std::vector<std::string>{},
        [result, work = std::move(work)](job::JobContext&) mutable { result->emplace(work()); });
    Task* task = TaskManager::instance().submit(std::move(job), TaskOptions{true});
    QObject::connect(task, &Task::finished, context, [result, done = std::move(done)](Task::State state, const QString&) {
        if (state == Task::State::Succeeded && *result)
            done(**result);
    });
}

} // namespace espalier::widgets
