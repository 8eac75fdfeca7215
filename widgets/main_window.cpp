#include "widgets/main_window.h"

#include "core/project/project.h"
#include "widgets/app_settings.h"
#include "widgets/error_dialog.h"
#include "widgets/language.h"
#include "widgets/pages/augment_page.h"
#include "widgets/pages/data_page.h"
#include "widgets/pages/devices_page.h"
#include "widgets/pages/project_page.h"
#include "widgets/pages/reports_page.h"
#include "widgets/pages/results_page.h"
#include "widgets/pages/schedule_page.h"
#include "widgets/pages/sensitivity_page.h"
#include "widgets/pages/train_page.h"
#include "widgets/tasks/task.h"
#include "widgets/tasks/task_manager.h"
#include "widgets/tasks/task_panel.h"
#include "widgets/training/new_run_form.h"

#include <QAction>
#include <QActionGroup>
#include <QApplication>
#include <QCloseEvent>
#include <QDir>
#include <QDockWidget>
#include <QPushButton>
#include <QScrollArea>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QHBoxLayout>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

namespace espalier::widgets {

MainWindow::MainWindow(QWidget* parent) : QMainWindow(parent)
{
    setObjectName("mainWindow");
    navigation_ = new QListWidget(this);
    navigation_->setObjectName("navigation");
    navigation_->setIconSize(QSize(20, 20));
    navigation_->setSpacing(2);
    navigation_->setFixedWidth(170);
    navigation_->setFrameShape(QFrame::NoFrame);
    stack_ = new QStackedWidget(this);
    stack_->setObjectName("pages");

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(navigation_);
    layout->addWidget(stack_, 1);
    setCentralWidget(central);

    projectLabel_ = new QLabel(this);
    statusBar()->addPermanentWidget(projectLabel_);

    TaskManager& tasks = TaskManager::instance();
    taskPanel_ = new TaskPanel(&tasks, this);
    auto* taskScroll = new QScrollArea(this);
    taskScroll->setWidget(taskPanel_);
    taskScroll->setWidgetResizable(true);
    taskScroll->setFrameShape(QFrame::NoFrame);
    taskScroll->setMinimumHeight(8 * fontMetrics().height());  // two tasks' rows at least
    taskDock_ = new QDockWidget(this);
    taskDock_->setObjectName("taskDock");
    taskDock_->setWidget(taskScroll);
    addDockWidget(Qt::BottomDockWidgetArea, taskDock_);
    taskDock_->hide();
    taskButton_ = new TaskStatusButton(&tasks, this);
    statusBar()->addWidget(taskButton_);
    connect(taskButton_, &QToolButton::toggled, taskDock_, &QDockWidget::setVisible);
    connect(taskDock_, &QDockWidget::visibilityChanged, taskButton_, &QToolButton::setChecked);
    connect(&tasks, &TaskManager::countChanged, this, [this](int count) {
        if (count == 0 && closeWhenTasksEnd_)
            close();
    });

    buildPages();
    buildMenus();
    connect(navigation_, &QListWidget::currentRowChanged, stack_, &QStackedWidget::setCurrentIndex);

    AppSettings settings;
    resize(1280, 800);
    restoreGeometry(settings.windowGeometry());
    restoreState(settings.windowState());
    refreshRecentProjects();
    retranslate();
    showPage(qBound(0, settings.currentPage(), int(PageCount) - 1));
}

MainWindow::~MainWindow() = default;

void MainWindow::buildPages()
{
    auto* projectPage = new ProjectPage(this);
    connect(projectPage, &ProjectPage::openProjectRequested, this, [this](const QString& dir) {
        if (openProject(dir))
            showPage(DataPageId);
    });
    pages_.push_back(projectPage);
    pages_.push_back(new DataPage(this));
    pages_.push_back(new AugmentPage(this));

    auto* schedulePage = new SchedulePage(this);
    pages_.push_back(schedulePage);
    auto* sensitivityPage = new SensitivityPage(this);
    pages_.push_back(sensitivityPage);
    connect(sensitivityPage, &SensitivityPage::useRecipe, this, [this, schedulePage](const QString& path) {
        if (schedulePage->loadRecipe(path))
            showPage(SchedulePageId);
    });
    auto* trainPage = new TrainPage(this);
    pages_.push_back(trainPage);
    connect(schedulePage, &SchedulePage::trainWithRecipe, this, [this, trainPage](const QString& path) {
        trainPage->form()->setRecipe(path);
        showPage(TrainPageId);
    });
    auto* resultsPage = new ResultsPage(this);
    pages_.push_back(resultsPage);
    pages_.push_back(new DevicesPage(this));
    auto* reportsPage = new ReportsPage(this);
    pages_.push_back(reportsPage);
    connect(resultsPage, &ResultsPage::reportRequested, this,
            [this, reportsPage](const QStringList& ids, const QString& baseline, bool groupSeeds) {
                reportsPage->setSelection(ids, baseline, groupSeeds);
                showPage(ReportsPageId);
            });
    connect(trainPage, &TrainPage::runEnded, resultsPage, &ResultsPage::reload);

    for (Page* page : pages_) {
        stack_->addWidget(page);
        auto* item = new QListWidgetItem(page->icon(), page->title(), navigation_);
        item->setSizeHint(QSize(0, 34));
        connect(page, &Page::projectChanged, this, [this] {
            if (project_)
                openProject(QString::fromStdString(project_->dir()));
        });
    }
}

void MainWindow::buildMenus()
{
    fileMenu_ = menuBar()->addMenu(QString());
    newAction_ = fileMenu_->addAction(style()->standardIcon(QStyle::SP_FileDialogNewFolder), QString());
    openAction_ = fileMenu_->addAction(style()->standardIcon(QStyle::SP_DialogOpenButton), QString());
    openAction_->setShortcut(QKeySequence::Open);
    demoAction_ = fileMenu_->addAction(QString());
    recentMenu_ = fileMenu_->addMenu(QString());
    fileMenu_->addSeparator();
    quitAction_ = fileMenu_->addAction(QString());
    quitAction_->setShortcut(QKeySequence::Quit);

    connect(newAction_, &QAction::triggered, this, [this] {
        showPage(ProjectPageId);
        projectPage()->newProject();
    });
    connect(openAction_, &QAction::triggered, this, [this] {
        showPage(ProjectPageId);
        projectPage()->openProject();
    });
    connect(demoAction_, &QAction::triggered, this, [this] {
        showPage(ProjectPageId);
        projectPage()->createDemoProject();
    });
    connect(quitAction_, &QAction::triggered, this, &QWidget::close);

    languageMenu_ = menuBar()->addMenu(QString());
    auto* group = new QActionGroup(this);
    for (const QString& code : availableLanguages()) {
        QAction* action = languageMenu_->addAction(languageDisplayName(code));
        action->setCheckable(true);
        action->setData(code);
        action->setChecked(code == currentLanguage());
        group->addAction(action);
        connect(action, &QAction::triggered, this, [this, code] { setLanguage(code); });
    }

    helpMenu_ = menuBar()->addMenu(QString());
    aboutAction_ = helpMenu_->addAction(QString());
    connect(aboutAction_, &QAction::triggered, this, [this] {
        QMessageBox::about(this, tr("About Espalier"),
                           tr("<h3>Espalier %1</h3><p>A workbench for compressing, training and deploying "
                              "speech-recognition models.</p><p>Licensed under the GNU GPL, version 3 or later.</p>")
                               .arg(QApplication::applicationVersion()));
    });
}

bool MainWindow::openProject(const QString& dir)
{
    try {
        project_ = std::make_shared<project::Project>(project::Project::open(dir.toStdString()));
    } catch (const std::exception& e) {
        showError(this, tr("The project could not be opened"), e);
        AppSettings().removeRecentProject(dir);
        refreshRecentProjects();
        return false;
    }
    AppSettings().addRecentProject(QString::fromStdString(project_->dir()));
    refreshRecentProjects();
    for (Page* page : pages_)
        page->setProject(project_);
    retranslate();
    return true;
}

void MainWindow::showPage(int id)
{
    if (id < 0 || id >= int(pages_.size()))
        return;
    navigation_->setCurrentRow(id);
    stack_->setCurrentIndex(id);
}

int MainWindow::currentPage() const
{
    return stack_->currentIndex();
}

Page* MainWindow::page(int id) const
{
    return id >= 0 && id < int(pages_.size()) ? pages_[size_t(id)] : nullptr;
}

ProjectPage* MainWindow::projectPage() const
{
    return static_cast<ProjectPage*>(pages_[ProjectPageId]);
}

void MainWindow::setLanguage(const QString& code)
{
    if (applyLanguage(code))
        AppSettings().setLanguage(code);
    for (QAction* action : languageMenu_->actions())
        action->setChecked(action->data().toString() == currentLanguage());
}

void MainWindow::refreshRecentProjects()
{
    const QStringList recent = AppSettings().recentProjects();
    projectPage()->setRecentProjects(recent);
    recentMenu_->clear();
    for (const QString& dir : recent)
        recentMenu_->addAction(QDir::toNativeSeparators(dir), this, [this, dir] { openProject(dir); });
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    TaskManager& tasks = TaskManager::instance();
    if (tasks.count() > 0) {
        // Never drop running work silently: ask (without blocking), and close once it has stopped.
        event->ignore();
        if (!closeWhenTasksEnd_)
            askToStopTasks();
        return;
    }
    tasks.cancelAll();  // short reads still feeding views
    AppSettings settings;
    settings.setWindowLayout(saveGeometry(), saveState());
    settings.setCurrentPage(currentPage());
    QMainWindow::closeEvent(event);
}

void MainWindow::askToStopTasks()
{
    if (stopTasksBox_)
        return;
    QStringList titles;
    for (const Task* task : TaskManager::instance().tasks())
        titles << task->title();
    stopTasksBox_ = new QMessageBox(QMessageBox::Question, tr("Tasks are running"),
                                    (titles.size() == 1 ? tr("One task is still running: %1.")
                                                        : tr("%1 tasks are still running: %2.").arg(titles.size()))
                                        .arg(titles.join(tr(", "))),
                                    QMessageBox::NoButton, this);
    stopTasksBox_->setObjectName("stopTasksDialog");
    stopTasksBox_->setInformativeText(tr("Cancel them and quit? A training run writes a checkpoint first, so it can be "
                                         "resumed later."));
    QPushButton* stop = stopTasksBox_->addButton(tr("Cancel tasks and quit"), QMessageBox::AcceptRole);
    stop->setObjectName("stopTasksButton");
    stopTasksBox_->addButton(tr("Keep working"), QMessageBox::RejectRole)->setObjectName("keepTasksButton");
    stopTasksBox_->setAttribute(Qt::WA_DeleteOnClose);
    connect(stopTasksBox_, &QMessageBox::buttonClicked, this, [this, stop](QAbstractButton* button) {
        if (button != stop)
            return;
        closeWhenTasksEnd_ = true;
        statusBar()->showMessage(tr("Stopping the running tasks…"));
        taskDock_->show();
        TaskManager::instance().cancelAll();
    });
    connect(stopTasksBox_, &QObject::destroyed, this, [this] { stopTasksBox_ = nullptr; });
    stopTasksBox_->open();
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::retranslate()
{
    setWindowTitle(project_ ? tr("%1 — Espalier").arg(QString::fromStdString(project_->config().name))
                            : tr("Espalier"));
    taskDock_->setWindowTitle(tr("Tasks"));
    for (int i = 0; i < int(pages_.size()); ++i)
        navigation_->item(i)->setText(pages_[size_t(i)]->title());
    fileMenu_->setTitle(tr("&File"));
    newAction_->setText(tr("&New Project…"));
    openAction_->setText(tr("&Open Project…"));
    demoAction_->setText(tr("Create &Demo Project"));
    recentMenu_->setTitle(tr("&Recent Projects"));
    quitAction_->setText(tr("&Quit"));
    languageMenu_->setTitle(tr("&Language"));
    helpMenu_->setTitle(tr("&Help"));
    aboutAction_->setText(tr("&About Espalier"));
    projectLabel_->setText(project_ ? tr("Project: %1").arg(QDir::toNativeSeparators(QString::fromStdString(project_->dir())))
                                    : tr("No project open"));
}

} // namespace espalier::widgets
