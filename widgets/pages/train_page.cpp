#include "widgets/pages/train_page.h"

#include "core/job/shell_quote.h"
#include "core/project/project.h"
#include "core/train/run_record.h"
#include "core/train/train_job.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"
#include "widgets/models/run_table_model.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/training/new_run_form.h"

#include <QDesktopServices>
#include <QDir>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTableWidget>
#include <QUrl>
#include <QVBoxLayout>

#include <filesystem>

namespace espalier::widgets {

namespace {

// The plotted series, in grid order (TrainJob's metric names).
const char* const kSeries[] = {"loss", "lr", "dev_cer", "utterances_per_s", "loss_scale", "sparsity"};
// Drawn as the dashed reference line of another series' plot.
const char* const kTargetSparsity = "target_sparsity";

} // namespace

TrainPage::TrainPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);

    newRunBox_ = new QGroupBox(this);
    form_ = new NewRunForm(newRunBox_);
    formProblem_ = new QLabel(newRunBox_);
    formProblem_->setObjectName("formProblem");
    formProblem_->setWordWrap(true);
    formProblem_->setStyleSheet("color: #b42828;");
    formProblem_->hide();
    start_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), newRunBox_);
    start_->setObjectName("startRunButton");
    auto* newRunLayout = new QVBoxLayout(newRunBox_);
    newRunLayout->addWidget(form_);
    newRunLayout->addWidget(formProblem_);
    auto* startRow = new QHBoxLayout;
    startRow->addStretch(1);
    startRow->addWidget(start_);
    newRunLayout->addLayout(startRow);

    runsBox_ = new QGroupBox(this);
    runModel_ = new RunTableModel(this);
    runTable_ = new QTableView(runsBox_);
    runTable_->setObjectName("runTable");
    runTable_->setModel(runModel_);
    runTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    runTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    runTable_->verticalHeader()->hide();
    runTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    runTable_->horizontalHeader()->setStretchLastSection(true);
    pause_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPause), QString(), runsBox_);
    pause_->setObjectName("pauseRunButton");
    resume_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaSeekForward), QString(), runsBox_);
    resume_->setObjectName("resumeRunButton");
    command_ = new QPushButton(runsBox_);
    command_->setObjectName("runCommandButton");
    openFolder_ = new QPushButton(style()->standardIcon(QStyle::SP_DirOpenIcon), QString(), runsBox_);
    openFolder_->setObjectName("openRunFolderButton");
    auto* runButtons = new QHBoxLayout;
    for (QPushButton* b : {pause_, resume_, command_, openFolder_})
        runButtons->addWidget(b);
    runButtons->addStretch(1);
    auto* runsLayout = new QVBoxLayout(runsBox_);
    runsLayout->addWidget(runTable_, 1);
    runsLayout->addLayout(runButtons);

    auto* curves = new QWidget(this);
    auto* grid = new QGridLayout(curves);
    grid->setContentsMargins(0, 0, 0, 0);
    int cell = 0;
    for (const char* series : kSeries) {
        auto* plot = new MetricPlot(curves);
        plot->setObjectName(QStringLiteral("plot_%1").arg(series));
        plots_.insert(series, plot);
        grid->addWidget(plot, cell / 2, cell % 2);
        ++cell;
    }
    plots_["loss"]->setLogScale(true);  // the first steps are orders of magnitude above the rest
    plots_["loss_scale"]->setLogScale(true);
    plots_["dev_cer"]->setValueFormat(MetricPlot::ValueFormat::Percent);
    plots_["sparsity"]->setValueFormat(MetricPlot::ValueFormat::Percent);
    testsBox_ = new QGroupBox(this);
    testTable_ = new QTableWidget(0, 6, testsBox_);
    testTable_->setObjectName("testTable");
    testTable_->verticalHeader()->hide();
    testTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    testTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    testTable_->horizontalHeader()->setStretchLastSection(true);
    auto* testsLayout = new QVBoxLayout(testsBox_);
    testsLayout->setContentsMargins(4, 4, 4, 4);
    testsLayout->addWidget(testTable_);

    // Top: the form beside the curves; below: every run of the project, full width.
    auto* top = makeSplitter(Qt::Horizontal, {newRunBox_, curves}, {0, 1}, {}, this);
    auto* bottom = makeSplitter(Qt::Horizontal, {runsBox_, testsBox_}, {3, 1}, {640, 440}, this);
    auto* splitter = makeSplitter(Qt::Vertical, {top, bottom}, {3, 1}, {520, 220}, this);

    controller_ = new JobController(this);
    jobPanel_ = new JobPanel(this);
    jobPanel_->setController(controller_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);
    layout->addWidget(jobPanel_);

    connect(start_, &QPushButton::clicked, this, &TrainPage::startRun);
    connect(pause_, &QPushButton::clicked, this, &TrainPage::pauseRun);
    connect(resume_, &QPushButton::clicked, this, &TrainPage::resumeRun);
    connect(command_, &QPushButton::clicked, this, [this] { showCommandDialog(this, runCommand()); });
    connect(openFolder_, &QPushButton::clicked, this,
            [this] { QDesktopServices::openUrl(QUrl::fromLocalFile(shownRun_)); });
    connect(form_, &NewRunForm::changed, this, [this] { formProblem_->hide(); });
    connect(runTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this, [this](const QModelIndex& index) {
        if (index.isValid())
            showRun(runModel_->data(index, RunTableModel::RunDirRole).toString());
    });
    connect(controller_, &JobController::metric, this, &TrainPage::onMetric);
    connect(controller_, &JobController::finished, this,
            [this](JobController::State outcome, const QString& message) { onFinished(int(outcome), message); });
    retranslate();
    updateButtons();
}

TrainPage::~TrainPage() = default;

QString TrainPage::title() const
{
    return tr("Train");
}

QIcon TrainPage::icon() const
{
    return style()->standardIcon(QStyle::SP_MediaPlay);
}

void TrainPage::retranslate()
{
    heading_->setText(tr("Train"));
    newRunBox_->setTitle(tr("New run"));
    start_->setText(tr("Start training"));
    runsBox_->setTitle(tr("Runs of this project"));
    pause_->setText(tr("Pause"));
    pause_->setToolTip(tr("Write a checkpoint and stop; Resume continues the same run."));
    resume_->setText(tr("Resume"));
    command_->setText(tr("Show command"));
    openFolder_->setText(tr("Open folder"));
    testsBox_->setTitle(tr("CER per test set (best checkpoint)"));
    // compute-cer's letters: reference characters N, substitutions S, deletions D, insertions I.
    testTable_->setHorizontalHeaderLabels({tr("Test set"), tr("CER"), "N", "S", "D", "I"});
    const QStringList tips = {QString(), tr("(S + D + I) / N"), tr("Reference characters"), tr("Substitutions"),
                              tr("Deletions"), tr("Insertions")};
    for (int c = 0; c < tips.size(); ++c)
        testTable_->horizontalHeaderItem(c)->setToolTip(tips[c]);
    plots_["loss"]->setValueLabel(tr("Loss"));
    plots_["loss"]->setToolTip(tr("CTC loss per utterance, mean over the logged steps"));
    plots_["lr"]->setValueLabel(tr("Learning rate"));
    plots_["loss_scale"]->setValueLabel(tr("Loss scale"));
    plots_["loss_scale"]->setToolTip(tr("The fp16 loss scale (1 in fp32 and bf16)"));
    plots_["utterances_per_s"]->setValueLabel(tr("Utt / s"));
    plots_["utterances_per_s"]->setToolTip(tr("Training throughput in utterances per second"));
    plots_["dev_cer"]->setValueLabel(tr("Dev CER (%)"));
    plots_["sparsity"]->setValueLabel(tr("Sparsity (%)"));
    plots_["sparsity"]->setToolTip(tr("Zeros the pruning masks impose (solid) and the recipe's target (dashed)"));
    plots_["sparsity"]->setEmptyText(tr("No pruning in this run"));
    runModel_->retranslate();
}

void TrainPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    std::vector<std::pair<QString, QString>> corpora;
    if (project_) {
        for (const project::CorpusEntry& c : project_->config().corpora)
            corpora.emplace_back(QString::fromStdString(c.name), QString::fromStdString(project_->absoluteCorpusPath(c)));
    }
    form_->setCorpora(corpora);
    refreshRuns();
    if (shownRun_.isEmpty() || runModel_->rowOf(shownRun_) < 0) {
        if (runModel_->rowCount() > 0)
            selectRun(QString::fromStdString(runModel_->runAt(0).dir));
        else
            showRun({});
    }
    updateButtons();
}

void TrainPage::refreshRuns()
{
    const QString keep = shownRun_;
    runModel_->setRuns(project_ ? train::listRuns(project_->runsDir()) : std::vector<train::RunRecord>{});
    runModel_->setActiveRun(activeRun_);
    const int row = runModel_->rowOf(keep);
    if (row >= 0) {
        const QSignalBlocker block(runTable_->selectionModel());
        runTable_->selectRow(row);
    }
}

bool TrainPage::selectRun(const QString& dir)
{
    const int row = runModel_->rowOf(dir);
    if (row < 0)
        return false;
    runTable_->selectRow(row);
    if (shownRun_ != dir)
        showRun(dir);
    return true;
}

void TrainPage::showRun(const QString& dir)
{
    shownRun_ = dir;
    loadCurves(dir);
    showTests(dir);
    updateButtons();
}

void TrainPage::loadCurves(const QString& dir)
{
    const auto series = dir.isEmpty() ? std::map<std::string, std::vector<train::CurvePoint>>{}
                                      : train::readMetricSeries(train::RunPaths(dir.toStdString()).metrics());
    for (auto it = plots_.begin(); it != plots_.end(); ++it) {
        QVector<double> steps, values;
        if (const auto found = series.find(it.key().toStdString()); found != series.end()) {
            for (const train::CurvePoint& p : found->second) {
                steps << p.step;
                values << p.value;
            }
        }
        it.value()->setPoints(steps, values);
    }
    QVector<double> steps, values;
    if (const auto found = series.find(kTargetSparsity); found != series.end()) {
        for (const train::CurvePoint& p : found->second) {
            steps << p.step;
            values << p.value;
        }
    }
    plots_["sparsity"]->setReferencePoints(steps, values);
}

void TrainPage::showTests(const QString& dir)
{
    testTable_->setRowCount(0);
    const int row = runModel_->rowOf(dir);
    if (row < 0)
        return;
    for (const auto& [name, t] : runModel_->runAt(row).tests) {
        const int r = testTable_->rowCount();
        testTable_->insertRow(r);
        const QStringList cells = {QString::fromStdString(name), formatCer(t.cer), QString::number(t.n),
                                   QString::number(t.s), QString::number(t.d), QString::number(t.i)};
        for (int c = 0; c < cells.size(); ++c) {
            auto* item = new QTableWidgetItem(cells[c]);
            if (c > 0)
                item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            testTable_->setItem(r, c, item);
        }
    }
}

void TrainPage::updateButtons()
{
    const bool running = controller_->isRunning();
    const int row = runModel_->rowOf(shownRun_);
    const bool paused = row >= 0 && runModel_->runAt(row).state == train::RunState::Stopped;
    start_->setEnabled(!running && project_);
    pause_->setEnabled(running);
    resume_->setEnabled(!running && paused);
    command_->setEnabled(row >= 0);
    openFolder_->setEnabled(row >= 0);
}

QString TrainPage::runCommand() const
{
    if (controller_->isRunning() && shownRun_ == activeRun_)
        return controller_->cliCommand();
    const int row = runModel_->rowOf(shownRun_);
    if (row < 0)
        return {};
    const bool paused = runModel_->runAt(row).state == train::RunState::Stopped;
    const train::RunPaths paths(shownRun_.toStdString());
    std::vector<std::string> argv = {"espalier-cli", "train", "--config", paths.config(), "--out", paths.dir};
    if (paused)
        argv.push_back("--resume");
    return QString::fromStdString(job::shellJoin(argv));
}

bool TrainPage::startRun()
{
    if (!project_ || controller_->isRunning())
        return false;
    train::TrainConfig config;
    try {
        config = form_->config();
    } catch (const std::exception& e) {
        formProblem_->setText(QString::fromUtf8(e.what()));
        formProblem_->show();
        return false;
    }
    const std::string runsDir = project_->runsDir();
    const std::string dir = runsDir + "/" + train::newRunId(runsDir, config.name);
    try {
        std::filesystem::create_directories(dir);
        config.save(train::RunPaths(dir).config());  // the run is listed (and reproducible) from now on
    } catch (const std::exception& e) {
        showError(this, tr("The run could not be created"), e);
        return false;
    }
    return launch(QString::fromStdString(dir), false);
}

bool TrainPage::resumeRun()
{
    if (controller_->isRunning() || shownRun_.isEmpty() || !train::isResumableRun(shownRun_.toStdString()))
        return false;
    return launch(shownRun_, true);
}

bool TrainPage::launch(const QString& dir, bool resume)
{
    std::unique_ptr<train::TrainJob> job;
    try {
        const train::RunPaths paths(dir.toStdString());
        job = std::make_unique<train::TrainJob>(train::TrainConfig::load(paths.config()), paths.dir, resume);
    } catch (const std::exception& e) {
        showError(this, tr("The run could not be started"), e);
        return false;
    }
    if (!controller_->start(std::move(job)))
        return false;
    activeRun_ = dir;
    refreshRuns();
    selectRun(dir);
    curvesStale_ = resume;
    updateButtons();
    return true;
}

void TrainPage::pauseRun()
{
    controller_->cancel();
}

void TrainPage::onMetric(const QString& series, double step, double value)
{
    if (shownRun_ != activeRun_)
        return;
    if (curvesStale_) {
        // The resumed job has dropped its metrics lines after the checkpoint by now: redraw from the file.
        curvesStale_ = false;
        loadCurves(shownRun_);
    }
    if (series == kTargetSparsity) {
        MetricPlot* sparsity = plots_["sparsity"];
        if (sparsity->referenceSteps().isEmpty() || step > sparsity->referenceSteps().back())
            sparsity->addReferencePoint(step, value);
        return;
    }
    MetricPlot* plot = plots_.value(series);
    if (!plot)
        return;
    if (plot->pointCount() > 0 && step <= plot->lastStep())
        return;  // drawn from the file already
    plot->addPoint(step, value);
}

void TrainPage::onFinished(int outcome, const QString& message)
{
    activeRun_.clear();
    refreshRuns();
    showRun(shownRun_);
    updateButtons();
    if (JobController::State(outcome) == JobController::State::Failed)
        showError(this, tr("Training failed"), message);
    emit runEnded();
}

} // namespace espalier::widgets
