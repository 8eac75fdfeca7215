#include "widgets/pages/project_page.h"

#include "core/project/demo_project.h"
#include "core/project/project.h"
#include "widgets/app_settings.h"
#include "widgets/error_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"

#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QInputDialog>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QStyle>
#include <QVBoxLayout>

namespace espalier::widgets {

ProjectPage::ProjectPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);
    summary_ = new QLabel(this);
    summary_->setObjectName("projectSummary");
    summary_->setWordWrap(true);
    summary_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    welcome_ = new QGroupBox(this);
    welcomeText_ = new QLabel(welcome_);
    welcomeText_->setWordWrap(true);
    demoButton_ = new QPushButton(welcome_);
    demoButton_->setObjectName("createDemoButton");
    auto* welcomeLayout = new QVBoxLayout(welcome_);
    welcomeLayout->addWidget(welcomeText_);
    auto* demoRow = new QHBoxLayout;
    demoRow->addWidget(demoButton_);
    demoRow->addStretch(1);
    welcomeLayout->addLayout(demoRow);

    newButton_ = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogNewFolder), QString(), this);
    newButton_->setObjectName("newProjectButton");
    openButton_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QString(), this);
    openButton_->setObjectName("openProjectButton");
    recentLabel_ = new QLabel(this);
    recent_ = new QListWidget(this);
    recent_->setObjectName("recentProjects");

    controller_ = new JobController(this);
    jobPanel_ = new JobPanel(this);
    jobPanel_->setController(controller_);

    auto* buttons = new QHBoxLayout;
    buttons->addWidget(newButton_);
    buttons->addWidget(openButton_);
    buttons->addStretch(1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(24, 24, 24, 24);
    layout->addWidget(heading_);
    layout->addWidget(summary_);
    layout->addWidget(welcome_);
    layout->addLayout(buttons);
    layout->addWidget(jobPanel_);
    layout->addWidget(recentLabel_);
    layout->addWidget(recent_, 1);

    connect(newButton_, &QPushButton::clicked, this, &ProjectPage::newProject);
    connect(openButton_, &QPushButton::clicked, this, &ProjectPage::openProject);
    connect(demoButton_, &QPushButton::clicked, this, [this] { createDemoProject(); });
    connect(recent_, &QListWidget::itemActivated, this,
            [this](QListWidgetItem* item) { emit openProjectRequested(item->data(Qt::UserRole).toString()); });
    connect(controller_, &JobController::finished, this, [this](JobController::State outcome, const QString& message) {
        demoButton_->setEnabled(true);
        if (outcome == JobController::State::Succeeded)
            emit openProjectRequested(pendingDemoDir_);
        else if (outcome == JobController::State::Failed)
            showError(this, tr("The demo project could not be created"), message);
    });
    retranslate();
}

QString ProjectPage::title() const
{
    return tr("Project");
}

QIcon ProjectPage::icon() const
{
    return style()->standardIcon(QStyle::SP_DirHomeIcon);
}

void ProjectPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    updateSummary();
}

void ProjectPage::setRecentProjects(const QStringList& dirs)
{
    recent_->clear();
    for (const QString& dir : dirs) {
        auto* item = new QListWidgetItem(QDir::toNativeSeparators(dir), recent_);
        item->setData(Qt::UserRole, dir);
        item->setIcon(style()->standardIcon(QStyle::SP_DirIcon));
    }
    recentLabel_->setVisible(!dirs.isEmpty());
    recent_->setVisible(!dirs.isEmpty());
}

void ProjectPage::createDemoProject(const QString& dir, int utterances)
{
    if (controller_->isRunning())
        return;
    pendingDemoDir_ = dir.isEmpty() ? AppSettings::defaultDemoProjectDir() : dir;
    project::DemoProjectOptions options;
    options.dir = QDir(pendingDemoDir_).absolutePath().toStdString();
    options.utterances = utterances;
    demoButton_->setEnabled(false);
    controller_->start(std::make_unique<project::DemoProjectJob>(options));
}

void ProjectPage::newProject()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Choose an empty folder for the new project"));
    if (dir.isEmpty())
        return;
    bool ok = false;
    const QString name = QInputDialog::getText(this, tr("New project"), tr("Project name:"), QLineEdit::Normal,
                                               QDir(dir).dirName(), &ok);
    if (!ok || name.trimmed().isEmpty())
        return;
    try {
        project::Project::create(dir.toStdString(), name.trimmed().toStdString());
        emit openProjectRequested(dir);
    } catch (const std::exception& e) {
        showError(this, tr("The project could not be created"), e);
    }
}

void ProjectPage::openProject()
{
    const QString dir = QFileDialog::getExistingDirectory(this, tr("Open a project folder"));
    if (!dir.isEmpty())
        emit openProjectRequested(dir);
}

void ProjectPage::updateSummary()
{
    const project::Project* p = project();
    if (!p) {
        summary_->setText(tr("No project is open. Create one, open a folder, or start with the demo project."));
        welcome_->setVisible(true);
        return;
    }
    QString text = tr("<b>%1</b><br>Folder: %2<br>Sample rate: %3 Hz")
                       .arg(QString::fromStdString(p->config().name).toHtmlEscaped(),
                            QDir::toNativeSeparators(QString::fromStdString(p->dir())).toHtmlEscaped())
                       .arg(p->config().sampleRate);
    if (p->config().corpora.empty()) {
        text += QStringLiteral("<br>") + tr("No corpora yet.");
    } else {
        text += QStringLiteral("<br>") + tr("Corpora:") + QStringLiteral("<ul>");
        for (const auto& c : p->config().corpora)
            text += QStringLiteral("<li>%1 — %2</li>")
                        .arg(QString::fromStdString(c.name).toHtmlEscaped(),
                             QDir::toNativeSeparators(QString::fromStdString(p->absoluteCorpusPath(c))).toHtmlEscaped());
        text += QStringLiteral("</ul>");
    }
    summary_->setText(text);
    welcome_->setVisible(false);
}

void ProjectPage::retranslate()
{
    heading_->setText(tr("Project"));
    welcome_->setTitle(tr("Welcome to Espalier"));
    welcomeText_->setText(tr("No data of your own yet? The demo project synthesises a small Mandarin corpus with "
                             "espeak-ng (several voices, rates and pitches), a Cantonese dialect subset and a noisy "
                             "subset, split into train, dev and three test sets, so every step of the workflow can be "
                             "tried at once."));
    demoButton_->setText(tr("Create demo project"));
    newButton_->setText(tr("New project…"));
    openButton_->setText(tr("Open project…"));
    recentLabel_->setText(tr("Recent projects"));
    updateSummary();
}

} // namespace espalier::widgets
