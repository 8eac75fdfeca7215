#pragma once
// The workbench window: a sidebar of pages (Project, Data, Augment, Schedule, Sensitivity, Train,
// Results, Devices, Reports) beside the current page, menus, and the open project.
#include <QMainWindow>

#include <memory>
#include <vector>

class QListWidget;
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

    std::shared_ptr<project::Project> project_;
    std::vector<Page*> pages_;
    QListWidget* navigation_;
    QStackedWidget* stack_;
    QLabel* projectLabel_;
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
