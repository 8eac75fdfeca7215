#include "widgets/devices/bench_settings_form.h"

#include "core/data/corpus.h"
#include "core/deploy/bench_inputs.h"
#include "core/project/project.h"
#include "core/runtime/device_info.h"
#include "core/train/run_record.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDoubleSpinBox>
#include <QEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSpinBox>
#include <QVBoxLayout>

namespace espalier::widgets {

namespace {

constexpr int kPathRole = Qt::UserRole;       // a model row's run folder or .espm file; a test set's manifest
constexpr int kLabelRole = Qt::UserRole + 1;  // a model row's label

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

QListWidgetItem* checkableItem(QListWidget* list, const QString& label, const QString& path, const QString& tip)
{
    auto* item = new QListWidgetItem(label, list);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsUserCheckable | Qt::ItemIsSelectable);
    item->setCheckState(Qt::Unchecked);
    item->setData(kPathRole, path);
    item->setData(kLabelRole, label);
    item->setToolTip(tip);
    return item;
}

} // namespace

BenchSettingsForm::BenchSettingsForm(QWidget* parent) : QWidget(parent)
{
    modelsLabel_ = new QLabel(this);
    models_ = new QListWidget(this);
    models_->setObjectName("benchModels");
    addModel_ = new QPushButton(this);
    addModel_->setEnabled(false);
    features_ = new QCheckBox(this);
    features_->setObjectName("featuresInput");
    features_->setChecked(true);
    frames_ = new QSpinBox(this);
    frames_->setRange(7, 100000);
    frames_->setValue(600);
    testSetsLabel_ = new QLabel(this);
    testSets_ = new QListWidget(this);
    testSets_->setObjectName("benchTestSets");
    testSets_->setMaximumHeight(90);
    utterancesLabel_ = new QLabel(this);
    utterances_ = new QSpinBox(this);
    utterances_->setRange(1, 1000);
    utterances_->setValue(5);
    runsLabel_ = new QLabel(this);
    runs_ = new QSpinBox(this);
    runs_->setRange(1, 100000);
    runs_->setValue(20);
    warmupLabel_ = new QLabel(this);
    warmup_ = new QSpinBox(this);
    warmup_->setRange(0, 1000);
    warmup_->setValue(3);
    roundsLabel_ = new QLabel(this);
    rounds_ = new QSpinBox(this);
    rounds_->setRange(1, 1000);
    rounds_->setValue(3);
    cooldownLabel_ = new QLabel(this);
    cooldown_ = new QDoubleSpinBox(this);
    cooldown_->setRange(0.0, 3600.0);
    cooldown_->setDecimals(1);
    cooldown_->setValue(5.0);
    threadsLabel_ = new QLabel(this);
    threads_ = new QSpinBox(this);
    threads_->setRange(1, 256);
    cpusLabel_ = new QLabel(this);
    cpus_ = new QComboBox(this);
    cpus_->setObjectName("benchCpus");
    cpus_->setEditable(true);

    auto* framesRow = new QHBoxLayout;
    framesRow->addWidget(features_);
    framesRow->addWidget(frames_);
    framesRow->addStretch(1);
    auto* settingsForm = new QFormLayout;
    settingsForm->addRow(utterancesLabel_, utterances_);
    settingsForm->addRow(runsLabel_, runs_);
    settingsForm->addRow(warmupLabel_, warmup_);
    settingsForm->addRow(roundsLabel_, rounds_);
    settingsForm->addRow(cooldownLabel_, cooldown_);
    settingsForm->addRow(threadsLabel_, threads_);
    settingsForm->addRow(cpusLabel_, cpus_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(modelsLabel_);
    layout->addWidget(models_, 1);
    layout->addWidget(addModel_, 0, Qt::AlignLeft);
    layout->addLayout(framesRow);
    layout->addWidget(testSetsLabel_);
    layout->addWidget(testSets_);
    layout->addLayout(settingsForm);

    connect(addModel_, &QPushButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("Add a model"),
                                                          project_ ? text(project_->dir()) : QString(),
                                                          tr("Espalier models (*.espm)"));
        if (!file.isEmpty())
            checkModel(file);
    });
    connect(features_, &QCheckBox::toggled, frames_, &QWidget::setEnabled);
    retranslate();
    setDevice(nullptr, {});
}

void BenchSettingsForm::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void BenchSettingsForm::retranslate()
{
    modelsLabel_->setText(tr("Models (the first checked is the baseline):"));
    addModel_->setText(tr("Add .espm file…"));
    features_->setText(tr("Random features, frames:"));
    features_->setToolTip(tr("The encoder alone on this many frames of random features (600 = 6 s of audio)"));
    testSetsLabel_->setText(tr("Test sets (end to end on their utterances):"));
    utterancesLabel_->setText(tr("Utterances per test set"));
    runsLabel_->setText(tr("Runs"));
    warmupLabel_->setText(tr("Warm-up runs"));
    roundsLabel_->setText(tr("Rounds"));
    roundsLabel_->setToolTip(tr("Each round times every model once; the order reverses every other round"));
    cooldownLabel_->setText(tr("Cool-down (s)"));
    threadsLabel_->setText(tr("Threads"));
    cpusLabel_->setText(tr("Pin to CPUs"));
    if (cpus_->count() > 0)
        cpus_->setItemText(0, tr("anywhere (no pinning)"));
}

void BenchSettingsForm::setProject(const project::Project* project)
{
    project_ = project;
    addModel_->setEnabled(project_ != nullptr);
    QStringList checked;
    for (int i = 0; i < models_->count(); ++i)
        if (models_->item(i)->checkState() == Qt::Checked)
            checked << models_->item(i)->data(kPathRole).toString();
    models_->clear();
    testSets_->clear();
    if (!project_)
        return;
    for (const train::RunRecord& run : train::listRuns(project_->runsDir())) {
        if (run.state == train::RunState::Empty)
            continue;
        QString tip = text(run.model);
        if (run.sparsity)
            tip += tr(", %1 % sparse").arg(100.0 * *run.sparsity, 0, 'f', 1);
        QListWidgetItem* item = checkableItem(models_, text(run.id), text(run.dir), tip);
        if (checked.contains(text(run.dir)))
            item->setCheckState(Qt::Checked);
    }
    for (const QString& path : checked)
        if (path.endsWith(".espm"))
            checkModel(path);
    for (const project::CorpusEntry& corpus : project_->config().corpora) {
        try {
            for (const data::CorpusSplit& split : data::findSplits(project_->absoluteCorpusPath(corpus))) {
                if (split.name.rfind("test", 0) != 0)
                    continue;
                QListWidgetItem* item =
                    checkableItem(testSets_, text(split.name), text(split.path), text(corpus.name + "/" + split.name));
                item->setCheckState(Qt::Checked);
            }
        } catch (const std::exception&) {
            // A corpus that cannot be read offers no test sets; the Data page says why.
        }
    }
}

void BenchSettingsForm::setDevice(const runtime::DeviceInfo* info, const QString& defaultCpus)
{
    cpus_->clear();
    cpus_->addItem(tr("anywhere (no pinning)"), QString());
    if (info) {
        for (size_t i = 0; i < info->clusters.size(); ++i) {
            const runtime::CpuCluster& c = info->clusters[i];
            const QString cpus = text(runtime::cpuListText(c.cpus));
            const QString which = info->clusters.size() == 1 ? tr("all %1 CPUs").arg(c.cpus.size())
                                  : i + 1 == info->clusters.size() ? tr("big cluster")
                                  : i == 0                         ? tr("little cluster")
                                                                   : tr("middle cluster");
            cpus_->addItem(QStringLiteral("%1: %2 (%3)").arg(which, cpus, text(c.core)), cpus);
        }
    }
    if (!defaultCpus.isEmpty()) {
        const int at = cpus_->findData(defaultCpus);
        if (at >= 0) {
            cpus_->setCurrentIndex(at);
        } else {
            cpus_->addItem(tr("device default: %1").arg(defaultCpus), defaultCpus);
            cpus_->setCurrentIndex(cpus_->count() - 1);
        }
    } else if (info && info->clusters.size() > 1) {
        cpus_->setCurrentIndex(cpus_->count() - 1);  // the big cluster, as benchmark tools pin by default
    }
}

void BenchSettingsForm::checkModel(const QString& path, bool checked)
{
    for (int i = 0; i < models_->count(); ++i)
        if (models_->item(i)->data(kPathRole).toString() == path) {
            models_->item(i)->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
            return;
        }
    QListWidgetItem* item = checkableItem(models_, QFileInfo(path).completeBaseName(), path, path);
    item->setCheckState(checked ? Qt::Checked : Qt::Unchecked);
}

void BenchSettingsForm::setBenchmarkSettings(int frames, int runs, int warmup, int rounds, double cooldownSeconds)
{
    frames_->setValue(frames);
    runs_->setValue(runs);
    warmup_->setValue(warmup);
    rounds_->setValue(rounds);
    cooldown_->setValue(cooldownSeconds);
}

void BenchSettingsForm::setFeaturesInput(bool on)
{
    features_->setChecked(on);
}

std::vector<deploy::BenchModelSource> BenchSettingsForm::models() const
{
    std::vector<deploy::BenchModelSource> out;
    for (int i = 0; i < models_->count(); ++i) {
        const QListWidgetItem* item = models_->item(i);
        if (item->checkState() == Qt::Checked)
            out.push_back({item->data(kPathRole).toString().toStdString(), item->data(kLabelRole).toString().toStdString()});
    }
    return out;
}

deploy::BenchSettings BenchSettingsForm::settings() const
{
    deploy::BenchSettings settings;
    if (features_->isChecked())
        settings.inputs.push_back(deploy::featuresInput(frames_->value()));
    for (int i = 0; i < testSets_->count(); ++i) {
        const QListWidgetItem* item = testSets_->item(i);
        if (item->checkState() == Qt::Checked)
            settings.inputs.push_back(deploy::testSetInput(item->data(kPathRole).toString().toStdString(),
                                                           utterances_->value(), item->text().toStdString()));
    }
    settings.runs = runs_->value();
    settings.warmup = warmup_->value();
    settings.rounds = rounds_->value();
    settings.cooldownSeconds = cooldown_->value();
    settings.threads = threads_->value();
    const int at = cpus_->findText(cpus_->currentText());
    settings.cpus = (at >= 0 ? cpus_->itemData(at).toString() : cpus_->currentText().trimmed()).toStdString();
    return settings;
}

QStringList BenchSettingsForm::inputNames() const
{
    QStringList names;
    for (const deploy::BenchInput& input : settings().inputs)
        names << text(input.name);
    return names;
}

} // namespace espalier::widgets
