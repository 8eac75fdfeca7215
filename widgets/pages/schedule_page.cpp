#include "pages/schedule_page.h"

#include "command_dialog.h"
#include "error_dialog.h"
#include "plots/metric_plot.h"
#include "project/job.h"
#include "project/project.h"
#include "prune/recipe_formats.h"
#include "runtime/error.h"

#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSplitter>
#include <QStyle>
#include <QTableWidget>
#include <QVBoxLayout>

namespace espalier::widgets {

namespace {

QDoubleSpinBox* spin(QWidget* parent, double max, int decimals, double step)
{
    auto* s = new QDoubleSpinBox(parent);
    s->setRange(0.0, max);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    return s;
}

std::vector<std::string> patterns(const QLineEdit* edit)
{
    std::vector<std::string> out;
    for (const QString& p : edit->text().split(QRegularExpression("\\s+"), Qt::SkipEmptyParts))
        out.push_back(p.toStdString());
    return out;
}

QString joined(const std::vector<std::string>& items)
{
    QStringList list;
    for (const std::string& s : items)
        list << QString::fromStdString(s);
    return list.join(' ');
}

} // namespace

SchedulePage::SchedulePage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);
    stageBox_ = new QGroupBox(this);
    shape_ = new QComboBox(stageBox_);
    shape_->setObjectName("shapeCombo");
    for (const std::string& name : prune::scheduleShapeNames())
        shape_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    scope_ = new QComboBox(stageBox_);
    scope_->setObjectName("scopeCombo");
    scope_->addItem(QString(), int(prune::MaskScope::Global));
    scope_->addItem(QString(), int(prune::MaskScope::Layer));
    unit_ = new QComboBox(stageBox_);
    unit_->setObjectName("unitCombo");
    unit_->addItem(QString(), int(prune::ScheduleUnit::Steps));
    unit_->addItem(QString(), int(prune::ScheduleUnit::Epochs));
    initial_ = spin(stageBox_, 0.999, 3, 0.05);
    initial_->setObjectName("initialSpin");
    final_ = spin(stageBox_, 0.999, 3, 0.05);
    final_->setObjectName("finalSpin");
    begin_ = spin(stageBox_, 1e9, 1, 100);
    begin_->setObjectName("beginSpin");
    end_ = spin(stageBox_, 1e9, 1, 100);
    end_->setObjectName("endSpin");
    frequency_ = spin(stageBox_, 1e9, 2, 10);
    frequency_->setObjectName("frequencySpin");
    params_ = new QLineEdit(stageBox_);
    params_->setObjectName("paramsEdit");
    exclude_ = new QLineEdit(stageBox_);
    exclude_->setObjectName("excludeEdit");
    overrides_ = new QTableWidget(0, 2, stageBox_);
    overrides_->setObjectName("overridesTable");
    overrides_->verticalHeader()->hide();
    overrides_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    overrides_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    addOverride_ = new QPushButton(stageBox_);
    removeOverride_ = new QPushButton(stageBox_);

    auto* form = new QFormLayout;
    for (QWidget* field : std::initializer_list<QWidget*>{shape_, scope_, unit_, initial_, final_, begin_, end_, frequency_,
                                                          params_, exclude_}) {
        labels_.push_back(new QLabel(stageBox_));
        form->addRow(labels_.back(), field);
    }
    labels_.push_back(new QLabel(stageBox_));
    auto* overrideButtons = new QHBoxLayout;
    overrideButtons->addWidget(addOverride_);
    overrideButtons->addWidget(removeOverride_);
    overrideButtons->addStretch(1);
    problem_ = new QLabel(stageBox_);
    problem_->setObjectName("scheduleProblem");
    problem_->setWordWrap(true);
    problem_->setStyleSheet("color: #b42828;");
    auto* stageLayout = new QVBoxLayout(stageBox_);
    stageLayout->addLayout(form);
    stageLayout->addWidget(labels_.back());
    stageLayout->addWidget(overrides_, 1);
    stageLayout->addLayout(overrideButtons);
    stageLayout->addWidget(problem_);

    load_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QString(), this);
    save_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), QString(), this);
    train_ = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), this);
    train_->setObjectName("trainWithRecipeButton");
    command_ = new QPushButton(this);
    auto* buttons = new QHBoxLayout;
    for (QPushButton* b : {load_, save_, train_, command_})
        buttons->addWidget(b);
    buttons->addStretch(1);

    plot_ = new MetricPlot(this);
    plot_->setObjectName("sparsityCurve");
    plot_->setValueFormat(MetricPlot::ValueFormat::Percent);
    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(stageBox_);
    splitter->addWidget(plot_);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({430, 850});

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);
    layout->addLayout(buttons);

    // A starting point: the seed's 70 % with AGP, as in the demo's pruning figures.
    prune::Recipe start;
    start.name = "agp-70";
    prune::UnstructuredStage stage;
    stage.schedule.final = 0.7;
    stage.schedule.begin = 1000;
    stage.schedule.end = 3000;
    stage.schedule.frequency = 100;
    start.unstructured.push_back(stage);
    setRecipe(start);

    for (QComboBox* c : {shape_, scope_, unit_})
        connect(c, &QComboBox::currentIndexChanged, this, &SchedulePage::refresh);
    for (QDoubleSpinBox* s : {initial_, final_, begin_, end_, frequency_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &SchedulePage::refresh);
    for (QLineEdit* e : {params_, exclude_})
        connect(e, &QLineEdit::textChanged, this, &SchedulePage::refresh);
    connect(overrides_, &QTableWidget::itemChanged, this, &SchedulePage::refresh);
    connect(addOverride_, &QPushButton::clicked, this, [this] { addOverrideRow("re:.*ctc.*", 0.3); });
    connect(removeOverride_, &QPushButton::clicked, this, [this] {
        if (overrides_->currentRow() >= 0)
            overrides_->removeRow(overrides_->currentRow());
        refresh();
    });
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
    retranslate();
    refresh();
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

void SchedulePage::retranslate()
{
    heading_->setText(tr("Pruning schedule"));
    stageBox_->setTitle(tr("Gradual magnitude pruning"));
    const QStringList labels = {tr("Curve"), tr("Threshold"), tr("Counted in"), tr("Initial sparsity"),
                                tr("Final sparsity"), tr("Begin"), tr("End"), tr("Update every"), tr("Prune"),
                                tr("Never prune"), tr("Own final sparsity for:")};
    for (size_t i = 0; i < labels_.size(); ++i)
        labels_[i]->setText(labels[int(i)]);
    scope_->setItemText(0, tr("global (one threshold)"));
    scope_->setItemText(1, tr("per tensor"));
    unit_->setItemText(0, tr("optimiser steps"));
    unit_->setItemText(1, tr("epochs"));
    params_->setToolTip(tr("Parameter patterns separated by spaces: __ALL_PRUNABLE__, a glob such as "
                           "encoder.blocks.*.feed_forward.*, or re:<regular expression>"));
    exclude_->setToolTip(params_->toolTip());
    exclude_->setPlaceholderText(tr("nothing excluded"));
    overrides_->setHorizontalHeaderLabels({tr("Pattern"), tr("Final sparsity")});
    addOverride_->setText(tr("Add"));
    removeOverride_->setText(tr("Remove"));
    load_->setText(tr("Load…"));
    save_->setText(tr("Save…"));
    train_->setText(tr("Train with this recipe"));
    train_->setToolTip(tr("Saves the recipe and sets it as the Train page's pruning recipe"));
    command_->setText(tr("Show command"));
    plot_->setValueLabel(tr("Target sparsity (%)"));
    plot_->setToolTip(tr("Solid: the sparsity the masks follow, updated every 'Update every'; dashed: the curve"));
}

void SchedulePage::addOverrideRow(const QString& pattern, double sparsity)
{
    const int row = overrides_->rowCount();
    overrides_->insertRow(row);
    overrides_->setItem(row, 0, new QTableWidgetItem(pattern));
    overrides_->setItem(row, 1, new QTableWidgetItem(QString::number(sparsity)));
    refresh();
}

void SchedulePage::setRecipe(const prune::Recipe& recipe)
{
    if (recipe.unstructured.empty())
        return;
    const prune::UnstructuredStage& stage = recipe.unstructured.front();
    const QSignalBlocker b1(shape_), b2(scope_), b3(unit_), b4(initial_), b5(final_), b6(begin_), b7(end_), b8(frequency_),
        b9(params_), b10(exclude_), b11(overrides_);
    name_ = QString::fromStdString(recipe.name.empty() ? "recipe" : recipe.name);
    shape_->setCurrentIndex(shape_->findData(QString(prune::scheduleShapeName(stage.schedule.shape))));
    scope_->setCurrentIndex(scope_->findData(int(stage.scope)));
    unit_->setCurrentIndex(unit_->findData(int(stage.schedule.unit)));
    initial_->setValue(stage.schedule.initial);
    final_->setValue(stage.schedule.final);
    begin_->setValue(stage.schedule.begin);
    end_->setValue(stage.schedule.end);
    frequency_->setValue(stage.schedule.frequency);
    params_->setText(joined(stage.params));
    exclude_->setText(joined(stage.exclude));
    overrides_->setRowCount(0);
    for (const prune::SparsityOverride& o : stage.overrides) {
        const int row = overrides_->rowCount();
        overrides_->insertRow(row);
        overrides_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(o.pattern)));
        overrides_->setItem(row, 1, new QTableWidgetItem(QString::number(o.finalSparsity)));
    }
    refresh();
}

prune::Recipe SchedulePage::recipe() const
{
    prune::UnstructuredStage stage;
    const auto shape = prune::scheduleShapeFromName(shape_->currentData().toString().toStdString());
    stage.schedule.shape = shape.value_or(prune::ScheduleShape::AgpCubic);
    stage.scope = prune::MaskScope(scope_->currentData().toInt());
    stage.schedule.unit = prune::ScheduleUnit(unit_->currentData().toInt());
    stage.schedule.initial = initial_->value();
    stage.schedule.final = final_->value();
    stage.schedule.begin = begin_->value();
    stage.schedule.end = end_->value();
    stage.schedule.frequency = frequency_->value();
    stage.params = patterns(params_);
    stage.exclude = patterns(exclude_);
    for (int row = 0; row < overrides_->rowCount(); ++row) {
        const QTableWidgetItem* pattern = overrides_->item(row, 0);
        const QTableWidgetItem* value = overrides_->item(row, 1);
        bool ok = false;
        const double sparsity = value ? value->text().toDouble(&ok) : 0.0;
        if (!pattern || pattern->text().trimmed().isEmpty() || !ok)
            throw InputError("overrides: row " + std::to_string(row + 1) + " needs a pattern and a final sparsity");
        stage.overrides.push_back({pattern->text().trimmed().toStdString(), sparsity});
    }
    prune::Recipe recipe;
    recipe.name = name_.toStdString();
    recipe.unstructured.push_back(stage);
    // The file reader holds every rule (patterns, ranges): check through it.
    return prune::Recipe::fromYaml(recipe.toYaml(), "schedule");
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
    const bool constant = shape_->currentData().toString() == "constant";
    end_->setEnabled(!constant);
    initial_->setEnabled(shape_->currentData().toString() != "piecewise");
    if (!problem.isEmpty()) {
        plot_->clear();
        return;
    }
    const prune::SparsitySchedule s = recipe().unstructured.front().schedule;
    const double last = constant ? s.begin * 1.2 + 1.0 : s.end + 0.15 * (s.end - s.begin);
    // The steps the masks follow: flat between updates.
    QVector<double> steps, values;
    double previous = 0.0;
    steps << 0.0;
    values << 0.0;
    for (const double t : s.updateTimes()) {
        steps << t << t;
        values << previous << s.sparsityAt(t);
        previous = s.sparsityAt(t);
    }
    steps << last;
    values << previous;
    // The curve itself.
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
    plot_->setAxisLabels(unit_->currentIndex() == 0 ? tr("Step") : tr("Epoch"), tr("Target sparsity (%)"));
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
    return text + QString::fromStdString(project::shellJoin({"espalier-cli", "recipe", "check", file.toStdString()}));
}

} // namespace espalier::widgets
