#include "widgets/training/stage_editor.h"

#include "core/runtime/error.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDoubleSpinBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QSpinBox>
#include <QTableWidget>
#include <QVBoxLayout>

namespace espalier::widgets {

namespace {

QDoubleSpinBox* spin(QWidget* parent, const char* name, double max, int decimals, double step)
{
    auto* s = new QDoubleSpinBox(parent);
    s->setObjectName(name);
    s->setRange(0.0, max);
    s->setDecimals(decimals);
    s->setSingleStep(step);
    return s;
}

std::vector<std::string> words(const QLineEdit* edit)
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

QString percent(double v)
{
    return QString::number(100.0 * v, 'g', 3) + " %";
}

} // namespace

const prune::SparsitySchedule* EditedStage::schedule() const
{
    switch (type) {
    case Type::Unstructured: return &unstructured.schedule;
    case Type::Structured: return &structured.schedule;
    case Type::Dynamic: return &dynamic.schedule;
    case Type::Layer: return nullptr;
    }
    return nullptr;
}

std::vector<EditedStage> stagesOf(const prune::Recipe& recipe)
{
    std::vector<EditedStage> out;
    auto add = [&out](EditedStage::Type type) -> EditedStage& {
        out.emplace_back();
        out.back().type = type;
        return out.back();
    };
    for (const auto& s : recipe.unstructured)
        add(EditedStage::Type::Unstructured).unstructured = s;
    for (const auto& s : recipe.structured)
        add(EditedStage::Type::Structured).structured = s;
    for (const auto& s : recipe.layer)
        add(EditedStage::Type::Layer).layer = s;
    for (const auto& s : recipe.dynamic)
        add(EditedStage::Type::Dynamic).dynamic = s;
    return out;
}

prune::Recipe recipeOf(const std::string& name, const std::vector<EditedStage>& stages)
{
    prune::Recipe recipe;
    recipe.name = name;
    for (const EditedStage& s : stages) {
        switch (s.type) {
        case EditedStage::Type::Unstructured: recipe.unstructured.push_back(s.unstructured); break;
        case EditedStage::Type::Structured: recipe.structured.push_back(s.structured); break;
        case EditedStage::Type::Dynamic: recipe.dynamic.push_back(s.dynamic); break;
        case EditedStage::Type::Layer: recipe.layer.push_back(s.layer); break;
        }
    }
    return recipe;
}

QString stageTypeName(EditedStage::Type type)
{
    switch (type) {
    case EditedStage::Type::Unstructured: return QCoreApplication::translate("espalier::widgets::StageEditor", "Unstructured");
    case EditedStage::Type::Structured: return QCoreApplication::translate("espalier::widgets::StageEditor", "Structured");
    case EditedStage::Type::Dynamic: return QCoreApplication::translate("espalier::widgets::StageEditor", "Dynamic sparse");
    case EditedStage::Type::Layer: return QCoreApplication::translate("espalier::widgets::StageEditor", "Layer");
    }
    return {};
}

QString stageSummary(const EditedStage& stage)
{
    if (stage.type == EditedStage::Type::Layer) {
        if (!stage.layer.blocks.empty()) {
            QStringList blocks;
            for (int b : stage.layer.blocks)
                blocks << QString::number(b);
            return QCoreApplication::translate("espalier::widgets::StageEditor", "Layer: drop blocks %1").arg(blocks.join(", "));
        }
        return QCoreApplication::translate("espalier::widgets::StageEditor", "Layer: drop the %n least sensitive block(s)", nullptr, stage.layer.drop);
    }
    const prune::SparsitySchedule& s = *stage.schedule();
    const QString unit = s.unit == prune::ScheduleUnit::Epochs ? QCoreApplication::translate("espalier::widgets::StageEditor", "epochs") : QCoreApplication::translate("espalier::widgets::StageEditor", "steps");
    QString what;
    if (stage.type == EditedStage::Type::Structured) {
        QStringList kinds;
        for (prune::ChannelKind k : stage.structured.channels)
            kinds << (k == prune::ChannelKind::Heads         ? QCoreApplication::translate("espalier::widgets::StageEditor", "heads")
                      : k == prune::ChannelKind::Subsampling ? QCoreApplication::translate("espalier::widgets::StageEditor", "conv channels")
                                                             : QCoreApplication::translate("espalier::widgets::StageEditor", "FFN units"));
        what = QCoreApplication::translate("espalier::widgets::StageEditor", "Structured (%1): %2 removed").arg(kinds.join(", "), percent(s.final));
    } else {
        what = QCoreApplication::translate("espalier::widgets::StageEditor", "%1: %2").arg(stageTypeName(stage.type), percent(s.final));
    }
    return QCoreApplication::translate("espalier::widgets::StageEditor", "%1, %2 %3 to %4 %5").arg(what, QString::fromStdString(prune::scheduleShapeNames().name(s.shape)), QString::number(s.begin),
                                       QString::number(s.end), unit);
}

StageEditor::StageEditor(QWidget* parent) : QWidget(parent)
{
    shape_ = new QComboBox(this);
    shape_->setObjectName("shapeCombo");
    for (const std::string& name : prune::scheduleShapeNames().names())
        shape_->addItem(QString::fromStdString(name), QString::fromStdString(name));
    scope_ = new QComboBox(this);
    scope_->setObjectName("scopeCombo");
    scope_->addItem(QString(), int(prune::MaskScope::Global));
    scope_->addItem(QString(), int(prune::MaskScope::Layer));
    unit_ = new QComboBox(this);
    unit_->setObjectName("unitCombo");
    unit_->addItem(QString(), int(prune::ScheduleUnit::Steps));
    unit_->addItem(QString(), int(prune::ScheduleUnit::Epochs));
    initial_ = spin(this, "initialSpin", 0.999, 3, 0.05);
    final_ = spin(this, "finalSpin", 0.999, 3, 0.05);
    begin_ = spin(this, "beginSpin", 1e9, 1, 100);
    end_ = spin(this, "endSpin", 1e9, 1, 100);
    frequency_ = spin(this, "frequencySpin", 1e9, 2, 10);
    channels_ = new QWidget(this);
    ffn_ = new QCheckBox(channels_);
    ffn_->setObjectName("ffnCheck");
    heads_ = new QCheckBox(channels_);
    heads_->setObjectName("headsCheck");
    conv_ = new QCheckBox(channels_);
    conv_->setObjectName("convCheck");
    auto* channelRow = new QHBoxLayout(channels_);
    channelRow->setContentsMargins(0, 0, 0, 0);
    channelRow->addWidget(ffn_);
    channelRow->addWidget(heads_);
    channelRow->addWidget(conv_);
    channelRow->addStretch(1);
    params_ = new QLineEdit(this);
    params_->setObjectName("paramsEdit");
    exclude_ = new QLineEdit(this);
    exclude_->setObjectName("excludeEdit");
    rescore_ = spin(this, "rescoreSpin", 1e9, 2, 1);
    calibration_ = new QSpinBox(this);
    calibration_->setObjectName("calibrationSpin");
    calibration_->setRange(1, 100000);
    dropFraction_ = spin(this, "dropFractionSpin", 1.0, 3, 0.05);
    maskLr_ = spin(this, "maskLrSpin", 1.0, 4, 0.005);
    decay_ = spin(this, "decaySpin", 1.0, 4, 0.005);
    drop_ = new QSpinBox(this);
    drop_->setObjectName("dropSpin");
    drop_->setRange(0, 256);
    blocks_ = new QLineEdit(this);
    blocks_->setObjectName("blocksEdit");

    form_ = new QFormLayout;
    for (QWidget* field : std::initializer_list<QWidget*>{shape_, scope_, unit_, initial_, final_, begin_, end_, frequency_,
                                                          channels_, params_, exclude_, rescore_, calibration_,
                                                          dropFraction_, maskLr_, decay_, drop_, blocks_}) {
        rows_.emplace_back(new QLabel(this), field);
        form_->addRow(rows_.back().first, field);
    }

    overridesBox_ = new QWidget(this);
    overridesLabel_ = new QLabel(overridesBox_);
    overrides_ = new QTableWidget(0, 2, overridesBox_);
    overrides_->setObjectName("overridesTable");
    overrides_->verticalHeader()->hide();
    overrides_->horizontalHeader()->setSectionResizeMode(0, QHeaderView::Stretch);
    overrides_->horizontalHeader()->setSectionResizeMode(1, QHeaderView::ResizeToContents);
    addOverride_ = new QPushButton(overridesBox_);
    removeOverride_ = new QPushButton(overridesBox_);
    auto* overrideButtons = new QHBoxLayout;
    overrideButtons->addWidget(addOverride_);
    overrideButtons->addWidget(removeOverride_);
    overrideButtons->addStretch(1);
    auto* overridesLayout = new QVBoxLayout(overridesBox_);
    overridesLayout->setContentsMargins(0, 0, 0, 0);
    overridesLayout->addWidget(overridesLabel_);
    overridesLayout->addWidget(overrides_, 1);
    overridesLayout->addLayout(overrideButtons);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(form_);
    layout->addWidget(overridesBox_, 1);

    for (QComboBox* c : {shape_, scope_, unit_})
        connect(c, &QComboBox::currentIndexChanged, this, &StageEditor::changed);
    for (QDoubleSpinBox* s : {initial_, final_, begin_, end_, frequency_, rescore_, dropFraction_, maskLr_, decay_})
        connect(s, &QDoubleSpinBox::valueChanged, this, &StageEditor::changed);
    for (QSpinBox* s : {calibration_, drop_})
        connect(s, &QSpinBox::valueChanged, this, &StageEditor::changed);
    for (QCheckBox* c : {ffn_, heads_, conv_})
        connect(c, &QCheckBox::toggled, this, &StageEditor::changed);
    for (QLineEdit* e : {params_, exclude_, blocks_})
        connect(e, &QLineEdit::textChanged, this, &StageEditor::changed);
    connect(overrides_, &QTableWidget::itemChanged, this, &StageEditor::changed);
    connect(addOverride_, &QPushButton::clicked, this, [this] { addOverrideRow("re:.*ctc.*", 0.3); });
    connect(removeOverride_, &QPushButton::clicked, this, [this] {
        if (overrides_->currentRow() >= 0)
            overrides_->removeRow(overrides_->currentRow());
        emit changed();
    });
    retranslate();
    showRowsFor(type_);
}

void StageEditor::retranslate()
{
    const QStringList labels = {tr("Curve"), tr("Threshold"), tr("Counted in"), tr("Initial sparsity"), tr("Final sparsity"),
                                tr("Begin"), tr("End"), tr("Update every"), tr("Remove"), tr("Prune"), tr("Never prune"),
                                tr("Re-score every"), tr("Calibration utterances"), tr("Regrow fraction"),
                                tr("Mask learning rate η"), tr("Inactive decay λ"), tr("Drop blocks"), tr("Blocks")};
    for (size_t i = 0; i < rows_.size(); ++i)
        rows_[i].first->setText(labels[int(i)]);
    scope_->setItemText(0, tr("global (one threshold)"));
    scope_->setItemText(1, tr("per tensor"));
    unit_->setItemText(0, tr("optimiser steps"));
    unit_->setItemText(1, tr("epochs"));
    ffn_->setText(tr("feed-forward units"));
    heads_->setText(tr("attention heads"));
    conv_->setText(tr("subsampling conv channels"));
    conv_->setToolTip(tr("The output channels of the front end's two 3×3 convolutions, a large share of the compute"));
    params_->setToolTip(tr("Patterns separated by spaces: __ALL_PRUNABLE__, a glob such as encoder.blocks.*.feed_forward.*, "
                           "or re:<regular expression>"));
    exclude_->setToolTip(params_->toolTip());
    exclude_->setPlaceholderText(tr("nothing excluded"));
    rescore_->setToolTip(tr("Channel importance (the L2 norm of each channel's feature map) is measured again after this "
                            "many units; the seed re-scores every 5 epochs"));
    dropFraction_->setToolTip(tr("Share of the active weights dropped and regrown at the first update, decayed to 0 at "
                                 "End (RigL's cosine)"));
    maskLr_->setToolTip(tr("η: how fast the regrowth scores (a running mean of |gradient|) follow new gradients"));
    decay_->setToolTip(tr("λ: per-step decay of a dropped weight's kept value, restored if it regrows"));
    drop_->setToolTip(tr("How many blocks to drop, least sensitive first (0: use the list below)"));
    blocks_->setPlaceholderText(tr("block indices, e.g. 2 5"));
    overridesLabel_->setText(tr("Own final sparsity for:"));
    overrides_->setHorizontalHeaderLabels({tr("Pattern"), tr("Final sparsity")});
    addOverride_->setText(tr("Add"));
    removeOverride_->setText(tr("Remove"));
    showRowsFor(type_);
}

void StageEditor::showRowsFor(EditedStage::Type type)
{
    using T = EditedStage::Type;
    const bool scheduled = type != T::Layer;
    const std::vector<std::pair<QWidget*, bool>> visible = {
        {shape_, scheduled},        {scope_, type == T::Unstructured || type == T::Dynamic},
        {unit_, scheduled},         {initial_, scheduled},
        {final_, scheduled},        {begin_, scheduled},
        {end_, scheduled},          {frequency_, scheduled},
        {channels_, type == T::Structured},
        {params_, scheduled},       {exclude_, scheduled},
        {rescore_, type == T::Structured},
        {calibration_, type == T::Structured || type == T::Layer},
        {dropFraction_, type == T::Dynamic},
        {maskLr_, type == T::Dynamic},
        {decay_, type == T::Dynamic},
        {drop_, type == T::Layer},  {blocks_, type == T::Layer}};
    for (const auto& [field, on] : visible)
        form_->setRowVisible(field, on);
    overridesBox_->setVisible(type == T::Unstructured);
    // The same edit holds parameter patterns or (structured) channel-group patterns.
    for (const auto& [label, field] : rows_)
        if (field == params_)
            label->setText(type == T::Structured ? tr("Groups") : tr("Prune"));
    params_->setPlaceholderText(type == T::Structured ? tr("* (every block), or e.g. encoder.blocks.*.feed_forward") : QString());
}

void StageEditor::addOverrideRow(const QString& pattern, double sparsity)
{
    const int row = overrides_->rowCount();
    overrides_->insertRow(row);
    overrides_->setItem(row, 0, new QTableWidgetItem(pattern));
    overrides_->setItem(row, 1, new QTableWidgetItem(QString::number(sparsity)));
    emit changed();
}

void StageEditor::setStage(const EditedStage& stage)
{
    const QSignalBlocker block(this);
    std::vector<std::unique_ptr<QSignalBlocker>> blockers;
    for (QObject* o : std::initializer_list<QObject*>{shape_, scope_, unit_, initial_, final_, begin_, end_, frequency_, ffn_,
                                                      heads_, conv_, params_, exclude_, rescore_, calibration_, dropFraction_,
                                                      maskLr_, decay_, drop_, blocks_, overrides_})
        blockers.push_back(std::make_unique<QSignalBlocker>(o));
    type_ = stage.type;
    if (const prune::SparsitySchedule* s = stage.schedule()) {
        shape_->setCurrentIndex(shape_->findData(QString(prune::scheduleShapeNames().name(s->shape))));
        unit_->setCurrentIndex(unit_->findData(int(s->unit)));
        initial_->setValue(s->initial);
        final_->setValue(s->final);
        begin_->setValue(s->begin);
        end_->setValue(s->end);
        frequency_->setValue(s->frequency);
    }
    overrides_->setRowCount(0);
    switch (stage.type) {
    case EditedStage::Type::Unstructured:
        scope_->setCurrentIndex(scope_->findData(int(stage.unstructured.scope)));
        params_->setText(joined(stage.unstructured.params));
        exclude_->setText(joined(stage.unstructured.exclude));
        for (const prune::SparsityOverride& o : stage.unstructured.overrides) {
            const int row = overrides_->rowCount();
            overrides_->insertRow(row);
            overrides_->setItem(row, 0, new QTableWidgetItem(QString::fromStdString(o.pattern)));
            overrides_->setItem(row, 1, new QTableWidgetItem(QString::number(o.finalSparsity)));
        }
        break;
    case EditedStage::Type::Structured: {
        const auto& s = stage.structured;
        auto has = [&s](prune::ChannelKind k) { return std::find(s.channels.begin(), s.channels.end(), k) != s.channels.end(); };
        ffn_->setChecked(has(prune::ChannelKind::FeedForward));
        heads_->setChecked(has(prune::ChannelKind::Heads));
        conv_->setChecked(has(prune::ChannelKind::Subsampling));
        params_->setText(joined(s.groups));
        exclude_->setText(joined(s.exclude));
        rescore_->setValue(s.rescoreEvery);
        calibration_->setValue(s.calibrationUtterances);
        break;
    }
    case EditedStage::Type::Dynamic:
        scope_->setCurrentIndex(scope_->findData(int(stage.dynamic.scope)));
        params_->setText(joined(stage.dynamic.params));
        exclude_->setText(joined(stage.dynamic.exclude));
        dropFraction_->setValue(stage.dynamic.dropFraction);
        maskLr_->setValue(stage.dynamic.maskLr);
        decay_->setValue(stage.dynamic.decay);
        break;
    case EditedStage::Type::Layer: {
        drop_->setValue(stage.layer.drop);
        QStringList blocks;
        for (int b : stage.layer.blocks)
            blocks << QString::number(b);
        blocks_->setText(blocks.join(' '));
        calibration_->setValue(stage.layer.calibrationUtterances);
        break;
    }
    }
    showRowsFor(type_);
    const bool constant = shape_->currentData().toString() == "constant";
    end_->setEnabled(!constant || type_ == EditedStage::Type::Dynamic);
}

EditedStage StageEditor::stage() const
{
    EditedStage stage;
    stage.type = type_;
    prune::SparsitySchedule schedule;
    schedule.shape = prune::scheduleShapeNames().parse(shape_->currentData().toString().toStdString()).value_or(prune::ScheduleShape::AgpCubic);
    schedule.unit = prune::ScheduleUnit(unit_->currentData().toInt());
    schedule.initial = initial_->value();
    schedule.final = final_->value();
    schedule.begin = begin_->value();
    schedule.end = end_->value();
    schedule.frequency = frequency_->value();
    switch (type_) {
    case EditedStage::Type::Unstructured: {
        auto& s = stage.unstructured;
        s.schedule = schedule;
        s.scope = prune::MaskScope(scope_->currentData().toInt());
        s.params = words(params_);
        s.exclude = words(exclude_);
        for (int row = 0; row < overrides_->rowCount(); ++row) {
            const QTableWidgetItem* pattern = overrides_->item(row, 0);
            const QTableWidgetItem* value = overrides_->item(row, 1);
            bool ok = false;
            const double sparsity = value ? value->text().toDouble(&ok) : 0.0;
            if (!pattern || pattern->text().trimmed().isEmpty() || !ok)
                throw InputError("overrides: row " + std::to_string(row + 1) + " needs a pattern and a final sparsity");
            s.overrides.push_back({pattern->text().trimmed().toStdString(), sparsity});
        }
        break;
    }
    case EditedStage::Type::Structured: {
        auto& s = stage.structured;
        s.schedule = schedule;
        s.channels.clear();
        if (ffn_->isChecked())
            s.channels.push_back(prune::ChannelKind::FeedForward);
        if (heads_->isChecked())
            s.channels.push_back(prune::ChannelKind::Heads);
        if (conv_->isChecked())
            s.channels.push_back(prune::ChannelKind::Subsampling);
        if (s.channels.empty())
            throw InputError("structured stage: choose feed-forward units, attention heads or convolution channels");
        s.groups = words(params_);
        s.exclude = words(exclude_);
        s.rescoreEvery = rescore_->value();
        s.calibrationUtterances = calibration_->value();
        break;
    }
    case EditedStage::Type::Dynamic: {
        auto& s = stage.dynamic;
        s.schedule = schedule;
        s.scope = prune::MaskScope(scope_->currentData().toInt());
        s.params = words(params_);
        s.exclude = words(exclude_);
        s.dropFraction = dropFraction_->value();
        s.maskLr = maskLr_->value();
        s.decay = decay_->value();
        break;
    }
    case EditedStage::Type::Layer: {
        auto& s = stage.layer;
        s.drop = drop_->value();
        for (const std::string& w : words(blocks_)) {
            bool ok = false;
            const int b = QString::fromStdString(w).toInt(&ok);
            if (!ok || b < 0)
                throw InputError("layer stage: blocks: '" + w + "' is not a block index");
            s.blocks.push_back(b);
        }
        s.calibrationUtterances = calibration_->value();
        break;
    }
    }
    return stage;
}

} // namespace espalier::widgets
