#include "widgets/results/studies_panel.h"

#include "core/job/shell_quote.h"
#include "core/project/project.h"
#include "core/report/renderers.h"
#include "core/study/study.h"
#include "core/study/study_job.h"
#include "core/train/train_job.h"
#include "widgets/command_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"
#include "widgets/run_in_background.h"

#include <QAbstractItemView>
#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>

namespace espalier::widgets {

namespace {

constexpr int kPollMs = 2000;  // how often the cells' run folders are read again while shown

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QString percent(double fraction)
{
    return QString::fromStdString(report::percentText(fraction));
}

QString stateText(study::CellState state)
{
    switch (state) {
    case study::CellState::Queued: return StudiesPanel::tr("queued");
    case study::CellState::Running: return StudiesPanel::tr("running");
    case study::CellState::Interrupted: return StudiesPanel::tr("interrupted");
    case study::CellState::Done: return StudiesPanel::tr("done");
    case study::CellState::Failed: return StudiesPanel::tr("failed");
    case study::CellState::Conflict: return StudiesPanel::tr("conflict");
    }
    return {};
}

QColor stateColor(study::CellState state)
{
    switch (state) {
    case study::CellState::Running: return QColor(214, 234, 255);
    case study::CellState::Interrupted: return QColor(255, 241, 204);
    case study::CellState::Done: return QColor(220, 242, 220);
    case study::CellState::Failed:
    case study::CellState::Conflict: return QColor(250, 215, 215);
    case study::CellState::Queued: break;
    }
    return {};
}

} // namespace

struct StudiesPanel::Loaded {
    std::vector<std::pair<std::string, std::string>> studies;  // name, "4/6 done"
    std::string current;
    std::vector<std::string> axes;
    std::vector<study::CellStatus> cells;
    std::string error;
};

StudiesPanel::StudiesPanel(QWidget* parent) : QWidget(parent)
{
    studyLabel_ = new QLabel(this);
    studies_ = new QComboBox(this);
    studies_->setObjectName("studyBox");
    summary_ = new QLabel(this);
    summary_->setObjectName("studySummary");
    runButton_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), this);
    runButton_->setObjectName("runStudyButton");
    stopButton_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QString(), this);
    stopButton_->setObjectName("stopStudyButton");
    commandButton_ = new QPushButton(this);
    commandButton_->setObjectName("studyCommandButton");
    auto* controls = new QHBoxLayout;
    controls->addWidget(studyLabel_);
    controls->addWidget(studies_, 1);
    controls->addWidget(summary_, 1);
    controls->addWidget(runButton_);
    controls->addWidget(stopButton_);
    controls->addWidget(commandButton_);

    cells_ = new QTableWidget(this);
    cells_->setObjectName("studyCellTable");
    cells_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    cells_->setSelectionMode(QAbstractItemView::NoSelection);
    cells_->verticalHeader()->hide();
    cells_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    cells_->horizontalHeader()->setStretchLastSection(true);
    empty_ = new QLabel(this);
    empty_->setObjectName("studiesEmpty");
    empty_->setWordWrap(true);
    empty_->setTextInteractionFlags(Qt::TextSelectableByMouse);

    controller_ = new JobController(this);
    jobPanel_ = new JobPanel(this);
    jobPanel_->setController(controller_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(controls);
    layout->addWidget(empty_);
    layout->addWidget(cells_, 1);
    layout->addWidget(jobPanel_);

    poll_ = new QTimer(this);
    poll_->setInterval(kPollMs);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    connect(studies_, &QComboBox::currentIndexChanged, this, [this] {
        shown_.clear();
        reload();
    });
    connect(runButton_, &QPushButton::clicked, this, &StudiesPanel::runStudy);
    connect(stopButton_, &QPushButton::clicked, controller_, &JobController::cancel);
    connect(commandButton_, &QPushButton::clicked, this, [this] { showCommandDialog(this, runCommand()); });
    connect(controller_, &JobController::stageChanged, this, [this] { reload(); });
    connect(controller_, &JobController::finished, this, [this] {
        reload();
        updateButtons();
    });
    retranslate();
    updateButtons();
}

StudiesPanel::~StudiesPanel() = default;

void StudiesPanel::setProject(std::shared_ptr<const project::Project> project)
{
    project_ = std::move(project);
    ++generation_;
    loading_ = false;
    shown_.clear();
    shownWithRuns_.clear();
    studies_->clear();
    cells_->setRowCount(0);
    if (project_) {
        poll_->start();
        reload();
    } else {
        poll_->stop();
    }
    updateButtons();
}

QString StudiesPanel::currentStudy() const
{
    return studies_->currentData().toString();
}

QStringList StudiesPanel::currentRunIds() const
{
    QStringList ids;
    for (const study::CellStatus& c : shown_)
        ids << text(c.runId);
    return ids;
}

QString StudiesPanel::runCommand() const
{
    if (!project_ || currentStudy().isEmpty())
        return {};
    return text(job::shellJoin({"espalier-cli", "study", "run", currentStudy().toStdString(), "--project", project_->dir()}));
}

bool StudiesPanel::runStudy()
{
    if (!project_ || currentStudy().isEmpty() || controller_->isRunning())
        return false;
    try {
        auto job = std::make_unique<study::StudyJob>(
            study::Study::open(project_->dir(), currentStudy().toStdString()),
            [](const study::StudyCell& cell, const std::string& runDir, bool resume) {
                return std::make_unique<train::TrainJob>(cell.config, runDir, resume);
            });
        const bool started = controller_->start(std::move(job));
        updateButtons();
        return started;
    } catch (const std::exception& e) {
        problem_ = QString::fromUtf8(e.what());
        empty_->setText(problem_);
        empty_->show();
        return false;
    }
}

void StudiesPanel::reload()
{
    if (!project_)
        return;
    if (loading_) {
        reloadAgain_ = true;
        return;
    }
    loading_ = true;
    runInBackground<Loaded>(
        this, tr("Read the studies"),
        [dir = project_->dir(), wanted = currentStudy().toStdString()]() -> Loaded {
            Loaded l;
            try {
                for (const std::string& name : study::Study::list(dir)) {
                    std::string summary;
                    try {
                        const study::Study s = study::Study::open(dir, name);
                        const auto cells = study::studyStatus(s);
                        const int done = study::countOf(study::countStates(cells), study::CellState::Done);
                        summary = std::to_string(done) + "/" + std::to_string(cells.size());
                        if (name == wanted || (wanted.empty() && l.current.empty())) {
                            l.current = name;
                            for (const study::StudyAxis& axis : s.definition().axes)
                                l.axes.push_back(axis.key);
                            l.cells = cells;
                        }
                    } catch (const std::exception& e) {
                        summary = "!";
                        if (name == wanted || (wanted.empty() && l.current.empty())) {
                            l.current = name;  // stays chosen, with its problem shown
                            l.error = e.what();
                        }
                    }
                    l.studies.push_back({name, summary});
                }
            } catch (const std::exception& e) {
                l.error = e.what();
            }
            return l;
        },
        [this, generation = generation_, wanted = currentStudy()](const Loaded& l) {
            if (generation != generation_)
                return;  // read for a project no longer shown
            loading_ = false;
            if (!reloadAgain_ || wanted == currentStudy())
                showLoaded(l);
            if (reloadAgain_) {
                reloadAgain_ = false;
                reload();
            }
        });
}

void StudiesPanel::showLoaded(const Loaded& l)
{
    {
        // Rebuilt only when the studies changed, and never under an open list: the user may be choosing.
        const QSignalBlocker block(studies_);
        QStringList names;
        for (const auto& study : l.studies)
            names << text(study.first);
        QStringList listed;
        for (int i = 0; i < studies_->count(); ++i)
            listed << studies_->itemData(i).toString();
        if (names != listed && !studies_->view()->isVisible()) {
            studies_->clear();
            for (const QString& name : names)
                studies_->addItem(name, name);
            studies_->setCurrentIndex(std::max(0, studies_->findData(text(l.current))));
        }
        for (int i = 0; i < studies_->count() && i < int(names.size()); ++i)
            if (studies_->itemData(i).toString() == names[i])
                studies_->setItemText(i, tr("%1  (%2 done)").arg(names[i], text(l.studies[size_t(i)].second)));
    }
    problem_ = text(l.error);
    if (l.studies.empty())
        empty_->setText(tr("No studies in this project yet. A study is a grid of runs over a base config, for example "
                           "sparsity × seed:\n%1")
                            .arg(text(job::shellJoin({"espalier-cli", "study", "create", "sparsity", "--project",
                                                         project_ ? project_->dir() : "P", "--base", "small", "--corpus",
                                                         "demo", "--axis", "recipe=null,recipes/s50.yaml", "--axis",
                                                         "seed=1,2,3"}))));
    else
        empty_->setText(problem_);
    empty_->setVisible(l.studies.empty() || !problem_.isEmpty());

    std::map<study::CellState, int> counts = study::countStates(l.cells);
    QStringList parts;
    for (const auto& [state, n] : counts)
        parts << QString("%1 %2").arg(n).arg(stateText(state));
    summary_->setText(parts.join(", "));

    const bool changed = l.cells.size() != shown_.size()
        || !std::equal(l.cells.begin(), l.cells.end(), shown_.begin(), [](const study::CellStatus& a, const study::CellStatus& b) {
               return a.runId == b.runId && a.state == b.state && a.stepsDone == b.stepsDone && a.testCer == b.testCer
                   && a.bestDevCer == b.bestDevCer;
           });
    QStringList axes;
    for (const std::string& a : l.axes)
        axes << text(a);
    if (changed || axes != shownAxes_) {
        shown_ = l.cells;
        shownAxes_ = axes;
        QStringList tests;
        for (const study::CellStatus& c : l.cells)
            for (const auto& [name, cer] : c.testCer)
                if (!tests.contains(text(name)))
                    tests << text(name);
        QStringList header = {tr("Run")};
        header << axes << tr("State") << tr("Progress") << tr("Best dev CER");
        for (const QString& t : tests)
            header << tr("CER %1").arg(t);
        cells_->setRowCount(0);  // removes the rows' progress bars too
        cells_->setColumnCount(int(header.size()));
        cells_->setHorizontalHeaderLabels(header);
        cells_->setRowCount(int(l.cells.size()));
        for (int row = 0; row < int(l.cells.size()); ++row) {
            const study::CellStatus& c = l.cells[size_t(row)];
            int col = 0;
            const auto put = [&](const QString& value, bool number = false) {
                auto* item = new QTableWidgetItem(value);
                if (number)
                    item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
                if (const QColor color = stateColor(c.state); color.isValid())
                    item->setBackground(color);
                cells_->setItem(row, col++, item);
            };
            put(text(c.runId));
            for (const auto& value : c.values)
                put(text(value.second));
            put(stateText(c.state));
            if (!c.error.empty())
                cells_->item(row, col - 1)->setToolTip(text(c.error));
            auto* bar = new QProgressBar(cells_);
            bar->setRange(0, 1000);
            const double fraction = c.state == study::CellState::Done ? 1.0
                : c.plannedSteps > 0                                   ? std::min(1.0, double(c.stepsDone) / double(c.plannedSteps))
                                                                       : 0.0;
            bar->setValue(int(fraction * 1000));
            bar->setFormat(c.plannedSteps > 0 ? QString("%1 / %2").arg(c.stepsDone).arg(c.plannedSteps) : QString::number(c.stepsDone));
            cells_->setCellWidget(row, col++, bar);
            put(c.bestDevCer ? percent(*c.bestDevCer) : QString(), true);
            for (const QString& t : tests) {
                const auto it = c.testCer.find(t.toStdString());
                put(it != c.testCer.end() ? percent(it->second) : QString(), true);
            }
        }
    }
    // The comparison below follows the study's runs: announced when a study is chosen or a cell gets
    // its run, not at every step (the user's own selection stays otherwise).
    QStringList withRuns;
    for (const study::CellStatus& c : l.cells)
        if (c.state != study::CellState::Queued && c.state != study::CellState::Conflict)
            withRuns << text(c.runId);
    if (withRuns != shownWithRuns_) {
        shownWithRuns_ = withRuns;
        emit studyRunsChanged(withRuns);
    }
    updateButtons();
    emit loaded();
}

void StudiesPanel::updateButtons()
{
    const bool running = controller_->isRunning();
    runButton_->setEnabled(project_ && !currentStudy().isEmpty() && !running);
    stopButton_->setEnabled(running);
    commandButton_->setEnabled(!currentStudy().isEmpty());
}

void StudiesPanel::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void StudiesPanel::retranslate()
{
    studyLabel_->setText(tr("Study:"));
    runButton_->setText(tr("Run"));
    runButton_->setToolTip(tr("Run the cells not yet done, resuming interrupted ones"));
    stopButton_->setText(tr("Stop"));
    stopButton_->setToolTip(tr("Stop the running cell with a checkpoint; Run continues it"));
    commandButton_->setText(tr("Show command"));
    shown_.clear();
    if (project_)
        reload();
}

} // namespace espalier::widgets
