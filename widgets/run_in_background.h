#pragma once
// Runs work on Qt's global thread pool and hands its result back on the GUI thread.
#include <QFutureWatcher>
#include <QObject>
#include <QtConcurrent/QtConcurrentRun>

#include <utility>

namespace espalier::widgets {

// Runs work() in the background and done(result) on context's thread, unless context is gone by then.
template <typename Result, typename Work, typename Done>
void runInBackground(QObject* context, Work work, Done done)
{
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

} // namespace espalier::widgets
