#include "widgets/job_panel.h"

#include "core/job/job.h"
#include "widgets/command_dialog.h"
#include "widgets/job_controller.h"

#include <QEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QToolButton>
#include <QVBoxLayout>

#include <cmath>

namespace espalier::widgets {

QString formatEta(double seconds)
{
    return QString::fromStdString(job::formatDuration(seconds));
}

JobPanel::JobPanel(QWidget* parent) : QWidget(parent)
{
    title_ = new QLabel(this);
    title_->setObjectName("jobTitle");
    QFont bold = title_->font();
    bold.setBold(true);
    title_->setFont(bold);
    stage_ = new QLabel(this);
    stage_->setObjectName("jobStage");
    bar_ = new QProgressBar(this);
    bar_->setObjectName("jobProgress");
    bar_->setRange(0, 1000);
    bar_->setTextVisible(false);
    eta_ = new QLabel(this);
    eta_->setObjectName("jobEta");
    cancel_ = new QPushButton(this);
    cancel_->setObjectName("jobCancel");
    command_ = new QPushButton(this);
    command_->setObjectName("jobCommand");
    logToggle_ = new QToolButton(this);
    logToggle_->setCheckable(true);
    logToggle_->setArrowType(Qt::RightArrow);
    logToggle_->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    log_ = new QPlainTextEdit(this);
    log_->setObjectName("jobLog");
    log_->setReadOnly(true);
    log_->setMaximumBlockCount(2000);
    log_->setVisible(false);
    log_->setMaximumHeight(140);

    auto* row = new QHBoxLayout;
    row->addWidget(title_);
    row->addWidget(stage_, 1);
    row->addWidget(eta_);
    auto* row2 = new QHBoxLayout;
    row2->addWidget(bar_, 1);
    row2->addWidget(cancel_);
    row2->addWidget(command_);
    row2->addWidget(logToggle_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(row);
    layout->addLayout(row2);
    layout->addWidget(log_);

    connect(logToggle_, &QToolButton::toggled, this, [this](bool on) {
        log_->setVisible(on);
        logToggle_->setArrowType(on ? Qt::DownArrow : Qt::RightArrow);
    });
    connect(command_, &QPushButton::clicked, this, [this] {
        if (controller_)
            showCommandDialog(this, controller_->cliCommand());
    });
    retranslate();
    setVisible(false);
}

void JobPanel::setController(JobController* controller)
{
    if (controller_)
        disconnect(controller_, nullptr, this, nullptr);
    controller_ = controller;
    if (!controller_)
        return;
    connect(controller_, &JobController::started, this, &JobPanel::onStarted);
    connect(controller_, &JobController::stageChanged, this,
            [this](const QString& stage, int index, int count) {
                stage_->setText(tr("%1 (step %2 of %3)").arg(stage).arg(index + 1).arg(count));
            });
    connect(controller_, &JobController::progressChanged, this, &JobPanel::onProgress);
    connect(controller_, &JobController::logLine, this, [this](int, const QString& line) { log_->appendPlainText(line); });
    connect(controller_, &JobController::finished, this,
            [this](JobController::State outcome, const QString& message) { onFinished(int(outcome), message); });
    connect(cancel_, &QPushButton::clicked, controller_, &JobController::cancel);
}

void JobPanel::onStarted(const QString& title)
{
    setVisible(true);
    title_->setText(title);
    stage_->clear();
    bar_->setValue(0);
    log_->clear();
    cancel_->setEnabled(true);
    eta_->setText(tr("ETA %1").arg(formatEta(-1)));
}

void JobPanel::onProgress(double fraction, double eta, qint64 done, qint64 total)
{
    bar_->setValue(int(fraction * 1000));
    const QString counts = total > 0 ? QStringLiteral("%1/%2  ").arg(done).arg(total) : QString();
    eta_->setText(counts + tr("ETA %1").arg(formatEta(eta)));
}

void JobPanel::onFinished(int outcome, const QString& message)
{
    cancel_->setEnabled(false);
    switch (JobController::State(outcome)) {
    case JobController::State::Succeeded:
        bar_->setValue(1000);
        eta_->setText(tr("Done"));
        break;
    case JobController::State::Cancelled:
        eta_->setText(tr("Cancelled"));
        break;
    default:
        eta_->setText(tr("Failed"));
        log_->appendPlainText(message);
        break;
    }
}

void JobPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void JobPanel::retranslate()
{
    cancel_->setText(tr("Cancel"));
    command_->setText(tr("Show command"));
    logToggle_->setText(tr("Log"));
}

} // namespace espalier::widgets
