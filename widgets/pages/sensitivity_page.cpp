#include "widgets/pages/sensitivity_page.h"

#include "core/analysis/sensitivity_cache.h"
#include "core/job/shell_quote.h"
#include "core/io/atomic_file.h"
#include "core/project/project.h"
#include "core/runtime/error.h"
#include "core/train/run_record.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/job_panel.h"
#include "widgets/plots/layer_bar_plot.h"
#include "widgets/plots/metric_plot.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDir>
#include <QDoubleSpinBox>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPainter>
#include <QPdfWriter>
#include <QPushButton>
#include <QScrollArea>
#include <QSlider>
#include <QSpinBox>
#include <QSplitter>
#include <QStyle>
#include <QVBoxLayout>

#include <cmath>
#include <filesystem>
#include <sstream>

namespace espalier::widgets {

namespace {

namespace fs = std::filesystem;
using analysis::Granularity;
using analysis::SensitivityCell;
using analysis::SensitivityResult;

QString text(const std::string& s) { return QString::fromStdString(s); }

} // namespace

SensitivityPage::SensitivityPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);

    formBox_ = new QGroupBox(this);
    modelLabel_ = new QLabel(formBox_);
    model_ = new QComboBox(formBox_);
    model_->setEditable(true);
    model_->setObjectName("sensitivityModel");
    browseModel_ = new QPushButton(formBox_);
    dataLabel_ = new QLabel(formBox_);
    data_ = new QComboBox(formBox_);
    data_->setEditable(true);
    data_->setObjectName("sensitivityData");
    browseData_ = new QPushButton(formBox_);
    subsetLabel_ = new QLabel(formBox_);
    subset_ = new QSpinBox(formBox_);
    subset_->setRange(0, 100000);
    subset_->setValue(200);
    granularityLabel_ = new QLabel(formBox_);
    granularity_ = new QComboBox(formBox_);
    for (const Granularity g : analysis::granularityNames().values())
        granularity_->addItem(QString(), int(g));
    levelsLabel_ = new QLabel(formBox_);
    levels_ = new QLineEdit(text(analysis::levelsText(analysis::defaultLevels())), formBox_);
    ceilingLabel_ = new QLabel(formBox_);
    ceiling_ = new QDoubleSpinBox(formBox_);
    ceiling_->setRange(0.0, 1000.0);
    ceiling_->setDecimals(3);
    ceiling_->setSingleStep(0.1);
    latency_ = new QCheckBox(formBox_);
    latency_->setChecked(true);
    run_ = new QPushButton(formBox_);
    run_->setIcon(style()->standardIcon(QStyle::SP_MediaPlay));
    open_ = new QPushButton(formBox_);
    command_ = new QPushButton(formBox_);

    auto* form = new QGridLayout(formBox_);
    form->addWidget(modelLabel_, 0, 0);
    form->addWidget(model_, 0, 1, 1, 3);
    form->addWidget(browseModel_, 0, 4);
    form->addWidget(dataLabel_, 1, 0);
    form->addWidget(data_, 1, 1, 1, 3);
    form->addWidget(browseData_, 1, 4);
    form->addWidget(subsetLabel_, 2, 0);
    form->addWidget(subset_, 2, 1);
    form->addWidget(granularityLabel_, 2, 2);
    form->addWidget(granularity_, 2, 3);
    form->addWidget(levelsLabel_, 3, 0);
    form->addWidget(levels_, 3, 1);
    form->addWidget(ceilingLabel_, 3, 2);
    form->addWidget(ceiling_, 3, 3);
    form->addWidget(latency_, 4, 1, 1, 3);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(run_);
    buttons->addWidget(open_);
    buttons->addWidget(command_);
    buttons->addStretch(1);
    form->addLayout(buttons, 5, 0, 1, 5);
    form->setColumnStretch(1, 1);
    form->setColumnStretch(3, 1);

    metricLabel_ = new QLabel(this);
    metric_ = new QComboBox(this);
    metric_->setObjectName("sensitivityMetric");
    for (const auto m : {HeatmapWidget::Metric::DeltaLoss, HeatmapWidget::Metric::Kl, HeatmapWidget::Metric::DeltaCer,
                         HeatmapWidget::Metric::LatencyGain, HeatmapWidget::Metric::Magnitude})
        metric_->addItem(QString(), int(m));
    exportImage_ = new QPushButton(this);
    exportCsv_ = new QPushButton(this);
    heatmap_ = new HeatmapWidget(this);
    auto* scroll = new QScrollArea(this);
    scroll->setWidget(heatmap_);
    scroll->setWidgetResizable(false);
    scroll->setBackgroundRole(QPalette::Base);
    auto* heatmapBox = new QWidget(this);
    auto* heatmapLayout = new QVBoxLayout(heatmapBox);
    heatmapLayout->setContentsMargins(0, 0, 0, 0);
    auto* metricRow = new QHBoxLayout;
    metricRow->addWidget(metricLabel_);
    metricRow->addWidget(metric_);
    metricRow->addStretch(1);
    metricRow->addWidget(exportImage_);
    metricRow->addWidget(exportCsv_);
    heatmapLayout->addLayout(metricRow);
    heatmapLayout->addWidget(scroll, 1);

    curve_ = new MetricPlot(this);
    curve_->setObjectName("sensitivityCurve");
    blocks_ = new LayerBarPlot(this);
    blocks_->setObjectName("sensitivityBlocks");

    allocBox_ = new QGroupBox(this);
    targetLabel_ = new QLabel(allocBox_);
    target_ = new QSlider(Qt::Horizontal, allocBox_);
    target_->setRange(0, 95);
    target_->setValue(70);
    balanceLabel_ = new QLabel(allocBox_);
    balance_ = new QSlider(Qt::Horizontal, allocBox_);
    balance_->setRange(0, 100);
    balance_->setValue(50);
    boundsLabel_ = new QLabel(allocBox_);
    min_ = new QDoubleSpinBox(allocBox_);
    max_ = new QDoubleSpinBox(allocBox_);
    for (QDoubleSpinBox* b : {min_, max_}) {
        b->setRange(0.0, 0.99);
        b->setDecimals(2);
        b->setSingleStep(0.05);
    }
    max_->setValue(0.95);
    prediction_ = new QLabel(allocBox_);
    prediction_->setWordWrap(true);
    prediction_->setObjectName("allocationPrediction");
    saveRecipe_ = new QPushButton(allocBox_);
    useInSchedule_ = new QPushButton(allocBox_);
    auto* alloc = new QGridLayout(allocBox_);
    alloc->addWidget(targetLabel_, 0, 0);
    alloc->addWidget(target_, 0, 1, 1, 3);
    alloc->addWidget(balanceLabel_, 1, 0);
    alloc->addWidget(balance_, 1, 1, 1, 3);
    alloc->addWidget(boundsLabel_, 2, 0);
    alloc->addWidget(min_, 2, 1);
    alloc->addWidget(max_, 2, 2);
    alloc->addWidget(prediction_, 3, 0, 1, 4);
    auto* allocButtons = new QHBoxLayout;
    allocButtons->addWidget(saveRecipe_);
    allocButtons->addWidget(useInSchedule_);
    allocButtons->addStretch(1);
    alloc->addLayout(allocButtons, 4, 0, 1, 4);

    auto* right = makeSplitter(Qt::Vertical, {curve_, blocks_, allocBox_}, {2, 2, 0}, {260, 220, 280}, this);
    auto* splitter = makeSplitter(Qt::Horizontal, {heatmapBox, right}, {3, 2}, {700, 460}, this);

    controller_ = new JobController(this);
    jobPanel_ = new JobPanel(this);
    jobPanel_->setController(controller_);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(formBox_);
    layout->addWidget(splitter, 1);
    layout->addWidget(jobPanel_);

    connect(run_, &QPushButton::clicked, this, [this] { run(); });
    connect(open_, &QPushButton::clicked, this, [this] {
        const QString start = project_ ? text(project_->dir() + "/sensitivity") : QString();
        const QString path = QFileDialog::getOpenFileName(this, tr("Open sensitivity result"), start, tr("Sensitivity results (*.json)"));
        if (!path.isEmpty())
            openResult(path);
    });
    connect(command_, &QPushButton::clicked, this, [this] {
        const QString c = command();
        if (!c.isEmpty())
            showCommandDialog(this, c);
    });
    connect(browseModel_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Checkpoint"), QString(), tr("Checkpoints (*.pt)"));
        if (!path.isEmpty())
            setModel(path);
    });
    connect(browseData_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Manifest"), QString());
        if (!path.isEmpty())
            setData(path);
    });
    connect(metric_, &QComboBox::currentIndexChanged, this, [this] {
        heatmap_->setMetric(HeatmapWidget::Metric(metric_->currentData().toInt()));
        showRow(heatmap_->selectedRow());
    });
    connect(heatmap_, &HeatmapWidget::rowClicked, this, &SensitivityPage::showRow);
    for (QSlider* s : {target_, balance_})
        connect(s, &QSlider::valueChanged, this, &SensitivityPage::reallocate);
    for (QDoubleSpinBox* b : {min_, max_})
        connect(b, &QDoubleSpinBox::valueChanged, this, &SensitivityPage::reallocate);
    connect(saveRecipe_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Save recipe"), QString(), tr("Recipes (*.yaml)"));
        if (!path.isEmpty())
            saveAllocation(path);
    });
    connect(useInSchedule_, &QPushButton::clicked, this, [this] {
        const QString dir = project_ ? text(project_->dir() + "/recipes") : QDir::tempPath();
        QDir().mkpath(dir);
        const QString path = dir + "/sensitivity-allocation.yaml";
        if (saveAllocation(path))
            emit useRecipe(path);
    });
    connect(exportImage_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export heatmap"), QString(), tr("Images (*.png *.pdf)"));
        if (!path.isEmpty() && !exportImage(path))
            showError(this, tr("Export heatmap"), tr("Could not write %1").arg(path));
    });
    connect(exportCsv_, &QPushButton::clicked, this, [this] {
        const QString path = QFileDialog::getSaveFileName(this, tr("Export table"), QString(), tr("CSV (*.csv)"));
        if (!path.isEmpty() && !exportCsv(path))
            showError(this, tr("Export table"), tr("Could not write %1").arg(path));
    });
    connect(controller_, &JobController::taggedMetric, this, &SensitivityPage::onCell);
    connect(controller_, &JobController::stageChanged, this, [this](const QString&, int index, int) {
        // The first look (rows, magnitude, latency) is on disk before the first cell.
        if (index == 2 && QFileInfo::exists(outPath_))
            openResult(outPath_);
    });
    connect(controller_, &JobController::finished, this, [this](JobController::State, const QString&) {
        if (QFileInfo::exists(outPath_))
            openResult(outPath_);
        run_->setEnabled(true);
    });
    retranslate();
}

SensitivityPage::~SensitivityPage() = default;

QString SensitivityPage::title() const { return tr("Sensitivity"); }

QIcon SensitivityPage::icon() const { return style()->standardIcon(QStyle::SP_FileDialogContentsView); }

void SensitivityPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    refreshRuns();
    refreshData();
    // The project's newest analysis, so the page opens where the user left it.
    if (project_ && !controller_->isRunning()) {
        const QFileInfoList results = QDir(text(project_->dir() + "/sensitivity"))
                                          .entryInfoList({"*.json"}, QDir::Files, QDir::Time);
        if (!results.isEmpty()) {
            try {
                showOpened(SensitivityResult::load(results.front().absoluteFilePath().toStdString()));
            } catch (const std::exception&) {
                // A damaged file is reported when the user opens it, not on every project switch.
            }
        }
    }
}

void SensitivityPage::refreshRuns()
{
    const QString current = model_->currentText();
    const QSignalBlocker block(model_);
    model_->clear();
    if (project_)
        for (const train::RunRecord& r : train::listRuns(project_->runsDir()))
            model_->addItem(text(r.id), text(r.dir));
    if (!current.isEmpty())
        setModel(current);
}

void SensitivityPage::refreshData()
{
    const QString current = data_->currentText();
    const QSignalBlocker block(data_);
    data_->clear();
    if (project_) {
        for (const project::CorpusEntry& c : project_->config().corpora) {
            const fs::path root = project_->absoluteCorpusPath(c);
            std::error_code ec;
            std::vector<std::string> splits;
            for (const auto& entry : fs::directory_iterator(root, ec))
                if (entry.is_directory() && fs::exists(entry.path() / "data.list"))
                    splits.push_back(entry.path().filename().string());
            std::sort(splits.begin(), splits.end());
            // The dev split first: what a sensitivity analysis is meant to run on.
            std::stable_partition(splits.begin(), splits.end(), [](const std::string& s) { return s == "dev"; });
            for (const std::string& s : splits)
                data_->addItem(text(c.name + "/" + s), text((root / s).string()));
        }
    }
    if (!current.isEmpty())
        setData(current);
}

void SensitivityPage::setModel(const QString& modelOrRun)
{
    const int i = model_->findData(modelOrRun);
    if (i >= 0)
        model_->setCurrentIndex(i);
    else
        model_->setEditText(modelOrRun);
}

void SensitivityPage::setData(const QString& manifest)
{
    const int i = data_->findData(manifest);
    if (i >= 0)
        data_->setCurrentIndex(i);
    else
        data_->setEditText(manifest);
}

namespace {

// A combo's chosen path: the item's data when the text is an item's, else the text typed.
QString chosenPath(const QComboBox* box)
{
    const int i = box->findText(box->currentText());
    return i >= 0 ? box->itemData(i).toString() : box->currentText().trimmed();
}

} // namespace

QString SensitivityPage::resultPath() const
{
    // <project>/sensitivity/<run>-<granularity>.json: one file per model and kind of rows.
    QString model = QFileInfo(chosenPath(model_)).completeBaseName();
    if (model.isEmpty())
        model = "model";
    const QString granularity = analysis::granularityNames().name(Granularity(granularity_->currentData().toInt()));
    const QString dir = project_ ? text(project_->dir() + "/sensitivity") : QDir::tempPath() + "/espalier-sensitivity";
    return dir + "/" + model + "-" + granularity + ".json";
}

analysis::SensitivityOptions SensitivityPage::options() const
{
    analysis::SensitivityOptions o;
    o.model = chosenPath(model_).toStdString();
    o.data = chosenPath(data_).toStdString();
    o.subset = subset_->value();
    o.granularity = Granularity(granularity_->currentData().toInt());
    if (o.granularity != Granularity::Block)
        o.levels = analysis::parseLevels(levels_->text().toStdString());
    o.lossCeiling = ceiling_->value();
    o.latency = latency_->isChecked() && o.granularity != Granularity::Block ? "here" : "";
    o.out = resultPath().toStdString();
    o.cacheDir = analysis::defaultCacheDir(o.model, o.out);
    return o;
}

QString SensitivityPage::command() const
{
    try {
        return text(job::shellJoin(analysis::SensitivityJob(options()).cliCommand()));
    } catch (const std::exception&) {
        return {};  // the levels do not parse: nothing to show yet
    }
}

bool SensitivityPage::run()
{
    if (controller_->isRunning())
        return false;
    analysis::SensitivityOptions o;
    try {
        o = options();
        o.validate();
    } catch (const std::exception& e) {
        showError(this, tr("Sensitivity analysis"), e);
        return false;
    }
    outPath_ = text(o.out);
    QDir().mkpath(QFileInfo(outPath_).absolutePath());
    SensitivityResult empty;
    empty.levels = o.granularity == Granularity::Block ? std::vector<double>{0.0, 1.0} : o.levels;
    showResult(empty);
    run_->setEnabled(false);
    return controller_->start(std::make_unique<analysis::SensitivityJob>(o));
}

bool SensitivityPage::openResult(const QString& path)
{
    try {
        showOpened(SensitivityResult::load(path.toStdString()));
        return true;
    } catch (const std::exception& e) {
        showError(this, tr("Open sensitivity result"), e);
        return false;
    }
}

void SensitivityPage::showOpened(const SensitivityResult& result)
{
    showResult(result);
    // The form says what produced it, so Run repeats (or resumes) it.
    if (controller_->isRunning())
        return;
    setModel(text(result.model));
    setData(text(result.data));
    const int g = granularity_->findData(int(result.granularity));
    if (g >= 0)
        granularity_->setCurrentIndex(g);
    if (result.granularity != Granularity::Block)
        levels_->setText(text(analysis::levelsText(result.levels)));
}

void SensitivityPage::showResult(const SensitivityResult& result)
{
    const int selected = heatmap_->selectedRow();
    heatmap_->setResult(result);
    if (selected >= 0 && selected < int(result.rows.size()))
        heatmap_->setSelectedRow(selected);
    showRow(heatmap_->selectedRow() >= 0 ? heatmap_->selectedRow() : (result.rows.empty() ? -1 : 0));
    refreshBlocks();
    reallocate();
}

void SensitivityPage::onCell(const QString& series, double step, double, const QVariantMap& tags)
{
    if (series != "sensitivity")
        return;
    SensitivityCell cell;
    cell.state = SensitivityCell::State::Done;
    cell.loss = tags.value("loss").toString().toDouble();
    cell.kl = tags.value("kl").toString().toDouble();
    cell.cer = tags.value("cer").toString().toDouble();
    heatmap_->setCell(tags.value("row").toString(), int(step), cell);
    if (heatmap_->selectedRow() >= 0)
        showRow(heatmap_->selectedRow());
}

void SensitivityPage::showRow(int row)
{
    const SensitivityResult& r = heatmap_->result();
    curve_->clear();
    if (row < 0 || row >= int(r.rows.size()))
        return;
    heatmap_->setSelectedRow(row);
    QVector<double> x, y;
    for (int l = 0; l < int(r.levels.size()); ++l) {
        const double v = heatmap_->value(row, l);
        if (std::isfinite(v)) {
            x.push_back(100.0 * r.levels[size_t(l)]);
            y.push_back(v);
        }
    }
    curve_->setValueLabel(heatmap_->metricName(heatmap_->metric()));
    curve_->setPoints(x, y);
    curve_->setToolTip(text(r.rows[size_t(row)].name));
}

void SensitivityPage::refreshBlocks()
{
    QStringList labels;
    QVector<double> values;
    for (const analysis::BlockSummary& b : analysis::blockSummaries(heatmap_->result())) {
        labels << (b.block < 0 ? tr("front/head") : tr("block %1").arg(b.block));
        values << b.sensitivity;
    }
    if (labels.isEmpty())
        blocks_->clear();
    else
        blocks_->setBars(labels, {tr("sensitivity")}, {values});
}

void SensitivityPage::setAllocationTarget(double target, double balance)
{
    target_->setValue(int(std::lround(target * 100)));
    balance_->setValue(int(std::lround(balance * 100)));
    reallocate();
}

void SensitivityPage::reallocate()
{
    const SensitivityResult& r = heatmap_->result();
    analysis::AllocationOptions o;
    o.target = target_->value() / 100.0;
    o.balance = balance_->value() / 100.0;
    o.minSparsity = min_->value();
    o.maxSparsity = max_->value();
    allocation_ = analysis::Allocation();
    allocationError_.clear();
    try {
        if (r.rows.empty())
            throw InputError(tr("Run or open an analysis first").toStdString());
        allocation_ = analysis::allocate(r, o);
    } catch (const std::exception& e) {
        allocationError_ = QString::fromStdString(e.what());
    }
    heatmap_->setChosen(allocation_.sparsity);
    prediction_->setText(allocationText());
    const bool ok = !allocation_.sparsity.empty();
    saveRecipe_->setEnabled(ok);
    useInSchedule_->setEnabled(ok);
    targetLabel_->setText(tr("Global sparsity %1 %").arg(target_->value()));
    balanceLabel_->setText(tr("Loss ↔ speed %1").arg(balance_->value() / 100.0, 0, 'f', 2));
}

QString SensitivityPage::allocationText() const
{
    if (allocation_.sparsity.empty())
        return allocationError_;
    QString t = tr("%1 % of the analysed weights; predicted Δ loss %2").arg(100.0 * allocation_.achieved, 0, 'f', 1)
                    .arg(allocation_.predictedDeltaLoss, 0, 'f', 4);
    if (allocation_.latencyUsed)
        t += tr("; latency %1 → %2 ms").arg(allocation_.denseLatencyMs, 0, 'f', 3).arg(allocation_.predictedLatencyMs, 0, 'f', 3);
    else
        t += tr(" (no latency measured: ranked by loss only)");
    return t;
}

bool SensitivityPage::saveAllocation(const QString& path)
{
    if (allocation_.sparsity.empty())
        return false;
    analysis::AllocationOptions o;
    o.target = target_->value() / 100.0;
    o.balance = balance_->value() / 100.0;
    o.minSparsity = min_->value();
    o.maxSparsity = max_->value();
    try {
        analysis::allocationRecipe(heatmap_->result(), allocation_, o).save(path.toStdString());
        return true;
    } catch (const std::exception& e) {
        showError(this, tr("Save recipe"), e);
        return false;
    }
}

bool SensitivityPage::exportCsv(const QString& path) const
{
    const SensitivityResult& r = heatmap_->result();
    std::ostringstream out;
    out << "row,block,role,parameters,sensitivity";
    for (const double l : r.levels)
        out << "," << l;
    out << "\n";
    for (int i = 0; i < int(r.rows.size()); ++i) {
        const analysis::SensitivityRow& row = r.rows[size_t(i)];
        out << '"' << row.name << "\"," << row.block << "," << row.role << "," << row.parameters << ","
            << analysis::rowSensitivity(r, row);
        for (int l = 0; l < int(r.levels.size()); ++l) {
            const double v = heatmap_->value(i, l);
            out << ",";
            if (std::isfinite(v))
                out << v;
        }
        out << "\n";
    }
    try {
        io::writeFileAtomic(path.toStdString(), out.str());
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

bool SensitivityPage::exportImage(const QString& path) const
{
    heatmap_->resize(heatmap_->sizeHint());
    if (path.endsWith(".pdf", Qt::CaseInsensitive)) {
        QPdfWriter pdf(path);
        pdf.setResolution(96);
        pdf.setPageSize(QPageSize(heatmap_->size(), QPageSize::Point));
        pdf.setPageMargins(QMarginsF(0, 0, 0, 0));
        QPainter painter(&pdf);
        if (!painter.isActive())
            return false;
        heatmap_->render(&painter);
        return painter.end();
    }
    return heatmap_->grab().save(path, "PNG");
}

void SensitivityPage::retranslate()
{
    heading_->setText(tr("Layer sensitivity"));
    formBox_->setTitle(tr("Analysis"));
    modelLabel_->setText(tr("Model:"));
    model_->setToolTip(tr("A run of the project (its best checkpoint) or a checkpoint file"));
    browseModel_->setText(tr("Browse…"));
    dataLabel_->setText(tr("Utterances:"));
    data_->setToolTip(tr("A manifest or split folder of validation utterances (not the training set)"));
    browseData_->setText(tr("Browse…"));
    subsetLabel_->setText(tr("Subset:"));
    subset_->setSuffix(tr(" utterances"));
    subset_->setSpecialValueText(tr("all utterances"));
    granularityLabel_->setText(tr("Rows:"));
    const QStringList granularities = {tr("Tensors"), tr("Coupled groups (q/k/v, FFN)"), tr("FFN units and conv channels"),
                                       tr("Attention heads"), tr("Whole blocks (dropped)")};
    for (int i = 0; i < granularity_->count() && i < granularities.size(); ++i)
        granularity_->setItemText(i, granularities[i]);
    levelsLabel_->setText(tr("Levels:"));
    levels_->setToolTip(tr("Sparsity levels, comma-separated, from 0, below 1"));
    ceilingLabel_->setText(tr("Stop a row at Δ loss:"));
    ceiling_->setSpecialValueText(tr("never"));
    latency_->setText(tr("Time each layer's dense and sparse kernels on this CPU (latency sensitivity)"));
    run_->setText(tr("Run analysis"));
    open_->setText(tr("Open result…"));
    command_->setText(tr("Show command"));
    metricLabel_->setText(tr("Colour:"));
    for (int i = 0; i < metric_->count(); ++i)
        metric_->setItemText(i, HeatmapWidget::metricName(HeatmapWidget::Metric(metric_->itemData(i).toInt())));
    exportImage_->setText(tr("Export image…"));
    exportCsv_->setText(tr("Export CSV…"));
    curve_->setStepLabel(tr("Sparsity (%)"));
    curve_->setEmptyText(tr("Click a row of the heatmap"));
    blocks_->setToolTip(tr("Per block, the mean relative loss rise over the grid (the seed's per-layer sensitivity)"));
    blocks_->setValueLabel(tr("Sensitivity"), tr("Per-block sensitivity appears with the first cells"));
    allocBox_->setTitle(tr("Per-layer targets"));
    boundsLabel_->setText(tr("Bounds per tensor:"));
    min_->setPrefix(tr("min "));
    max_->setPrefix(tr("max "));
    saveRecipe_->setText(tr("Save recipe…"));
    useInSchedule_->setText(tr("Use in Schedule"));
    reallocate();
    refreshBlocks();
}

} // namespace espalier::widgets
