#include "pages/augment_page.h"

#include "audio/audio_file.h"
#include "audio/resample.h"
#include "audio_player.h"
#include "augment/applied_ops_model.h"
#include "augment/op_param_form.h"
#include "augment/op_registry.h"
#include "augment/param_text.h"
#include "augment/pipeline_editor.h"
#include "command_dialog.h"
#include "error_dialog.h"
#include "plots/spectrogram_plot.h"
#include "plots/waveform_plot.h"
#include "project/job.h"
#include "project/project.h"
#include "run_in_background.h"
#include "runtime/fbank.h"
#include "utterance_picker.h"

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

QString seconds(double value)
{
    return QLocale().toString(value, 'f', 2);
}

QLabel* makeTitle(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}
} // namespace

// The audio being previewed, as the pipeline gets it.
struct AugmentPage::Source {
    augment::Signal signal;
};

struct AugmentPage::PreviewResult {
    int generation = 0;
    std::shared_ptr<const Source> source;
    runtime::FeatureMatrix before;
    double frameShiftSeconds = 0.01;
    augment::PipelineResult result;
    QString error;
};

AugmentPage::AugmentPage(QWidget* parent) : Page(parent)
{
    appliedModel_ = new AppliedOpsModel(this);
    player_ = new AudioPlayer(this);
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

    connect(beforeWaveform_, &PlotWidget::rangeChanged, beforeSpectrogram_, &PlotWidget::setXRange);
    connect(beforeSpectrogram_, &PlotWidget::rangeChanged, beforeWaveform_, &PlotWidget::setXRange);
    connect(afterWaveform_, &PlotWidget::rangeChanged, afterSpectrogram_, &PlotWidget::setXRange);
    connect(afterSpectrogram_, &PlotWidget::rangeChanged, afterWaveform_, &PlotWidget::setXRange);
    // Before and after share one time axis (both span the longer of the two).
    connect(beforeWaveform_, &PlotWidget::rangeChanged, afterWaveform_, &PlotWidget::setXRange);
    connect(afterWaveform_, &PlotWidget::rangeChanged, beforeWaveform_, &PlotWidget::setXRange);

    connect(playBeforeButton_, &QPushButton::clicked, this, [this] { togglePlay(false); });
    connect(playAfterButton_, &QPushButton::clicked, this, [this] { togglePlay(true); });
    connect(player_, &AudioPlayer::stateChanged, this, &AugmentPage::onPlayerStateChanged);
    connect(player_, &AudioPlayer::positionChanged, this, [this](double seconds) {
        (playingAfter_ ? afterWaveform_ : beforeWaveform_)->setPlayhead(seconds);
    });
    connect(player_, &AudioPlayer::unavailable, playerStatusLabel_, &QLabel::setText);
    connect(player_, &AudioPlayer::errorOccurred, playerStatusLabel_, &QLabel::setText);

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
    auto* left = new QSplitter(Qt::Vertical, this);
    left->setObjectName("augmentLeftSplitter");
    left->setChildrenCollapsible(false);
    left->addWidget(buildSourcePanel());
    editor_ = new PipelineEditor(this);
    left->addWidget(editor_);
    left->setStretchFactor(0, 3);
    left->setStretchFactor(1, 5);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setObjectName("augmentSplitter");
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(left);
    splitter->addWidget(buildComparePanel());
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({340, 940});

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

    beforeTitle_ = makeTitle(panel, "beforeTitle");
    afterTitle_ = makeTitle(panel, "afterTitle");
    beforeWaveform_ = new WaveformPlot(panel);
    beforeWaveform_->setObjectName("beforeWaveform");
    afterWaveform_ = new WaveformPlot(panel);
    afterWaveform_->setObjectName("afterWaveform");
    beforeSpectrogram_ = new SpectrogramPlot(panel);
    beforeSpectrogram_->setObjectName("beforeSpectrogram");
    afterSpectrogram_ = new SpectrogramPlot(panel);
    afterSpectrogram_->setObjectName("afterSpectrogram");
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_})
        plot->setMinimumHeight(110);
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeSpectrogram_, afterSpectrogram_})
        plot->setMinimumHeight(170);
    playBeforeButton_ = new QPushButton(panel);
    playBeforeButton_->setObjectName("playBeforeButton");
    playAfterButton_ = new QPushButton(panel);
    playAfterButton_->setObjectName("playAfterButton");
    playerStatusLabel_ = new QLabel(panel);
    playerStatusLabel_->setObjectName("playerStatus");
    playerStatusLabel_->setForegroundRole(QPalette::PlaceholderText);
    legendLabel_ = new QLabel(panel);
    legendLabel_->setObjectName("maskLegend");

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    auto* beforeHeader = new QHBoxLayout;
    beforeHeader->addWidget(beforeTitle_, 1);
    beforeHeader->addWidget(playBeforeButton_);
    auto* afterHeader = new QHBoxLayout;
    afterHeader->addWidget(afterTitle_, 1);
    afterHeader->addWidget(playAfterButton_);
    grid->addLayout(beforeHeader, 0, 0);
    grid->addLayout(afterHeader, 0, 1);
    grid->addWidget(beforeWaveform_, 1, 0);
    grid->addWidget(afterWaveform_, 1, 1);
    grid->addWidget(beforeSpectrogram_, 2, 0);
    grid->addWidget(afterSpectrogram_, 2, 1);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 3);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(playerStatusLabel_, 1);
    statusRow->addWidget(legendLabel_);

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
    compareLayout->addLayout(grid, 1);
    compareLayout->addLayout(statusRow);
    compareLayout->addWidget(previewErrorLabel_);
    auto* vertical = new QSplitter(Qt::Vertical, panel);
    vertical->setChildrenCollapsible(false);
    vertical->addWidget(compare);
    vertical->addWidget(appliedGroup_);
    vertical->setStretchFactor(0, 4);
    vertical->setStretchFactor(1, 1);

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
    playerStatusLabel_->setToolTip({});
    legendLabel_->setText(tr("Outlined: <span style='color:#ff9800'>■</span> time masks &nbsp; "
                             "<span style='background:#440154; color:#ffffff'>&nbsp;┅&nbsp;</span> frequency masks"));
    legendLabel_->setToolTip(tr("SpecAugment's masked regions are outlined on the spectrogram after the pipeline"));
    appliedGroup_->setTitle(tr("Ops applied in this draw"));
    playBeforeButton_->setToolTip(tr("Play the original audio"));
    playAfterButton_->setToolTip(tr("Play the augmented audio"));
    appliedModel_->retranslate();
    updateSourceLabel();
    updateDrawControls();
    updateTitles();
}

void AugmentPage::updateTitles()
{
    for (QPushButton* button : {playBeforeButton_, playAfterButton_}) {
        const bool playing = player_->isPlaying() && playingAfter_ == (button == playAfterButton_);
        button->setText(playing ? tr("Stop") : tr("Play"));
        button->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay));
    }
    if (!result_) {
        const QString hint = tr("Pick an utterance or drop an audio file");
        for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_})
            plot->setPlaceholderText(hint);
    }
    if (result_) {
        const double before = result_->source->signal.duration();
        const double after = result_->result.output.duration();
        beforeTitle_->setText(tr("Before · %1 s").arg(seconds(before)));
        afterTitle_->setText(before > 0 && std::abs(after - before) > 1e-6
                                 ? tr("After · %1 s (×%2)").arg(seconds(after), QLocale().toString(after / before, 'f', 3))
                                 : tr("After · %1 s").arg(seconds(after)));
    } else {
        beforeTitle_->setText(tr("Before"));
        afterTitle_->setText(tr("After"));
    }
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
    player_->stop();
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
        this,
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
    shownSource_.reset();
    shownExtent_ = 0.0;
    afterWavPath_.clear();
    player_->stop();
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_, beforeSpectrogram_,
                                                             afterSpectrogram_})
        plot->clear();
    appliedModel_->clear();
    playBeforeButton_->setEnabled(false);
    playAfterButton_->setEnabled(false);
    commandButton_->setEnabled(false);
    playerStatusLabel_->clear();
    updateTitles();
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
    notes << QString::fromStdString(project::shellJoin(argv));
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
        if (!result_ || row < 0 || row >= int(result_->result.applied.size()))
            return;
        // The draw shown is the one kept; nothing to recompute.
        locks_[size_t(row)] = result_->result.applied[size_t(row)];
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
    return result_ && result_->error.isEmpty() ? &result_->result.output : nullptr;
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
        this,
        [generation, pipeline, source, seed, locks] {
            auto preview = std::make_shared<PreviewResult>();
            preview->generation = generation;
            preview->source = source;
            try {
                const runtime::FbankOptions& options = pipeline->fbankOptions();
                preview->frameShiftSeconds = options.frameShiftMs / 1000.0;
                runtime::Fbank fbank(options);
                // The source was read at the rate of the pipeline of its time; the pipeline resamples too.
                const augment::Signal& input = source->signal;
                preview->before = input.sampleRate == options.sampleRate
                                      ? fbank.compute(input.samples)
                                      : fbank.compute(audio::resample(input.samples, input.sampleRate, options.sampleRate));
                preview->result = pipeline->run(source->signal, seed, locks);
                if (!preview->result.output.hasFeatures()) {
                    runtime::Fbank after(options);
                    preview->result.output.features = after.compute(preview->result.output.samples);
                }
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
            showResult(*preview);
        }
    }
    updateBusy();
    if (preview->generation == previewGeneration_ && preview->source == source_)
        emit previewUpdated();
}

void AugmentPage::showResult(const PreviewResult& preview)
{
    const augment::Signal& input = preview.source->signal;
    const augment::Signal& output = preview.result.output;
    // Keep the user's zoom while the utterance stays the same.
    const double zoomLower = beforeWaveform_->xLower();
    const double zoomUpper = beforeWaveform_->xUpper();
    const double tolerance = 1e-6;
    const bool zoomed = shownSource_ == preview.source && beforeWaveform_->hasData() &&
                        (zoomLower > tolerance || zoomUpper < shownExtent_ - tolerance);
    const double extent = std::max(input.duration(), output.duration());
    const double shift = preview.frameShiftSeconds;

    std::vector<SpectrogramPlot::MaskBand> bands;
    for (const augment::AppliedOp& record : preview.result.applied) {
        if (!record.applied)
            continue;
        for (const augment::MaskRegion& mask : record.masks)
            bands.push_back({mask.axis == augment::MaskAxis::Time ? SpectrogramPlot::MaskBand::Axis::Time
                                                                   : SpectrogramPlot::MaskBand::Axis::Frequency,
                             mask.start, mask.width});
    }
    {
        const QSignalBlocker b1(beforeWaveform_), b2(afterWaveform_), b3(beforeSpectrogram_), b4(afterSpectrogram_);
        beforeWaveform_->setSamples(input.samples, input.sampleRate);
        afterWaveform_->setSamples(output.samples, output.sampleRate);
        const runtime::FeatureMatrix& before = preview.before;
        const runtime::FeatureMatrix& after = output.features;
        if (before.frames > 0)
            beforeSpectrogram_->setFeatures(before.frames, before.bins, before.data, shift);
        else
            beforeSpectrogram_->clear();
        if (after.frames > 0) {
            afterSpectrogram_->setFeatures(after.frames, after.bins, after.data, shift);
            afterSpectrogram_->setMaskBands(bands);
        } else {
            afterSpectrogram_->clear();
        }
        // One colour range for both, so a level means the same on each side.
        if (beforeSpectrogram_->hasData() && afterSpectrogram_->hasData()) {
            const double lower = std::min(beforeSpectrogram_->dataLower(), afterSpectrogram_->dataLower());
            const double upper = std::max(beforeSpectrogram_->dataUpper(), afterSpectrogram_->dataUpper());
            beforeSpectrogram_->setColorRange(lower, upper);
            afterSpectrogram_->setColorRange(lower, upper);
        }
        for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_, beforeSpectrogram_,
                                                                 afterSpectrogram_}) {
            if (plot->hasData())
                plot->setXBounds(0.0, extent);
        }
    }
    shownSource_ = preview.source;
    shownExtent_ = extent;
    if (zoomed && zoomUpper > zoomLower) {
        beforeWaveform_->resetXRange();
        beforeWaveform_->setXRange(zoomLower, zoomUpper);
        afterWaveform_->setXRange(zoomLower, zoomUpper);
    } else {
        beforeWaveform_->resetXRange();
    }
    // The linked plots follow the waveform; make sure all four show the same span.
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{afterWaveform_, beforeSpectrogram_, afterSpectrogram_})
        if (plot->hasData())
            plot->setXRange(beforeWaveform_->xLower(), beforeWaveform_->xUpper());

    std::vector<bool> locked(preview.result.applied.size(), false);
    for (const auto& [index, record] : locks_)
        if (index < locked.size())
            locked[index] = true;
    appliedModel_->setRecords(preview.result.applied, locked);

    if (player_->isPlaying() && playingAfter_)
        player_->stop();
    afterWavPath_.clear();
    playBeforeButton_->setEnabled(true);
    playAfterButton_->setEnabled(!output.samples.empty());
    commandButton_->setEnabled(true);
    updateTitles();
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

void AugmentPage::togglePlay(bool after)
{
    if (player_->isPlaying() && playingAfter_ == after) {
        player_->stop();
        return;
    }
    playerStatusLabel_->clear();
    if (!after) {
        if (sourcePath_.isEmpty())
            return;
        playingAfter_ = false;
        player_->play(sourcePath_);
        return;
    }
    const augment::Signal* output = preview();
    if (!output)
        return;
    if (afterWavPath_.isEmpty()) {
        if (!tempDir_)
            tempDir_ = std::make_unique<QTemporaryDir>();
        // A new name per preview: the media backend may cache a file it played.
        static int counter = 0;
        const QString path = tempDir_->filePath(QStringLiteral("augmented-%1.wav").arg(++counter));
        try {
            audio::Audio audio;
            audio.sampleRate = output->sampleRate;
            audio.samples = output->samples;
            audio::writeWav(path.toStdString(), audio);
        } catch (const std::exception& error) {
            playerStatusLabel_->setText(QString::fromUtf8(error.what()));
            return;
        }
        afterWavPath_ = path;
    }
    playingAfter_ = true;
    player_->play(afterWavPath_);
}

void AugmentPage::onPlayerStateChanged()
{
    if (!player_->isPlaying()) {
        beforeWaveform_->setPlayhead(-1.0);
        afterWaveform_->setPlayhead(-1.0);
    }
    updateTitles();
}

} // namespace espalier::widgets
