#include "widgets/training/new_run_form.h"

#include "core/augment/pipeline.h"
#include "core/model/torch_setup.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "core/train/shipped_configs.h"

#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QSpinBox>
#include <QStandardItemModel>
#include <QToolButton>

namespace espalier::widgets {

namespace {

bool selectData(QComboBox* combo, const QVariant& value)
{
    const int i = combo->findData(value);
    if (i < 0)
        return false;
    combo->setCurrentIndex(i);
    return true;
}

} // namespace

NewRunForm::NewRunForm(QWidget* parent) : QWidget(parent)
{
    template_ = new QComboBox(this);
    template_->setObjectName("templateCombo");
    for (const train::ShippedConfig& c : train::shippedConfigs())
        template_->addItem(QString::fromStdString(c.name), QString::fromStdString(c.name));
    corpus_ = new QComboBox(this);
    corpus_->setObjectName("corpusCombo");
    modelSize_ = new QComboBox(this);
    modelSize_->setObjectName("modelSizeCombo");
    modelSize_->addItem(QString(), QString());  // the template's model
    for (const std::string& size : model::ModelConfig::presetNames())
        modelSize_->addItem(QString::fromStdString(size), QString::fromStdString(size));
    modelType_ = new QComboBox(this);
    modelType_->setObjectName("modelTypeCombo");
    modelType_->addItem("Conformer-CTC", int(model::ModelType::Conformer));
    modelType_->addItem("Transformer-CTC", int(model::ModelType::Transformer));
    augmentation_ = new QComboBox(this);
    augmentation_->setObjectName("augmentationCombo");
    augmentation_->addItem(QString(), QStringLiteral("none"));
    for (const std::string& preset : augment::Pipeline::presetNames())
        augmentation_->addItem(QString::fromStdString(preset), QString::fromStdString(preset));
    precision_ = new QComboBox(this);
    precision_->setObjectName("precisionCombo");
    precision_->addItem(QString(), int(train::Precision::Fp32));
    precision_->addItem(QString(), int(train::Precision::Bf16));
    precision_->addItem(QString(), int(train::Precision::Fp16));
    if (!model::cudaAvailable()) {
        // fp16 with loss scaling runs on CUDA only; keep it visible but not selectable.
        if (auto* model = qobject_cast<QStandardItemModel*>(precision_->model()))
            model->item(2)->setEnabled(false);
    }
    steps_ = new QSpinBox(this);
    steps_->setObjectName("stepsSpin");
    steps_->setRange(1, 10'000'000);
    steps_->setSingleStep(100);
    maxMinutes_ = new QDoubleSpinBox(this);
    maxMinutes_->setObjectName("maxMinutesSpin");
    maxMinutes_->setRange(0.0, 100'000.0);
    maxMinutes_->setDecimals(1);
    seed_ = new QSpinBox(this);
    seed_->setObjectName("seedSpin");
    seed_->setRange(0, 1'000'000'000);
    name_ = new QLineEdit(this);
    name_->setObjectName("runNameEdit");
    recipe_ = new QLineEdit(this);
    recipe_->setObjectName("recipeEdit");
    recipe_->setClearButtonEnabled(true);
    auto* browse = new QToolButton(this);
    browse->setText(QStringLiteral("…"));
    auto* recipeRow = new QWidget(this);
    auto* recipeLayout = new QHBoxLayout(recipeRow);
    recipeLayout->setContentsMargins(0, 0, 0, 0);
    recipeLayout->addWidget(recipe_, 1);
    recipeLayout->addWidget(browse);
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString path = QFileDialog::getOpenFileName(this, tr("Pruning recipe"), recipe_->text(),
                                                          tr("Recipes (*.yaml *.yml);;All files (*)"));
        if (!path.isEmpty())
            recipe_->setText(path);
    });

    layout_ = new QFormLayout(this);
    layout_->setContentsMargins(0, 0, 0, 0);
    for (QWidget* field : std::initializer_list<QWidget*>{template_, corpus_, modelSize_, modelType_, augmentation_,
                                                          precision_, steps_, maxMinutes_, seed_, name_, recipeRow}) {
        labels_.push_back(new QLabel(this));
        layout_->addRow(labels_.back(), field);
    }
    for (QComboBox* combo : {corpus_, modelSize_, modelType_, augmentation_, precision_})
        connect(combo, &QComboBox::currentIndexChanged, this, &NewRunForm::changed);
    connect(template_, &QComboBox::currentIndexChanged, this, [this] {
        applyTemplate();
        emit changed();
    });
    selectTemplate("small");
    applyTemplate();
    retranslate();
}

void NewRunForm::retranslate()
{
    const QStringList labels = {tr("Template"),  tr("Corpus"),    tr("Model size"), tr("Model"),
                                tr("Augmentation"), tr("Precision"), tr("Steps"),      tr("Time budget"),
                                tr("Seed"),      tr("Run name"),  tr("Pruning recipe")};
    for (size_t i = 0; i < labels_.size(); ++i)
        labels_[i]->setText(labels[int(i)]);
    modelSize_->setItemText(0, tr("as in the template"));
    augmentation_->setItemText(0, tr("none"));
    precision_->setItemText(0, tr("fp32"));
    precision_->setItemText(1, tr("bf16 autocast"));
    precision_->setItemText(2, model::cudaAvailable() ? tr("fp16 + loss scaling (CUDA)")
                                                      : tr("fp16 + loss scaling (needs CUDA)"));
    maxMinutes_->setSuffix(tr(" min"));
    maxMinutes_->setSpecialValueText(tr("none"));
    maxMinutes_->setToolTip(tr("Training ends after this many minutes (the run is then complete and its test sets "
                               "are evaluated); 0 = no time budget."));
    template_->setToolTip(tr("A shipped training config (resources/configs): optimiser, schedule, batching and "
                             "features come from it."));
    name_->setPlaceholderText(tr("the template's name"));
    recipe_->setPlaceholderText(tr("none: dense training"));
    recipe_->setToolTip(tr("A pruning recipe (docs/formats/recipe.md) followed during training"));
}

void NewRunForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void NewRunForm::applyTemplate()
{
    const train::TrainConfig c = train::shippedTemplate(template_->currentData().toString().toStdString());
    modelSize_->setCurrentIndex(0);
    selectData(modelType_, int(c.model.config.type));
    if (!selectData(augmentation_, QString::fromStdString(c.augment.preset)))
        augmentation_->setCurrentIndex(0);
    selectData(precision_, int(c.precision));
    steps_->setValue(int(std::min<long long>(c.steps > 0 ? c.steps : 1000, steps_->maximum())));
    maxMinutes_->setValue(c.maxMinutes);
    seed_->setValue(int(c.seed));
    templateName_ = QString::fromStdString(c.name);
}

void NewRunForm::setCorpora(const std::vector<std::pair<QString, QString>>& corpora)
{
    const QString previous = corpus_->currentText();
    corpus_->clear();
    for (const auto& [name, dir] : corpora)
        corpus_->addItem(name, dir);
    const int i = corpus_->findText(previous);
    if (i >= 0)
        corpus_->setCurrentIndex(i);
}

train::TrainConfig NewRunForm::config() const
{
    const QString corpus = corpus_->currentData().toString();
    if (corpus.isEmpty())
        throw InputError("Corpus: the project has no corpus to train on; add one on the Project page or create the demo project");
    train::TrainConfig c = train::shippedConfig(template_->currentData().toString().toStdString(), corpus.toStdString());
    const auto type = model::ModelType(modelType_->currentData().toInt());
    if (const QString size = modelSize_->currentData().toString(); !size.isEmpty()) {
        const double dropout = c.model.config.dropout;
        c.model.config = model::ModelConfig::preset(size.toStdString(), type);
        c.model.config.dropout = dropout;
        c.model.config.inputDim = c.features.fbank.numMelBins;
    }
    c.model.config.type = type;
    c.augment.preset = augmentation_->currentData().toString().toStdString();
    c.augment.file.clear();
    c.precision = train::Precision(precision_->currentData().toInt());
    c.device = c.precision == train::Precision::Fp16 ? train::DeviceKind::Cuda : train::DeviceKind::Cpu;
    c.steps = steps_->value();
    c.epochs = 0;
    c.maxMinutes = maxMinutes_->value();
    c.seed = std::uint64_t(seed_->value());
    c.name = runName().toStdString();
    c.recipe.clear();
    if (const QString recipe = recipe_->text().trimmed(); !recipe.isEmpty()) {
        if (!QFileInfo(recipe).isFile())
            throw InputError("Pruning recipe: no such file: " + recipe.toStdString());
        prune::loadAnyRecipe(recipe.toStdString());  // its first problem, with file:line, before launching
        c.recipe = QFileInfo(recipe).absoluteFilePath().toStdString();
    }
    c.validate();
    return c;
}

QString NewRunForm::runName() const
{
    const QString name = name_->text().trimmed();
    return name.isEmpty() ? templateName_ : name;
}

bool NewRunForm::selectTemplate(const QString& name) { return selectData(template_, name); }
bool NewRunForm::selectCorpus(const QString& name)
{
    const int i = corpus_->findText(name);
    if (i >= 0)
        corpus_->setCurrentIndex(i);
    return i >= 0;
}
bool NewRunForm::selectModelSize(const QString& size) { return selectData(modelSize_, size); }
bool NewRunForm::selectPrecision(train::Precision precision) { return selectData(precision_, int(precision)); }
bool NewRunForm::selectAugmentation(const QString& preset) { return selectData(augmentation_, preset); }
void NewRunForm::setSteps(long long steps) { steps_->setValue(int(std::min<long long>(steps, steps_->maximum()))); }
void NewRunForm::setMaxMinutes(double minutes) { maxMinutes_->setValue(minutes); }
void NewRunForm::setSeed(int seed) { seed_->setValue(seed); }
void NewRunForm::setRecipe(const QString& path) { recipe_->setText(path); }

} // namespace espalier::widgets
