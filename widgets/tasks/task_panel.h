#pragma once
// The workbench's list of running tasks (the TaskManager's, hidden ones left out): one row per task
// with its name, stage, progress bar, units done and ETA, Cancel, and the equivalent command.
// TaskStatusButton sums them up in the status bar and shows or hides the panel.
#include <QMap>
#include <QToolButton>
#include <QWidget>

class QLabel;
class QVBoxLayout;

namespace espalier::widgets {

class Task;
class TaskManager;
class TaskRow;

class TaskPanel : public QWidget {
    Q_OBJECT
public:
    explicit TaskPanel(TaskManager* manager, QWidget* parent = nullptr);
    int rowCount() const { return int(rows_.size()); }

protected:
    void changeEvent(QEvent* event) override;

private:
    void addTask(Task* task);
    void removeTask(Task* task);
    void retranslate();

    TaskManager* manager_;
    QVBoxLayout* rowsLayout_;
    QLabel* empty_;
    QMap<Task*, TaskRow*> rows_;
};

// "2 tasks · 37 %" while tasks run (the least advanced one's fraction), hidden otherwise; clicking
// toggles the panel.
class TaskStatusButton : public QToolButton {
    Q_OBJECT
public:
    explicit TaskStatusButton(TaskManager* manager, QWidget* parent = nullptr);

protected:
    void changeEvent(QEvent* event) override;

private:
    void refresh();
    TaskManager* manager_;
};

} // namespace espalier::widgets
