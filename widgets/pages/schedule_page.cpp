#include "widgets/pages/schedule_page.h"

#include "core/job/shell_quote.h"
#include "core/job/job.h"
#include "core/project/project.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "core/train/model_stats.h"
#include "core/train/run_record.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/run_in_background.h"

#include <QComboBox>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QListWidget>
#include <QMenu>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QToolButton>
#include <QVBoxLayout>

#include <filesystem>

namespace espalier::widgets {

namespace {

// A new stage of `type` with the field's usual starting values.
EditedStage defaultStage(EditedStage::Type type)
{
    EditedStage s;
    s.type = type;
    switch (type) {
    case EditedStage::Type::Unstructured:
        s.unstructured.schedule.final = 0.7;
        s.unstructured.schedule.begin = 1000;
        s.unstructured.schedule.end = 3000;
        s.unstructured.schedule.frequency = 100;
        break;
    case EditedStage::Type::Structured:
        s.structured.schedule.shape = prune::ScheduleShape::Linear;
        s.structured.schedule.unit = prune::ScheduleUnit::Epochs;
        s.structured.schedule.final = 0.5;
        s.structured.schedule.begin = 2;
        s.structured.schedule.end = 12;
        s.structured.schedule.frequency = 1;
        break;
    case EditedStage::Type::Dynamic:
        s.dynamic.schedule.shape = prune::ScheduleShape::Constant;
        s.dynamic.schedule.final = 0.7;
        s.dynamic.schedule.begin = 500;
        s.dynamic.schedule.end = 3000;
        s.dynamic.schedule.frequency = 100;
        break;
    case EditedStage::Type::Layer: s.layer.drop = 1; break;
    }
    return s;
}

QString percent(double v)
{
    return QString::number(100.0 * v, 'f', 1) + " %";
}

} // namespace

SchedulePage::SchedulePage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);

    stagesBox_ = new QGroupBox(this);
    stageList_ = new QListWidget(stagesBox_);
    stageList_->setObjectName("stageList");
    stageList_->setMaximumHeight(110);
    addStage_ = new QToolButton(stagesBox_);
    addStage_->setObjectName("addStageButton");
    addStage_->setPopupMode(QToolButton::InstantPopup);
    addStage_->setMenu(new QMenu(addStage_));
    removeStage_ = new QPushButton(stagesBox_);
    removeStage_->setObjectName("removeStageButton");
    auto* stageButtons = new QHBoxLayout;
    stageButtons->addWidget(addStage_);
    stageButtons->addWidget(removeStage_);
    stageButtons->addStretch(1);
    auto* stagesLayout = new QVBoxLayout(stagesBox_);
    stagesLayout->addWidget(stageList_);
    stagesLayout->addLayout(stageButtons);

    stageBox_ = new QGroupBox(this);
    editor_ = new StageEditor(stageBox_);
    problem_ = new QLabel(stageBox_);
    problem_->setObjectName("scheduleProblem");
    problem_->setWordWrap(true);
    problem_->setStyleSheet("color: #b42828;");
    auto* stageLayout = new QVBoxLayout(stageBox_);
    stageLayout->addWidget(editor_, 1);
    stageLayout->addWidget(problem_);

    auto* left = new QWidget(this);
    auto* leftLayout = new QVBoxLayout(left);
    leftLayout->setContentsMargins(0, 0, 0, 0);
    leftLayout->addWidget(stagesBox_);
    leftLayout->addWidget(stageBox_, 1);

    plot_ = new MetricPlot(this);
    plot_->setObjectName("sparsityCurve");
    plot_->setValueFormat(MetricPlot::ValueFormat::Percent);
    compareLabel_ = new QLabel(this);
    runs_ = new QComboBox(this);
    runs_->setObjectName("compareRunCombo");
    targets_ = new QTableWidget(0, 5, this);
    targets_->setObjectName("targetTable");
    targets_->verticalHeader()->hide();
    targets_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    targets_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    targets_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    targets_->setWordWrap(false);
    targets_->setTextElideMode(Qt::ElideMiddle);
    targets_->verticalHeader()->setDefaultSectionSize(fontMetrics().height() + 6);
    targetsNote_ = new QLabel(this);
    targetsNote_->setWordWrap(true);
    auto* compare = new QWidget(this);
    auto* compareRow = new QHBoxLayout;
    compareRow->addWidget(compareLabel_);
    compareRow->addWidget(runs_, 1);
    auto* compareLayout = new QVBoxLayout(compare);
    compareLayout->setContentsMargins(0, 0, 0, 0);
    compareLayout->addLayout(compareRow);
    compareLayout->addWidget(targetsNote_);
    compareLayout->addWidget(targets_, 1);
    auto* right = makeSplitter(Qt::Vertical, {plot_, compare}, {}, {420, 300}, this);
    auto* splitter = makeSplitter(Qt::Horizontal, {left, right}, {0, 1}, {440, 840}, this);

    load_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QString(), this);
    save_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), QString(), this);
    train_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), this);
    train_->setObjectName("trainWithRecipeButton");
    command_ = new QPushButton(this);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {load_, save_, train_, command_})
        buttons->addWidget(b);
    buttons->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);

    for (EditedStage::Type type : {EditedStage::Type::Unstructured, EditedStage::Type::Structured,
                                   EditedStage::Type::Dynamic, EditedStage::Type::Layer}) {
        QAction* action = addStage_->menu()->addAction(QString());
        action->setData(int(type));
        connect(action, &QAction::triggered, this, [this, type] { addStage(type); });
    }
    connect(removeStage_, &QPushButton::clicked, this, [this] {
        if (stages_.size() <= 1)
            return;
        stages_.erase(stages_.begin() + current_);
        current_ = std::min(current_, int(stages_.size()) - 1);
        refreshList();
        selectStage(current_);
    });
    connect(stageList_, &QListWidget::currentRowChanged, this, [this](int row) {
        if (row >= 0 && row != current_)
            selectStage(row);
    });
    connect(editor_, &StageEditor::changed, this, &SchedulePage::onStageEdited);
    connect(plot_, &MetricPlot::handleDragged, this, [this](int index, double step, double value) {
        EditedStage& stage = stages_[size_t(current_)];
        const prune::SparsitySchedule* schedule = stage.schedule();
        if (!schedule)
            return;
        prune::SparsitySchedule s = *schedule;
        const double frequency = std::max(s.frequency, 1e-9);
        const double at = std::max(0.0, std::round(step / frequency) * frequency);  // snap to the update grid
        const double sparsity = std::clamp(std::round(value * 100.0) / 100.0, 0.0, 0.99);
        const bool endPoint = index == 1 || s.shape == prune::ScheduleShape::Constant;
        if (endPoint && s.shape != prune::ScheduleShape::Constant) {
            s.end = std::max(at, s.begin + frequency);
            s.final = sparsity;
        } else if (s.shape == prune::ScheduleShape::Constant) {
            s.begin = at;
            s.final = sparsity;
        } else {
            s.begin = std::min(at, s.end - frequency);
            s.initial = std::min(sparsity, s.final);
        }
        switch (stage.type) {
        case EditedStage::Type::Unstructured: stage.unstructured.schedule = s; break;
        case EditedStage::Type::Structured: stage.structured.schedule = s; break;
        case EditedStage::Type::Dynamic: stage.dynamic.schedule = s; break;
        case EditedStage::Type::Layer: return;
        }
        editor_->setStage(stage);
        refreshList();
        refresh();
    });
    connect(runs_, &QComboBox::activated, this, [this] { compareWithRun(runs_->currentData().toString()); });
    connect(load_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Load recipe"), path_, tr("Recipes (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            loadRecipe(path);
    });
    connect(save_, &QPushButton::clicked, this, [this] {
        const QString start = !path_.isEmpty() ? path_
                              : project_ ? QString::fromStdString(project_->dir()) + "/" + name_ + ".yaml"
                                         : name_ + ".yaml";
        const QString path = QFileDialog::getSaveFileName(this, tr("Save recipe"), start, tr("Recipes (*.yaml *.yml)"));
        if (!path.isEmpty())
            saveRecipe(path);
    });
    connect(train_, &QPushButton::clicked, this, [this] {
        if (path_.isEmpty())
            save_->click();
        else if (!saveRecipe(path_))
            return;
        if (!path_.isEmpty())
            emit trainWithRecipe(path_);
    });
    connect(command_, &QPushButton::clicked, this, [this] { showCommandDialog(this, command()); });

    // A starting point: the seed's 70 % with AGP, as in the demo's pruning figures.
    prune::Recipe start;
    start.name = "agp-70";
    start.unstructured.push_back(defaultStage(EditedStage::Type::Unstructured).unstructured);
    setRecipe(start);
    retranslate();
}

SchedulePage::~SchedulePage() = default;

QString SchedulePage::title() const
{
    return tr("Schedule");
}

QIcon SchedulePage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogDetailedView);
}

void SchedulePage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    refreshRuns();
}

void SchedulePage::retranslate()
{
    heading_->setText(tr("Pruning schedule"));
    stagesBox_->setTitle(tr("Stages"));
    addStage_->setText(tr("Add stage"));
    for (QAction* a : addStage_->menu()->actions())
        a->setText(stageTypeName(EditedStage::Type(a->data().toInt())));
    removeStage_->setText(tr("Remove stage"));
    editor_->retranslate();
    compareLabel_->setText(tr("Compare with run:"));
    targets_->setHorizontalHeaderLabels({tr("Tensor"), tr("Role"), tr("Parameters"), tr("Target"), tr("Achieved")});
    load_->setText(tr("Load…"));
    save_->setText(tr("Save…"));
    train_->setText(tr("Train with this recipe"));
    train_->setToolTip(tr("Saves the recipe and sets it as the Train page's pruning recipe"));
    command_->setText(tr("Show command"));
    plot_->setValueLabel(tr("Target sparsity (%)"));
    plot_->setToolTip(tr("Solid: the sparsity the masks follow, updated every 'Update every'; dashed: the curve; orange: "
                         "what the compared run achieved"));
    refreshRuns();
    refreshList();
    refresh();
}

void SchedulePage::addStage(EditedStage::Type type)
{
    stages_.push_back(defaultStage(type));
    refreshList();
    selectStage(int(stages_.size()) - 1);
}

void SchedulePage::selectStage(int index)
{
    if (index < 0 || index >= int(stages_.size()))
        return;
    current_ = index;
    editorProblem_.clear();
    editor_->setStage(stages_[size_t(index)]);
    const QSignalBlocker block(stageList_);
    stageList_->setCurrentRow(index);
    refresh();
}

void SchedulePage::onStageEdited()
{
    try {
        stages_[size_t(current_)] = editor_->stage();
        editorProblem_.clear();
    } catch (const std::exception& e) {
        editorProblem_ = QString::fromUtf8(e.what());
    }
    refreshList();
    refresh();
}

void SchedulePage::refreshList()
{
    const QSignalBlocker block(stageList_);
    stageList_->clear();
    for (size_t i = 0; i < stages_.size(); ++i)
        stageList_->addItem(QString("%1. %2").arg(i + 1).arg(stageSummary(stages_[i])));
    stageList_->setCurrentRow(current_);
    removeStage_->setEnabled(stages_.size() > 1);
}

void SchedulePage::setRecipe(const prune::Recipe& recipe)
{
    std::vector<EditedStage> stages = stagesOf(recipe);
    if (stages.empty())
        return;
    stages_ = std::move(stages);
    name_ = QString::fromStdString(recipe.name.empty() ? "recipe" : recipe.name);
    current_ = 0;
    refreshList();
    selectStage(0);
}

prune::Recipe SchedulePage::recipe() const
{
    if (!editorProblem_.isEmpty())
        throw InputError(editorProblem_.toStdString());
    // The file reader holds every rule (patterns, ranges): check through it.
    return prune::Recipe::fromYaml(recipeOf(name_.toStdString(), stages_).toYaml(), "schedule");
}

QString SchedulePage::problem() const
{
    try {
        (void)recipe();
        return {};
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
}

void SchedulePage::refresh()
{
    const QString problem = this->problem();
    problem_->setText(problem);
    problem_->setVisible(!problem.isEmpty());
    save_->setEnabled(problem.isEmpty());
    train_->setEnabled(problem.isEmpty());
    if (stages_.empty())
        return;
    const EditedStage& stage = stages_[size_t(current_)];
    stageBox_->setTitle(tr("Stage %1: %2").arg(current_ + 1).arg(stageTypeName(stage.type)));
    refreshTargets();
    const prune::SparsitySchedule* schedule = stage.schedule();
    if (!problem.isEmpty() || !schedule) {
        plot_->clear();
        plot_->setEmptyText(schedule ? QString() : tr("A layer stage is applied in one shot (espalier-cli prune): no schedule"));
        return;
    }
    plot_->setEmptyText(QString());
    const prune::SparsitySchedule& s = *schedule;
    const bool constant = s.shape == prune::ScheduleShape::Constant;
    const bool regrows = stage.type == EditedStage::Type::Dynamic;
    const std::vector<double> times = regrows ? stage.dynamic.updateTimes() : s.updateTimes();
    const double span = std::max(1.0, (constant && !regrows ? s.begin : s.end) - s.begin);
    const double last = (constant && !regrows ? s.begin : s.end) + 0.15 * span + 1.0;
    // The steps the masks follow: flat between updates (a dynamic stage keeps its sparsity while it
    // regrows at each update, marked by a tick).
    QVector<double> steps, values;
    double previous = 0.0;
    steps << 0.0;
    values << 0.0;
    for (const double t : times) {
        steps << t << t;
        values << previous << s.sparsityAt(t);
        previous = s.sparsityAt(t);
    }
    steps << last;
    values << previous;
    QVector<double> curveSteps, curveValues;
    if (!constant) {
        for (int i = 0; i <= 200; ++i) {
            const double x = double(i) / 200.0;
            curveSteps << s.begin + x * (s.end - s.begin);
            curveValues << s.curve(x);
        }
    }
    plot_->setPoints(steps, values);
    plot_->setReferencePoints(curveSteps, curveValues);
    // Drag the begin point (begin, initial) and the end point (end, final) to reshape the schedule.
    if (s.shape == prune::ScheduleShape::Piecewise)
        plot_->setHandles({});
    else if (constant)
        plot_->setHandles({QPointF(s.begin, s.final)});
    else
        plot_->setHandles({QPointF(s.begin, s.initial), QPointF(s.end, s.final)});
    // The compared run's achieved sparsity (channels for a structured stage), when its steps match.
    QVector<double> runSteps, runValues;
    if (!comparedRun_.isEmpty() && s.unit == prune::ScheduleUnit::Steps) {
        const auto series = train::readMetricSeries((std::filesystem::path(comparedRun_.toStdString()) / "metrics.jsonl").string());
        const auto it = series.find(stage.type == EditedStage::Type::Structured ? "channel_sparsity" : "sparsity");
        if (it != series.end())
            for (const train::CurvePoint& p : it->second) {
                runSteps << p.step;
                runValues << p.value;
            }
    }
    plot_->setOverlayPoints(runSteps, runValues);
    plot_->setAxisLabels(s.unit == prune::ScheduleUnit::Steps ? tr("Step") : tr("Epoch"), tr("Target sparsity (%)"));
}

void SchedulePage::refreshRuns()
{
    const QString selected = runs_->currentData().toString();
    const QSignalBlocker block(runs_);
    runs_->clear();
    runs_->addItem(tr("(none)"), QString());
    if (project_) {
        const std::string runsDir = (std::filesystem::path(project_->dir()) / "runs").string();
        for (const train::RunRecord& r : train::listRuns(runsDir))
            runs_->addItem(QString::fromStdString(r.id), QString::fromStdString(r.dir));
    }
    runs_->setCurrentIndex(std::max(0, runs_->findData(selected)));
}

void SchedulePage::compareWithRun(const QString& runDir)
{
    comparedRun_ = runDir;
    stats_.reset();
    statsError_.clear();
    const int index = runs_->findData(runDir);
    if (index >= 0) {
        const QSignalBlocker block(runs_);
        runs_->setCurrentIndex(index);
    }
    refresh();
    if (runDir.isEmpty()) {
        emit comparisonReady();
        return;
    }
    // Reading a checkpoint takes LibTorch and a moment: off the GUI thread.
    using Read = std::pair<std::shared_ptr<const train::ModelStats>, QString>;
    runInBackground<Read>(
        this, tr("Read the run's checkpoint"),
        [dir = runDir.toStdString()]() -> Read {
            try {
                return {std::make_shared<const train::ModelStats>(train::checkpointModelStats(dir)), QString()};
            } catch (const std::exception& e) {
                return {nullptr, QString::fromUtf8(e.what())};
            }
        },
        [this, runDir](const Read& read) {
            if (runDir != comparedRun_)
                return;  // another run was chosen meanwhile
            std::tie(stats_, statsError_) = read;
            refreshTargets();
            emit comparisonReady();
        });
}

void SchedulePage::refreshTargets()
{
    targets_->setRowCount(0);
    if (comparedRun_.isEmpty()) {
        targetsNote_->setText(tr("Choose a run of the project to see each tensor's target beside what it achieved."));
        return;
    }
    if (!stats_) {
        targetsNote_->setText(statsError_.isEmpty() ? tr("Reading the run's checkpoint…") : statsError_);
        return;
    }
    std::map<std::string, prune::Recipe::TensorTarget> targets;
    try {
        std::vector<model::ParameterInfo> infos;
        for (const train::ParameterStats& p : stats_->parameters)
            infos.push_back(p.info);
        targets = recipe().finalTargets(infos);
    } catch (const std::exception&) {
        // an invalid recipe: targets stay empty, the problem is shown beside the editor
    }
    auto addRow = [this](const QString& name, const QString& role, double numel, const QString& target, double achieved,
                         bool flagged) {
        const int row = targets_->rowCount();
        targets_->insertRow(row);
        auto* achievedItem = new QTableWidgetItem(percent(achieved));
        if (flagged)
            achievedItem->setForeground(QColor(180, 40, 40));
        targets_->setItem(row, 0, new QTableWidgetItem(name));
        targets_->setItem(row, 1, new QTableWidgetItem(role));
        targets_->setItem(row, 2, new QTableWidgetItem(QString::number(qlonglong(numel))));
        targets_->setItem(row, 3, new QTableWidgetItem(target));
        targets_->setItem(row, 4, achievedItem);
    };
    // A global pool has one target over all its tensors: one summary row first, no per-tensor verdict.
    double poolNumel = 0.0, poolZeros = 0.0, poolTarget = 0.0;
    for (const train::ParameterStats& p : stats_->parameters) {
        const auto target = targets.find(p.info.name);
        if (p.info.prunable && target != targets.end() && target->second.pooled) {
            poolNumel += double(p.info.numel());
            poolZeros += p.sparsity() * double(p.info.numel());
            poolTarget = target->second.sparsity;
        }
    }
    int off = 0;
    if (poolNumel > 0.0) {
        const bool flagged = std::abs(poolZeros / poolNumel - poolTarget) > 0.02;
        off += flagged ? 1 : 0;
        addRow(tr("global pool (one threshold)"), QString(), poolNumel, percent(poolTarget), poolZeros / poolNumel, flagged);
        for (int c = 0; c < targets_->columnCount(); ++c) {
            QFont bold = targets_->item(0, c)->font();
            bold.setBold(true);
            targets_->item(0, c)->setFont(bold);
        }
    }
    for (const train::ParameterStats& p : stats_->parameters) {
        if (!p.info.prunable)
            continue;
        const auto target = targets.find(p.info.name);
        const double achieved = p.sparsity();
        QString targetText = tr("not pruned");
        bool flagged = false;
        if (target != targets.end() && target->second.pooled) {
            targetText = tr("in the pool");
        } else {
            const double expected = target == targets.end() ? 0.0 : target->second.sparsity;
            if (target != targets.end())
                targetText = percent(expected);
            flagged = std::abs(achieved - expected) > 0.02;
        }
        off += flagged ? 1 : 0;
        addRow(QString::fromStdString(p.info.name), QString::fromUtf8(model::roleLabel(p.info.role)), double(p.info.numel()),
               targetText, achieved, flagged);
    }
    targetsNote_->setText(tr("%1: %n row(s) more than 2 points from the recipe's final target (red)", nullptr, off)
                              .arg(QString::fromStdString(stats_->description)));
}

bool SchedulePage::loadRecipe(const QString& path)
{
    try {
        setRecipe(prune::loadAnyRecipe(path.toStdString()));
        path_ = path;
        return true;
    } catch (const std::exception& e) {
        showError(this, tr("Cannot load the recipe"), e);
        return false;
    }
}

bool SchedulePage::saveRecipe(const QString& path)
{
    try {
        recipe().save(path.toStdString());
        path_ = path;
        return true;
    } catch (const std::exception& e) {
        showError(this, tr("Cannot save the recipe"), e);
        return false;
    }
}

QString SchedulePage::command() const
{
    const QString file = path_.isEmpty() ? name_ + ".yaml" : path_;
    QString text;
    if (path_.isEmpty())
        text = tr("# Save the recipe first (Save…) as the file named below.") + "\n";
    text += QString::fromStdString(job::shellJoin({"espalier-cli", "recipe", "check", file.toStdString()}));
    const prune::Recipe r = recipeOf(name_.toStdString(), stages_);
    if (!r.structured.empty() || !r.layer.empty())
        text += "\n" + tr("# One shot on a trained model (structured and layer stages shrink it):") + "\n"
                + QString::fromStdString(job::shellJoin({"espalier-cli", "prune", "--model", "RUN", "--recipe",
                                                             file.toStdString(), "--out", "pruned.pt"}));
    return text;
}

} // namespace espalier::widgets
