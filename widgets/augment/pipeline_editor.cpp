#include "widgets/augment/pipeline_editor.h"

#include "core/augment/op_registry.h"
#include "widgets/augment/op_param_form.h"
#include "widgets/augment/param_text.h"
#include "widgets/augment/pipeline_table_model.h"
#include "widgets/error_dialog.h"

#include <QComboBox>
#include <QDir>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QMenu>
#include <QPushButton>
#include <QScrollArea>
#include <QTableView>
#include <QToolButton>
#include <QVBoxLayout>

#include <algorithm>

namespace espalier::widgets {

namespace {
constexpr const char* kDefaultPreset = "wenet-aishell+speed";
constexpr int kCustomRole = Qt::UserRole + 1;  // preset combo: true on the user's own pipeline

// previousIndex for a pipeline that kept none of its ops' draws.
QVector<int> noneKept(size_t size)
{
    return QVector<int>(int(size), -1);
}

QVector<int> identity(size_t size)
{
    QVector<int> indices(qsizetype(size), 0);
    for (int i = 0; i < indices.size(); ++i)
        indices[i] = i;
    return indices;
}
} // namespace

PipelineEditor::PipelineEditor(QWidget* parent) : QGroupBox(parent)
{
    opModel_ = new PipelineTableModel(this);

    presetLabel_ = new QLabel(this);
    presetCombo_ = new QComboBox(this);
    presetCombo_->setObjectName("presetCombo");
    presetCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    presetCombo_->setMinimumContentsLength(14);
    presetLabel_->setBuddy(presetCombo_);
    auto* presetRow = new QHBoxLayout;
    presetRow->addWidget(presetLabel_);
    presetRow->addWidget(presetCombo_, 1);

    opTable_ = new QTableView(this);
    opTable_->setObjectName("opTable");
    opTable_->setModel(opModel_);
    opTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    opTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    opTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    opTable_->setWordWrap(false);
    opTable_->verticalHeader()->hide();
    opTable_->verticalHeader()->setDefaultSectionSize(opTable_->fontMetrics().height() + 8);
    opTable_->horizontalHeader()->setSectionResizeMode(PipelineTableModel::Type, QHeaderView::ResizeToContents);
    opTable_->horizontalHeader()->setSectionResizeMode(PipelineTableModel::Probability, QHeaderView::ResizeToContents);
    opTable_->horizontalHeader()->setStretchLastSection(true);
    opTable_->setMinimumHeight(4 * opTable_->verticalHeader()->defaultSectionSize());

    addOpButton_ = new QPushButton(this);
    addOpButton_->setObjectName("addOpButton");
    addMenu_ = new QMenu(addOpButton_);
    addMenu_->setObjectName("addOpMenu");
    addMenu_->setToolTipsVisible(true);
    addOpButton_->setMenu(addMenu_);
    removeOpButton_ = new QPushButton(this);
    removeOpButton_->setObjectName("removeOpButton");
    upButton_ = new QToolButton(this);
    upButton_->setObjectName("upOpButton");
    upButton_->setArrowType(Qt::UpArrow);
    downButton_ = new QToolButton(this);
    downButton_->setObjectName("downOpButton");
    downButton_->setArrowType(Qt::DownArrow);
    auto* editRow = new QHBoxLayout;
    editRow->addWidget(addOpButton_);
    editRow->addWidget(removeOpButton_);
    editRow->addStretch(1);
    editRow->addWidget(upButton_);
    editRow->addWidget(downButton_);

    paramForm_ = new OpParamForm;
    paramForm_->setObjectName("paramForm");
    paramScroll_ = new QScrollArea(this);
    paramScroll_->setObjectName("paramScroll");
    paramScroll_->setWidget(paramForm_);
    paramScroll_->setWidgetResizable(true);
    paramScroll_->setFrameShape(QFrame::StyledPanel);
    paramScroll_->setHorizontalScrollBarPolicy(Qt::ScrollBarAlwaysOff);

    loadButton_ = new QPushButton(this);
    loadButton_->setObjectName("loadPipelineButton");
    saveButton_ = new QPushButton(this);
    saveButton_->setObjectName("savePipelineButton");
    auto* fileRow = new QHBoxLayout;
    fileRow->addWidget(loadButton_);
    fileRow->addWidget(saveButton_);
    fileRow->addStretch(1);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(presetRow);
    layout->addWidget(opTable_, 1);
    layout->addLayout(editRow);
    layout->addWidget(paramScroll_, 2);
    layout->addLayout(fileRow);

    connect(presetCombo_, qOverload<int>(&QComboBox::activated), this, &PipelineEditor::onPresetActivated);
    connect(opTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onOpSelected(current.isValid() ? current.row() : -1); });
    connect(paramForm_, &OpParamForm::edited, this, &PipelineEditor::onParamsEdited);
    connect(removeOpButton_, &QPushButton::clicked, this, &PipelineEditor::removeSelectedOp);
    connect(upButton_, &QToolButton::clicked, this, [this] { moveSelectedOp(-1); });
    connect(downButton_, &QToolButton::clicked, this, [this] { moveSelectedOp(+1); });
    connect(saveButton_, &QPushButton::clicked, this, &PipelineEditor::savePipelineAs);
    connect(loadButton_, &QPushButton::clicked, this, &PipelineEditor::openPipeline);

    // Start with the WeNet preset plus speed perturbation, the most common training setup.
    const std::vector<std::string> presets = augment::Pipeline::presetNames();
    QString initial = presets.empty() ? QString() : QString::fromStdString(presets.front());
    if (std::find(presets.begin(), presets.end(), kDefaultPreset) != presets.end())
        initial = kDefaultPreset;
    if (!initial.isEmpty()) {
        try {
            setPipeline(augment::Pipeline::preset(initial.toStdString()), initial, {});
        } catch (const std::exception& error) {
            showInlineError(QString::fromUtf8(error.what()));
        }
    }
    refreshOpTable(pipeline_.size() > 0 ? 0 : -1);
    retranslate();
}

PipelineEditor::~PipelineEditor() = default;

void PipelineEditor::retranslate()
{
    setTitle(tr("Pipeline"));
    presetLabel_->setText(tr("&Preset:"));
    presetCombo_->setToolTip(tr("Built-in pipelines; choosing one replaces the pipeline shown (your own stays in "
                                "the list to come back to)"));
    addOpButton_->setText(tr("Add"));
    addOpButton_->setToolTip(tr("Add an op after the selected one"));
    removeOpButton_->setText(tr("Remove"));
    upButton_->setToolTip(tr("Move the op up"));
    downButton_->setToolTip(tr("Move the op down"));
    loadButton_->setText(tr("Load…"));
    loadButton_->setToolTip(tr("Load a pipeline from a YAML file"));
    saveButton_->setText(tr("Save…"));
    saveButton_->setToolTip(tr("Save the pipeline as YAML, for training and espalier-cli"));
    rebuildAddMenu();
    opModel_->retranslate();
    refreshPresetCombo();
}

void PipelineEditor::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QGroupBox::changeEvent(event);
}

void PipelineEditor::rebuildAddMenu()
{
    addMenu_->clear();
    for (const augment::OpType& type : augment::opTypes()) {
        const QString name = QString::fromStdString(type.name);
        const QString domain = type.domain == augment::Domain::Waveform ? tr("waveform") : tr("features");
        QAction* action = addMenu_->addAction(tr("%1 (%2)").arg(AugmentText::opName(type.name), domain));
        action->setObjectName(QStringLiteral("addOp_") + name);
        action->setToolTip(AugmentText::opDescription(type.name));
        action->setStatusTip(action->toolTip());
        connect(action, &QAction::triggered, this, [this, name] { addOp(name); });
    }
}

void PipelineEditor::setPipeline(const augment::Pipeline& pipeline, const QString& presetName, const QString& path)
{
    pipeline_ = pipeline;
    presetName_ = presetName;
    pipelinePath_ = path;
    modified_ = false;
    paramForm_->setError({});
    refreshPresetCombo();
    refreshOpTable(pipeline_.size() > 0 ? 0 : -1);
    emit pipelineChanged(noneKept(pipeline_.size()));
}

bool PipelineEditor::selectPreset(const QString& name)
{
    for (int i = 0; i < presetCombo_->count(); ++i) {
        if (!presetCombo_->itemData(i, kCustomRole).toBool() && presetCombo_->itemData(i).toString() == name) {
            presetCombo_->setCurrentIndex(i);
            onPresetActivated(i);
            return true;
        }
    }
    return false;
}

void PipelineEditor::onPresetActivated(int comboIndex)
{
    if (comboIndex < 0)
        return;
    if (presetCombo_->itemData(comboIndex, kCustomRole).toBool()) {
        // Back to the user's own pipeline.
        if (!stash_)
            return;
        Stash stash = std::move(*stash_);
        stash_.reset();
        setPipeline(stash.pipeline, {}, stash.path);
        modified_ = stash.modified;
        refreshPresetCombo();
        return;
    }
    const QString name = presetCombo_->itemData(comboIndex).toString();
    if (name == presetName_)
        return;
    try {
        augment::Pipeline preset = augment::Pipeline::preset(name.toStdString());
        // Keep the user's own pipeline to come back to.
        if (presetName_.isEmpty())
            stash_ = Stash{pipeline_, pipelinePath_, modified_};
        setPipeline(preset, name, {});
    } catch (const std::exception& error) {
        refreshPresetCombo();
        showInlineError(QString::fromUtf8(error.what()));
    }
}

void PipelineEditor::refreshPresetCombo()
{
    const QSignalBlocker blocker(presetCombo_);
    presetCombo_->clear();
    for (const std::string& name : augment::Pipeline::presetNames())
        presetCombo_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    // The user's own pipeline: shown, or stashed while a preset is shown.
    const bool ownShown = presetName_.isEmpty() && (pipeline_.size() > 0 || modified_ || !pipelinePath_.isEmpty());
    if (ownShown || stash_) {
        const QString path = ownShown ? pipelinePath_ : stash_->path;
        const bool modified = ownShown ? modified_ : stash_->modified;
        QString label = path.isEmpty() ? tr("Edited pipeline") : QFileInfo(path).fileName();
        if (modified && !path.isEmpty())
            label = tr("%1 (modified)").arg(label);
        presetCombo_->insertSeparator(presetCombo_->count());
        presetCombo_->addItem(label);
        presetCombo_->setItemData(presetCombo_->count() - 1, true, kCustomRole);
        presetCombo_->setItemData(presetCombo_->count() - 1,
                                  path.isEmpty() ? tr("Your pipeline (not saved)") : QDir::toNativeSeparators(path),
                                  Qt::ToolTipRole);
        if (ownShown)
            presetCombo_->setCurrentIndex(presetCombo_->count() - 1);
    }
    if (!presetName_.isEmpty())
        presetCombo_->setCurrentIndex(presetCombo_->findData(presetName_));
    else if (!ownShown)
        presetCombo_->setCurrentIndex(-1);
}

void PipelineEditor::refreshOpTable(int selectRow)
{
    updatingTable_ = true;
    opModel_->setPipeline(pipeline_);
    selectRow = std::min(selectRow, int(pipeline_.size()) - 1);
    if (selectRow >= 0)
        opTable_->setCurrentIndex(opModel_->index(selectRow, 0));
    updatingTable_ = false;
    onOpSelected(selectRow);
}

void PipelineEditor::selectOp(int index)
{
    if (index >= 0 && index < int(pipeline_.size()))
        opTable_->setCurrentIndex(opModel_->index(index, 0));
}

int PipelineEditor::selectedOp() const
{
    const QModelIndex current = opTable_->currentIndex();
    return current.isValid() ? current.row() : -1;
}

void PipelineEditor::onOpSelected(int row)
{
    if (updatingTable_)
        return;
    if (row < 0 || row >= int(pipeline_.size())) {
        paramForm_->clearOp();
    } else {
        const augment::Op& op = pipeline_.op(size_t(row));
        const bool other = row != paramForm_->opIndex() || op.type() != paramForm_->opType();
        paramForm_->setOp(row, op.type(), op.params(), op.probability());
        if (other)
            paramForm_->setError({});
    }
    removeOpButton_->setEnabled(row >= 0);
    upButton_->setEnabled(row > 0);
    downButton_->setEnabled(row >= 0 && row + 1 < int(pipeline_.size()));
}

void PipelineEditor::showInlineError(const QString& message)
{
    paramForm_->setError(message);
    paramScroll_->ensureWidgetVisible(paramForm_->findChild<QLabel*>("paramError"));
}

void PipelineEditor::commitEdit(augment::Pipeline edited, const QVector<int>& previousIndex, int selectRow)
{
    pipeline_ = std::move(edited);
    if (!presetName_.isEmpty()) {
        // An edited preset becomes the user's own pipeline (replacing an older stashed one).
        presetName_.clear();
        stash_.reset();
    }
    modified_ = true;
    paramForm_->setError({});
    refreshPresetCombo();
    refreshOpTable(selectRow);
    emit pipelineChanged(previousIndex);
}

void PipelineEditor::onParamsEdited()
{
    const int index = paramForm_->opIndex();
    if (index < 0 || index >= int(pipeline_.size()))
        return;
    augment::Pipeline edited = pipeline_;
    try {
        edited.replace(size_t(index), paramForm_->params(), paramForm_->probability());
    } catch (const std::exception& error) {
        // Keep the last valid pipeline; the form keeps what was typed so it can be fixed.
        showInlineError(QString::fromUtf8(error.what()));
        return;
    }
    QVector<int> previous = identity(pipeline_.size());
    previous[index] = -1;  // its parameters changed: a recorded draw may no longer fit
    commitEdit(std::move(edited), previous, index);
}

bool PipelineEditor::addOp(const QString& type)
{
    const std::string name = type.toStdString();
    augment::Domain domain = augment::Domain::Waveform;
    for (const augment::OpType& t : augment::opTypes())
        if (t.name == name)
            domain = t.domain;
    // After the selected op; waveform ops stay before the first feature op.
    size_t at = selectedOp() >= 0 ? size_t(selectedOp() + 1) : pipeline_.size();
    size_t firstFeature = pipeline_.size();
    for (size_t i = 0; i < pipeline_.size(); ++i) {
        if (pipeline_.op(i).domain() == augment::Domain::Features) {
            firstFeature = i;
            break;
        }
    }
    at = domain == augment::Domain::Waveform ? std::min(at, firstFeature) : std::max(at, firstFeature);

    augment::Pipeline edited = pipeline_;
    try {
        try {
            edited.insert(at, name, {});
        } catch (const std::exception&) {
            // Ops with required parameters start from their documented defaults.
            augment::ParamMap defaults;
            for (const augment::ParamSpec& spec : augment::opParamSpecs(name))
                if (spec.required)
                    defaults[spec.name] = spec.defaultValue;
            edited = pipeline_;
            edited.insert(at, name, defaults);
        }
    } catch (const std::exception& error) {
        showInlineError(tr("Cannot add %1: %2").arg(AugmentText::opName(name), QString::fromUtf8(error.what())));
        return false;
    }
    QVector<int> previous = identity(pipeline_.size());
    previous.insert(int(at), -1);
    commitEdit(std::move(edited), previous, int(at));
    return true;
}

void PipelineEditor::removeSelectedOp()
{
    const int row = selectedOp();
    if (row < 0)
        return;
    augment::Pipeline edited = pipeline_;
    try {
        edited.remove(size_t(row));
    } catch (const std::exception& error) {
        showInlineError(QString::fromUtf8(error.what()));
        return;
    }
    QVector<int> previous = identity(pipeline_.size());
    previous.remove(row);
    commitEdit(std::move(edited), previous, std::min(row, int(pipeline_.size()) - 2));
}

void PipelineEditor::moveSelectedOp(int delta)
{
    const int row = selectedOp();
    const int to = row + delta;
    if (row < 0 || to < 0 || to >= int(pipeline_.size()))
        return;
    augment::Pipeline edited = pipeline_;
    try {
        edited.move(size_t(row), size_t(to));
    } catch (const std::exception& error) {
        showInlineError(QString::fromUtf8(error.what()));
        return;
    }
    QVector<int> previous = identity(pipeline_.size());
    previous.move(row, to);  // draws follow their op
    commitEdit(std::move(edited), previous, to);
}

bool PipelineEditor::savePipeline(const QString& path)
{
    try {
        pipeline_.save(path.toStdString());
    } catch (const std::exception& error) {
        widgets::showError(this, tr("Cannot save the pipeline"), error);
        return false;
    }
    pipelinePath_ = QFileInfo(path).absoluteFilePath();
    modified_ = false;
    refreshPresetCombo();
    return true;
}

bool PipelineEditor::loadPipeline(const QString& path)
{
    augment::Pipeline loaded;
    try {
        loaded = augment::Pipeline::load(path.toStdString());
    } catch (const std::exception& error) {
        widgets::showError(this, tr("Cannot load the pipeline"), error);
        return false;
    }
    stash_.reset();
    setPipeline(loaded, {}, QFileInfo(path).absoluteFilePath());
    return true;
}

void PipelineEditor::savePipelineAs()
{
    QString suggestion = pipelinePath_;
    if (suggestion.isEmpty()) {
        const QString dir = defaultDir_.isEmpty() ? QDir::homePath() : defaultDir_;
        const QString name = presetName_.isEmpty() ? QStringLiteral("pipeline") : presetName_;
        suggestion = QDir(dir).filePath(QString(name).replace('+', '-') + QStringLiteral(".yaml"));
    }
    const QString path = QFileDialog::getSaveFileName(this, tr("Save pipeline"), suggestion,
                                                      tr("Pipelines (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        savePipeline(path);
}

void PipelineEditor::openPipeline()
{
    const QString dir = pipelinePath_.isEmpty() ? defaultDir_ : QFileInfo(pipelinePath_).absolutePath();
    const QString path =
        QFileDialog::getOpenFileName(this, tr("Load pipeline"), dir, tr("Pipelines (*.yaml *.yml);;All files (*)"));
    if (!path.isEmpty())
        loadPipeline(path);
}

} // namespace espalier::widgets
