#pragma once
// The Project page: create or open a project folder, pick a recent one, or create the demo project
// (its corpus synthesised as a Job with progress and Cancel).
#include "widgets/pages/page.h"

class QLabel;
class QListWidget;
class QPushButton;
class QGroupBox;

namespace espalier::widgets {

class JobController;
class JobPanel;

class ProjectPage : public Page {
    Q_OBJECT
public:
    explicit ProjectPage(QWidget* parent = nullptr);
    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;
    void setRecentProjects(const QStringList& dirs);

    // Starts creating the demo project at dir (default: AppSettings::defaultDemoProjectDir()).
    void createDemoProject(const QString& dir = {}, int utterances = 2000);
    JobController* jobController() const { return controller_; }
    // Ask for a folder (and a name) and create / open a project there.
    void newProject();
    void openProject();

signals:
    void openProjectRequested(const QString& dir);

protected:
    void retranslate() override;

private:
    void updateSummary();

    QLabel* heading_;
    QLabel* summary_;
    QGroupBox* welcome_;
    QLabel* welcomeText_;
    QPushButton* demoButton_;
    QPushButton* newButton_;
    QPushButton* openButton_;
    QLabel* recentLabel_;
    QListWidget* recent_;
    JobController* controller_;
    JobPanel* jobPanel_;
    QString pendingDemoDir_;
};

} // namespace espalier::widgets
