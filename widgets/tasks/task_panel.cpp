#include "widgets/tasks/task_panel.h"

#include "widgets/command_dialog.h"
#include "widgets/job_panel.h"
#include "widgets/tasks/task.h"
#include "widgets/tasks/task_manager.h"

#include <QEvent>
#include <QGridLayout>
#include <QLabel>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

#include <algorithm>

namespace espalier::widgets {

// One task: name and stage above, progress bar with counts and ETA, Cancel and Show command.
class TaskRow : public QWidget {
    Q_OBJECT
public:
    TaskRow(Task* task, QWidget* parent) : QWidget(parent), task_(task)
    {
        setObjectName("taskRow");
        title_ = new QLabel(task->title(), this);
        title_->setObjectName("taskTitle");
        QFont bold = title_->font();
        bold.setBold(true);
        title_->setFont(bold);
        stage_ = new QLabel(this);
        stage_->setObjectName("taskStage");
        bar_ = new QProgressBar(this);
        bar_->setObjectName("taskProgress");
        bar_->setRange(0, 1000);
        bar_->setFormat(QStringLiteral("%p %"));
        eta_ = new QLabel(this);
        eta_->setObjectName("taskEta");
        cancel_ = new QPushButton(this);
        cancel_->setObjectName("taskCancel");
        command_ = new QPushButton(this);
        command_->setObjectName("taskCommand");
        auto* grid = new QGridLayout(this);
        grid->setContentsMargins(6, 4, 6, 4);
        grid->addWidget(title_, 0, 0);
        grid->addWidget(stage_, 0, 1, 1, 3);
        grid->addWidget(bar_, 1, 0, 1, 2);
        grid->addWidget(eta_, 1, 2);
        grid->addWidget(cancel_, 1, 3);
        grid->addWidget(command_, 1, 4);
        grid->setColumnStretch(1, 1);

        connect(cancel_, &QPushButton::clicked, this, [this] {
            if (task_) {
                task_->cancel();
                cancel_->setEnabled(false);
                cancel_->setText(tr("Stopping…"));
            }
        });
        connect(command_, &QPushButton::clicked, this, [this] {
            if (task_)
                showCommandDialog(this, task_->cliCommand());
        });
        connect(task, &Task::stageChanged, this, [this](const QString& stage, int index, int count) {
            stage_->setText(count > 1 ? tr("%1 (step %2 of %3)").arg(stage).arg(index + 1).arg(count) : stage);
        });
        connect(task, &Task::progressChanged, this, &TaskRow::showProgress);
        retranslate();
        showProgress(task->fraction(), task->etaSeconds(), task->done(), task->total());
    }

    void retranslate()
    {
        if (cancel_->isEnabled())
            cancel_->setText(tr("Cancel"));
        command_->setText(tr("Show command"));
        if (task_)
            showProgress(task_->fraction(), task_->etaSeconds(), task_->done(), task_->total());
    }

private:
    void showProgress(double fraction, double eta, qint64 done, qint64 total)
    {
        bar_->setValue(int(fraction * 1000));
        const QString counts = total > 0 ? QStringLiteral("%1/%2 · ").arg(done).arg(total) : QString();
        eta_->setText(counts + tr("ETA %1").arg(formatEta(eta)));
    }

    QPointer<Task> task_;
    QLabel* title_;
    QLabel* stage_;
    QProgressBar* bar_;
    QLabel* eta_;
    QPushButton* cancel_;
    QPushButton* command_;
};

TaskPanel::TaskPanel(TaskManager* manager, QWidget* parent) : QWidget(parent), manager_(manager)
{
    setObjectName("taskPanel");
    empty_ = new QLabel(this);
    empty_->setObjectName("taskPanelEmpty");
    empty_->setForegroundRole(QPalette::PlaceholderText);
    rowsLayout_ = new QVBoxLayout;
    rowsLayout_->setContentsMargins(0, 0, 0, 0);
    rowsLayout_->setSpacing(0);
    auto* layout = new QVBoxLayout(this);
    layout->addWidget(empty_);
    layout->addLayout(rowsLayout_);
    layout->addStretch(1);
    connect(manager_, &TaskManager::taskAdded, this, &TaskPanel::addTask);
    connect(manager_, &TaskManager::taskEnded, this, &TaskPanel::removeTask);
    for (Task* task : manager_->tasks())
        addTask(task);
    retranslate();
}

void TaskPanel::addTask(Task* task)
{
    if (task->isHidden() || rows_.contains(task))
        return;
    auto* row = new TaskRow(task, this);
    rows_.insert(task, row);
    rowsLayout_->addWidget(row);
    empty_->setVisible(false);
}

void TaskPanel::removeTask(Task* task)
{
    if (TaskRow* row = rows_.take(task))
        row->deleteLater();
    empty_->setVisible(rows_.isEmpty());
}

void TaskPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void TaskPanel::retranslate()
{
    empty_->setText(tr("No task is running."));
    for (TaskRow* row : rows_)
        row->retranslate();
}

TaskStatusButton::TaskStatusButton(TaskManager* manager, QWidget* parent) : QToolButton(parent), manager_(manager)
{
    setObjectName("taskStatusButton");
    setAutoRaise(true);
    setCheckable(true);
    connect(manager_, &TaskManager::countChanged, this, &TaskStatusButton::refresh);
    connect(manager_, &TaskManager::taskAdded, this, [this](Task* task) {
        connect(task, &Task::progressChanged, this, &TaskStatusButton::refresh);
    });
    refresh();
}

void TaskStatusButton::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        refresh();
    QToolButton::changeEvent(event);
}

void TaskStatusButton::refresh()
{
    const QList<Task*> tasks = manager_->tasks();
    setVisible(!tasks.isEmpty());
    if (tasks.isEmpty())
        return;
    double least = 1.0;
    for (const Task* task : tasks)
        least = std::min(least, task->fraction());
    setText((tasks.size() == 1 ? tr("1 task · %1 %") : tr("%1 tasks · %2 %").arg(tasks.size()))
                .arg(int(least * 100)));
    setToolTip(tr("Show or hide the running tasks"));
}

} // namespace espalier::widgets

#include "task_panel.moc"
