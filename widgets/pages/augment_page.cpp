#include "widgets/pages/augment_page.h"

#include "core/audio/audio_file.h"
#include "core/augment/op_registry.h"
#include "core/augment/preview.h"
#include "core/job/shell_quote.h"
#include "core/job/job.h"
#include "core/project/project.h"
#include "widgets/augment/applied_ops_model.h"
#include "widgets/augment/before_after_view.h"
#include "widgets/augment/op_param_form.h"
#include "widgets/augment/param_text.h"
#include "widgets/augment/pipeline_editor.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/run_in_background.h"
#include "widgets/utterance_picker.h"

#include <QComboBox>
#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QGridLayout>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QMenu>
#include <QMimeData>
#include <QProgressBar>
#include <QPushButton>
#include <QRandomGenerator>
#include <QScrollArea>
#include <QSpinBox>
#include <QSplitter>
#include <QStandardItemModel>
#include <QStyle>
#include <QTableView>
#include <QTemporaryDir>
#include <QTimer>
#include <QToolButton>
#include <QUrl>
#include <QVBoxLayout>

#include <algorithm>
#include <climits>
#include <cmath>

namespace espalier::widgets {

namespace {
// Edits closer together than this are previewed once.
constexpr int kCoalesceMs = 60;
// The busy indicator appears only for work that takes longer than this (no flicker on quick edits).
constexpr int kBusyDelayMs = 150;

} // namespace

// The audio being previewed, as the pipeline gets it.
struct AugmentPage::Source {
    augment::Signal signal;
};

struct AugmentPage::PreviewResult {
    int generation = 0;
    std::shared_ptr<const Source> source;
    augment::AugmentPreview preview;
    QString error;
};

AugmentPage::AugmentPage(QWidget* parent) : Page(parent)
{
    appliedModel_ = new AppliedOpsModel(this);
    previewTimer_ = new QTimer(this);
    previewTimer_->setSingleShot(true);
    previewTimer_->setInterval(kCoalesceMs);
    busyDelay_ = new QTimer(this);
    busyDelay_->setSingleShot(true);
    busyDelay_->setInterval(kBusyDelayMs);
    setAcceptDrops(true);

    buildUi();

    connect(previewTimer_, &QTimer::timeout, this, &AugmentPage::startPreview);
    connect(busyDelay_, &QTimer::timeout, this, [this] { busyBar_->setVisible(previewBusy()); });
    connect(picker_, &UtterancePicker::utterancePicked, this,
            [this](const QString& path, const QString& key, const QString& text) { loadSource(path, key, text); });
    connect(picker_, &UtterancePicker::utterancesLoaded, this, [this](int count) {
        // The first visit shows something at once: the first utterance of the split.
        if (count > 0 && !source_ && loadingSources_ == 0 && sourcePath_.isEmpty())
            picker_->selectRow(0);
        updateBusy();
    });
    connect(openAudioButton_, &QPushButton::clicked, this, &AugmentPage::openAudio);

    connect(editor_, &PipelineEditor::pipelineChanged, this, &AugmentPage::onPipelineChanged);
    connect(commandButton_, &QPushButton::clicked, this, [this] { showCommandDialog(this, previewCommand()); });

    connect(seedSpin_, qOverload<int>(&QSpinBox::valueChanged), this, [this](int value) {
        // A seed typed in starts a new series of draws.
        drawBase_ = quint64(value);
        seed_ = quint64(value);
        updateDrawControls();
        schedulePreview();
    });
    connect(reseedButton_, &QPushButton::clicked, this, &AugmentPage::reseed);
    connect(nextDrawButton_, &QPushButton::clicked, this, &AugmentPage::nextDraw);
    connect(prevDrawButton_, &QPushButton::clicked, this, &AugmentPage::previousDraw);
    connect(appliedModel_, &AppliedOpsModel::lockToggled, this, &AugmentPage::onLockToggled);

    {
        const QSignalBlocker blocker(seedSpin_);
        seedSpin_->setValue(int(seed_));
    }
    retranslate();
    clearPreview();
    updateDrawControls();
    updateBusy();
}

AugmentPage::~AugmentPage() = default;

void AugmentPage::buildUi()
{
    QWidget* source = buildSourcePanel();
    editor_ = new PipelineEditor(this);
    auto* left = makeSplitter(Qt::Vertical, {source, editor_}, {3, 5}, {}, this);
    left->setObjectName("augmentLeftSplitter");
    auto* splitter = makeSplitter(Qt::Horizontal, {left, buildComparePanel()}, {0, 1}, {340, 940}, this);
    splitter->setObjectName("augmentSplitter");

    auto* layout = new QVBoxLayout(this);
    layout->addWidget(splitter, 1);
}

QWidget* AugmentPage::buildSourcePanel()
{
    sourceGroup_ = new QGroupBox(this);
    picker_ = new UtterancePicker(UtterancePicker::Layout::Compact, sourceGroup_);
    picker_->filterEdit()->setObjectName("sourceFilterEdit");
    picker_->table()->setObjectName("sourceTable");
    openAudioButton_ = new QPushButton(sourceGroup_);
    openAudioButton_->setObjectName("openAudioButton");
    auto* layout = new QVBoxLayout(sourceGroup_);
    layout->addWidget(picker_, 1);
    layout->addWidget(openAudioButton_, 0, Qt::AlignLeft);
    return sourceGroup_;
}

QWidget* AugmentPage::buildComparePanel()
{
    auto* panel = new QWidget(this);
    sourceLabel_ = new QLabel(panel);
    sourceLabel_->setObjectName("sourceLabel");
    sourceLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    sourceLabel_->setWordWrap(true);

    seedLabel_ = new QLabel(panel);
    seedSpin_ = new QSpinBox(panel);
    seedSpin_->setObjectName("seedSpin");
    seedSpin_->setRange(0, INT_MAX);
    seedSpin_->setKeyboardTracking(false);
    seedSpin_->setMinimumWidth(110);
    seedLabel_->setBuddy(seedSpin_);
    reseedButton_ = new QPushButton(panel);
    reseedButton_->setObjectName("reseedButton");
    prevDrawButton_ = new QPushButton(panel);
    prevDrawButton_->setObjectName("prevDrawButton");
    drawLabel_ = new QLabel(panel);
    drawLabel_->setObjectName("drawLabel");
    drawLabel_->setAlignment(Qt::AlignCenter);
    drawLabel_->setMinimumWidth(70);
    QFont drawFont = drawLabel_->font();
    drawFont.setBold(true);
    drawLabel_->setFont(drawFont);
    nextDrawButton_ = new QPushButton(panel);
    nextDrawButton_->setObjectName("nextDrawButton");
    busyBar_ = new QProgressBar(panel);
    busyBar_->setObjectName("busyIndicator");
    busyBar_->setRange(0, 0);
    busyBar_->setTextVisible(false);
    busyBar_->setMaximumWidth(90);
    busyBar_->setMaximumHeight(14);
    auto* seedRow = new QHBoxLayout;
    seedRow->addWidget(seedLabel_);
    seedRow->addWidget(seedSpin_);
    seedRow->addWidget(reseedButton_);
    seedRow->addSpacing(12);
    seedRow->addWidget(prevDrawButton_);
    seedRow->addWidget(drawLabel_);
    seedRow->addWidget(nextDrawButton_);
    seedRow->addStretch(1);
    seedRow->addWidget(busyBar_);
    commandButton_ = new QPushButton(panel);
    commandButton_->setObjectName("commandButton");
    seedRow->addWidget(commandButton_);

    compare_ = new BeforeAfterView(panel);
    compare_->setObjectName("beforeAfterView");

    previewErrorLabel_ = new QLabel(panel);
    previewErrorLabel_->setObjectName("previewError");
    previewErrorLabel_->setWordWrap(true);
    previewErrorLabel_->setStyleSheet(QStringLiteral("QLabel { color: #c62828; }"));
    previewErrorLabel_->hide();

    appliedGroup_ = new QGroupBox(panel);
    appliedList_ = new QTableView(appliedGroup_);
    appliedList_->setObjectName("appliedList");
    appliedList_->setModel(appliedModel_);
    appliedList_->setSelectionMode(QAbstractItemView::NoSelection);
    appliedList_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    appliedList_->setFocusPolicy(Qt::NoFocus);
    appliedList_->setWordWrap(false);
    appliedList_->verticalHeader()->hide();
    appliedList_->verticalHeader()->setDefaultSectionSize(appliedList_->fontMetrics().height() + 8);
    appliedList_->horizontalHeader()->setSectionResizeMode(AppliedOpsModel::Lock, QHeaderView::ResizeToContents);
    appliedList_->horizontalHeader()->setSectionResizeMode(AppliedOpsModel::Op, QHeaderView::ResizeToContents);
    appliedList_->horizontalHeader()->setStretchLastSection(true);
    appliedList_->setMinimumHeight(4 * appliedList_->verticalHeader()->defaultSectionSize());
    auto* appliedLayout = new QVBoxLayout(appliedGroup_);
    appliedLayout->setContentsMargins(6, 6, 6, 6);
    appliedLayout->addWidget(appliedList_);

    auto* compare = new QWidget(panel);
    auto* compareLayout = new QVBoxLayout(compare);
    compareLayout->setContentsMargins(0, 0, 0, 0);
    compareLayout->addWidget(compare_, 1);
    compareLayout->addWidget(previewErrorLabel_);
    auto* vertical = makeSplitter(Qt::Vertical, {compare, appliedGroup_}, {4, 1}, {}, panel);

    auto* layout = new QVBoxLayout(panel);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(sourceLabel_);
    layout->addLayout(seedRow);
    layout->addWidget(vertical, 1);
    return panel;
}

QString AugmentPage::title() const
{
    return tr("Augment");
}

QIcon AugmentPage::icon() const
{
    return style()->standardIcon(QStyle::SP_MediaVolume);
}

void AugmentPage::retranslate()
{
    sourceGroup_->setTitle(tr("Source"));
    picker_->setNoCorpusText(tr("No corpus in the project: open an audio file or drop one on the page."));
    openAudioButton_->setText(tr("Open audio…"));
    openAudioButton_->setToolTip(tr("Preview an audio file of your own (or drop one on the page)"));
    commandButton_->setText(tr("Show command"));
    commandButton_->setToolTip(tr("The espalier-cli command that writes this preview"));
    seedLabel_->setText(tr("&Seed:"));
    seedSpin_->setToolTip(tr("The same seed always gives the same draw"));
    reseedButton_->setText(tr("Reseed"));
    reseedButton_->setToolTip(tr("Draw with a new random seed"));
    prevDrawButton_->setText(tr("◀ Previous draw"));
    nextDrawButton_->setText(tr("Next draw ▶"));
    nextDrawButton_->setToolTip(tr("The next seed: every op draws anew, except locked ones"));
    prevDrawButton_->setToolTip(tr("The previous seed"));
    busyBar_->setToolTip(tr("Updating the preview…"));
    appliedGroup_->setTitle(tr("Ops applied in this draw"));
    appliedModel_->retranslate();
    updateSourceLabel();
    updateDrawControls();
}

void AugmentPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    picker_->setProject(project_.get());
    editor_->setDefaultDir(project_ ? QString::fromStdString(project_->dir()) : QString());
    updateBusy();
}

bool AugmentPage::selectCorpus(const QString& name)
{
    return picker_->selectCorpus(name);
}

bool AugmentPage::selectSplit(const QString& name)
{
    return picker_->selectSplit(name);
}

void AugmentPage::selectUtteranceRow(int row)
{
    picker_->selectRow(row);
}

bool AugmentPage::selectUtterance(const QString& key)
{
    return picker_->selectKey(key);
}

void AugmentPage::setSourceFile(const QString& path)
{
    loadSource(QFileInfo(path).absoluteFilePath(), {}, {});
}

void AugmentPage::openAudio()
{
    QString dir = sourcePath_.isEmpty() ? QString() : QFileInfo(sourcePath_).absolutePath();
    if (dir.isEmpty() && project_)
        dir = QString::fromStdString(project_->dir());
    const QString path = QFileDialog::getOpenFileName(
        this, tr("Open audio"), dir, tr("Audio files (*.wav *.flac *.ogg *.opus *.mp3);;All files (*)"));
    if (!path.isEmpty())
        setSourceFile(path);
}

void AugmentPage::dragEnterEvent(QDragEnterEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (!urls.isEmpty() && urls.front().isLocalFile())
        event->acceptProposedAction();
}

void AugmentPage::dropEvent(QDropEvent* event)
{
    const QList<QUrl> urls = event->mimeData()->urls();
    if (urls.isEmpty() || !urls.front().isLocalFile())
        return;
    event->acceptProposedAction();
    setSourceFile(urls.front().toLocalFile());
}

void AugmentPage::loadSource(const QString& path, const QString& key, const QString& text)
{
    if (path == sourcePath_ && source_)
        return;
    compare_->stopPlayback();
    const int generation = ++sourceGeneration_;
    const int rate = editor_->pipeline().fbankOptions().sampleRate;
    sourcePath_ = path;
    sourceKey_ = key;
    sourceText_ = text;
    source_.reset();  // the plots keep the last preview until this one is read
    locks_.clear();   // a draw belongs to its utterance (mask positions, crop offsets)
    ++loadingSources_;
    updateSourceLabel();
    updateBusy();
    struct Loaded {
        std::shared_ptr<Source> source;
        QString error;
    };
    runInBackground<Loaded>(
        this, tr("Read audio"),
        [path, rate] {
            Loaded loaded;
            try {
                audio::Audio audio = audio::readAudio(path.toStdString(), rate);
                auto source = std::make_shared<Source>();
                source->signal.sampleRate = audio.sampleRate;
                source->signal.samples = std::move(audio.samples);
                loaded.source = std::move(source);
            } catch (const std::exception& error) {
                loaded.error = QString::fromUtf8(error.what());
            }
            return loaded;
        },
        [this, generation](const Loaded& loaded) {
            --loadingSources_;
            updateBusy();
            if (generation != sourceGeneration_)
                return;
            if (!loaded.error.isEmpty()) {
                source_.reset();
                clearPreview();
                updateSourceLabel();
                emit loadFailed(loaded.error);
                showError(this, tr("Cannot read audio"), loaded.error);
                return;
            }
            source_ = loaded.source;
            updateSourceLabel();
            emit sourceLoaded(sourcePath_);
            schedulePreview();
        });
}

void AugmentPage::updateSourceLabel()
{
    if (sourcePath_.isEmpty()) {
        sourceLabel_->setText(tr("No audio: pick an utterance on the left, open an audio file, or drop one here."));
        sourceLabel_->setToolTip({});
        return;
    }
    const QString name = sourceKey_.isEmpty() ? QFileInfo(sourcePath_).fileName() : sourceKey_;
    QString text = QStringLiteral("<b>%1</b>").arg(name.toHtmlEscaped());
    if (!sourceText_.isEmpty())
        text += QStringLiteral(" — ") + sourceText_.toHtmlEscaped();
    if (loadingSources_ > 0 && !source_)
        text += QStringLiteral(" <i>") + tr("(loading…)").toHtmlEscaped() + QStringLiteral("</i>");
    else if (!source_)
        text += QStringLiteral(" <i>") + tr("(cannot be read)").toHtmlEscaped() + QStringLiteral("</i>");
    sourceLabel_->setText(text);
    sourceLabel_->setToolTip(QDir::toNativeSeparators(sourcePath_));
}

void AugmentPage::clearPreview()
{
    ++previewGeneration_;
    result_.reset();
    compare_->clear();
    appliedModel_->clear();
    commandButton_->setEnabled(false);
}

const augment::Pipeline& AugmentPage::pipeline() const
{
    return editor_->pipeline();
}

void AugmentPage::onPipelineChanged(const QVector<int>& previousIndex)
{
    // Locked draws follow their op; a new, edited or replaced op draws again.
    std::map<size_t, augment::AppliedOp> kept;
    for (int i = 0; i < previousIndex.size(); ++i) {
        const auto lock = previousIndex[i] >= 0 ? locks_.find(size_t(previousIndex[i])) : locks_.end();
        if (lock == locks_.end())
            continue;
        augment::AppliedOp record = lock->second;
        record.index = i;
        kept[size_t(i)] = record;
    }
    locks_ = std::move(kept);
    schedulePreview();
}

QString AugmentPage::previewCommand() const
{
    if (sourcePath_.isEmpty())
        return {};
    std::vector<std::string> argv{"espalier-cli", "augment", "preview", sourcePath_.toStdString()};
    QStringList notes;
    const QString pipelinePath = editor_->pipelinePath();
    if (!editor_->presetName().isEmpty()) {
        argv.insert(argv.end(), {"--preset", editor_->presetName().toStdString()});
    } else if (!pipelinePath.isEmpty() && !editor_->isModified()) {
        argv.insert(argv.end(), {"--pipeline", pipelinePath.toStdString()});
    } else {
        const std::string file = pipelinePath.isEmpty() ? std::string("pipeline.yaml") : pipelinePath.toStdString();
        argv.insert(argv.end(), {"--pipeline", file});
        notes << tr("# The pipeline has unsaved changes: save it first (Save…) as the file named below.");
    }
    argv.insert(argv.end(), {"--seed", std::to_string(seed_)});
    const QString base = sourceKey_.isEmpty() ? QFileInfo(sourcePath_).completeBaseName() : sourceKey_;
    argv.insert(argv.end(), {"--out", (base + QStringLiteral("-augmented")).toStdString()});
    if (!locks_.empty())
        notes << tr("# Locked draws are not part of the command: it draws every op from the seed.");
    notes << QString::fromStdString(job::shellJoin(argv));
    return notes.join('\n');
}

void AugmentPage::setSeed(quint64 seed)
{
    seedSpin_->setValue(int(std::min<quint64>(seed, INT_MAX)));  // sets the base, previews
}

int AugmentPage::drawNumber() const
{
    return int(qint64(seed_) - qint64(drawBase_)) + 1;
}

void AugmentPage::nextDraw()
{
    if (seed_ >= quint64(INT_MAX))
        return;
    ++seed_;
    const QSignalBlocker blocker(seedSpin_);
    seedSpin_->setValue(int(seed_));
    updateDrawControls();
    schedulePreview();
}

void AugmentPage::previousDraw()
{
    if (seed_ == 0 || seed_ <= drawBase_)
        return;
    --seed_;
    const QSignalBlocker blocker(seedSpin_);
    seedSpin_->setValue(int(seed_));
    updateDrawControls();
    schedulePreview();
}

void AugmentPage::reseed()
{
    setSeed(QRandomGenerator::global()->bounded(quint32(INT_MAX)));
}

void AugmentPage::updateDrawControls()
{
    drawLabel_->setText(tr("Draw %1").arg(drawNumber()));
    drawLabel_->setToolTip(tr("Draw %1 from seed %2 (seed %3)").arg(drawNumber()).arg(drawBase_).arg(seed_));
    prevDrawButton_->setEnabled(seed_ > drawBase_);
    nextDrawButton_->setEnabled(seed_ < quint64(INT_MAX));
}

void AugmentPage::setOpLocked(int index, bool locked)
{
    if (index < 0 || index >= appliedModel_->rowCount())
        return;
    appliedModel_->setData(appliedModel_->index(index, AppliedOpsModel::Lock), locked ? Qt::Checked : Qt::Unchecked,
                           Qt::CheckStateRole);
}

void AugmentPage::onLockToggled(int row, bool locked)
{
    if (locked) {
        if (!result_ || row < 0 || row >= int(result_->preview.result.applied.size()))
            return;
        // The draw shown is the one kept; nothing to recompute.
        locks_[size_t(row)] = result_->preview.result.applied[size_t(row)];
        return;
    }
    locks_.erase(size_t(row));
    schedulePreview();  // it draws from the current seed again
}

const std::vector<augment::AppliedOp>& AugmentPage::appliedOps() const
{
    return appliedModel_->records();
}

const augment::Signal* AugmentPage::preview() const
{
    return result_ && result_->error.isEmpty() ? &result_->preview.result.output : nullptr;
}

QString AugmentPage::previewError() const
{
    return previewError_;
}

void AugmentPage::schedulePreview()
{
    ++previewGeneration_;  // whatever runs now is out of date
    if (source_)
        previewTimer_->start();
    updateBusy();
}

void AugmentPage::startPreview()
{
    if (!source_)
        return;
    if (previewRunning_) {
        previewPending_ = true;  // started when the running one finishes
        updateBusy();
        return;
    }
    previewRunning_ = true;
    const int generation = previewGeneration_;
    auto pipeline = std::make_shared<const augment::Pipeline>(editor_->pipeline());
    std::shared_ptr<const Source> source = source_;
    const quint64 seed = seed_;
    const std::map<size_t, augment::AppliedOp> locks = locks_;
    updateBusy();
    runInBackground<std::shared_ptr<PreviewResult>>(
        this, tr("Preview the pipeline"),
        [generation, pipeline, source, seed, locks] {
            auto preview = std::make_shared<PreviewResult>();
            preview->generation = generation;
            preview->source = source;
            try {
                preview->preview = augment::previewPipeline(*pipeline, source->signal, seed, locks);
            } catch (const std::exception& error) {
                preview->error = QString::fromUtf8(error.what());
            }
            return preview;
        },
        [this](const std::shared_ptr<PreviewResult>& preview) { onPreviewFinished(preview); });
}

void AugmentPage::onPreviewFinished(const std::shared_ptr<PreviewResult>& preview)
{
    previewRunning_ = false;
    if (previewPending_) {
        previewPending_ = false;
        startPreview();
    }
    if (preview->generation == previewGeneration_ && preview->source == source_) {
        if (!preview->error.isEmpty()) {
            // Keep the last good preview on screen; say why it did not update.
            previewError_ = preview->error;
            previewErrorLabel_->setText(tr("The pipeline failed on this audio: %1").arg(preview->error));
            previewErrorLabel_->show();
        } else {
            previewError_.clear();
            previewErrorLabel_->hide();
            result_ = preview;
            showResult(preview);
        }
    }
    updateBusy();
    if (preview->generation == previewGeneration_ && preview->source == source_)
        emit previewUpdated();
}

void AugmentPage::showResult(const std::shared_ptr<const PreviewResult>& preview)
{
    compare_->showPreview(std::shared_ptr<const augment::Signal>(preview->source, &preview->source->signal), sourcePath_,
                          std::shared_ptr<const augment::AugmentPreview>(preview, &preview->preview));
    const std::vector<augment::AppliedOp>& applied = preview->preview.result.applied;
    std::vector<bool> locked(applied.size(), false);
    for (const auto& [index, record] : locks_)
        if (index < locked.size())
            locked[index] = true;
    appliedModel_->setRecords(applied, locked);
    commandButton_->setEnabled(true);
}

bool AugmentPage::isBusy() const
{
    return previewBusy() || picker_->isBusy();
}

bool AugmentPage::previewBusy() const
{
    return loadingSources_ > 0 || previewRunning_ || previewPending_ || previewTimer_->isActive();
}

void AugmentPage::updateBusy()
{
    if (!previewBusy()) {
        busyDelay_->stop();
        busyBar_->setVisible(false);
    } else if (!busyBar_->isVisible() && !busyDelay_->isActive()) {
        busyDelay_->start();  // shown only if the work lasts
    }
}

} // namespace espalier::widgets
