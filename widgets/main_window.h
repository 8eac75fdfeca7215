#pragma once
// The workbench window: a sidebar of pages (Project, Data, Augment, Schedule, Sensitivity, Train,
// Results, Devices, Reports) beside the current page, menus, and the open project.
#include <QMainWindow>

#include <memory>
#include <vector>

class QDockWidget;
class QListWidget;
class QMessageBox;
class QStackedWidget;
class QMenu;
class QAction;
class QLabel;

namespace espalier::project {
class Project;
}

namespace espalier::widgets {

class Page;
class ProjectPage;
class TaskPanel;
class TaskStatusButton;

class MainWindow : public QMainWindow {
    Q_OBJECT
public:
    enum PageId { ProjectPageId, DataPageId, AugmentPageId, SchedulePageId, SensitivityPageId, TrainPageId,
                  ResultsPageId, DevicesPageId, ReportsPageId, PageCount };

    explicit MainWindow(QWidget* parent = nullptr);
    ~MainWindow() override;

    // Opens the project folder; shows an error and returns false if it cannot be read.
    bool openProject(const QString& dir);
    const project::Project* project() const { return project_.get(); }

    void showPage(int id);
    int currentPage() const;
    Page* page(int id) const;
    ProjectPage* projectPage() const;
    // The running tasks' panel (a dock, hidden until asked for or a task starts from the status bar).
    TaskPanel* taskPanel() const { return taskPanel_; }
    QDockWidget* taskDock() const { return taskDock_; }
    // Shows the language; remembers it in the settings.
    void setLanguage(const QString& code);

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void buildPages();
    void buildMenus();
    void retranslate();
    void refreshRecentProjects();
    // Asked on close while tasks run: cancel them (training writes a checkpoint) and quit, or stay.
    void askToStopTasks();

    std::shared_ptr<project::Project> project_;
    std::vector<Page*> pages_;
    QListWidget* navigation_;
    QStackedWidget* stack_;
    QLabel* projectLabel_;
    TaskPanel* taskPanel_;
    QDockWidget* taskDock_;
    TaskStatusButton* taskButton_;
    QMessageBox* stopTasksBox_ = nullptr;
    bool closeWhenTasksEnd_ = false;  // the user chose to cancel the tasks and quit
    QMenu* fileMenu_;
    QMenu* recentMenu_;
    QMenu* languageMenu_;
    QMenu* helpMenu_;
    QAction* newAction_;
    QAction* openAction_;
    QAction* demoAction_;
    QAction* quitAction_;
    QAction* aboutAction_;
};

} // namespace espalier::widgets
