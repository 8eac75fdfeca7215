#include "widgets/pages/data_page.h"

#include "core/audio/audio_file.h"
#include "core/data/corpus.h"
#include "core/job/shell_quote.h"
#include "core/job/job.h"
#include "core/project/project.h"
#include "core/runtime/fbank.h"
#include "widgets/audio_player.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/models/split_stats_model.h"
#include "widgets/plots/spectrogram_plot.h"
#include "widgets/plots/waveform_plot.h"
#include "widgets/run_in_background.h"
#include "widgets/utterance_picker.h"

#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollBar>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>

namespace espalier::widgets {

namespace {
constexpr int kMelBins = 80;
constexpr double kFrameShiftSeconds = 0.010;
} // namespace

struct DataPage::StatsResult {
    std::string path;
    data::CorpusStats stats;
};

struct DataPage::DecodedUtterance {
    int generation = 0;
    QString key;
    std::vector<float> samples;
    int sampleRate = 0;
    runtime::FeatureMatrix features;
    QString error;
};

DataPage::DataPage(QWidget* parent) : Page(parent)
{
    statsModel_ = new SplitStatsModel(this);
    statsJobs_ = new JobController(this);
    player_ = new AudioPlayer(this);

    buildUi();
    retranslate();

    connect(picker_, &UtterancePicker::corpusChanged, this, &DataPage::onCorpusChanged);
    // Statistics are computed when the picker starts reading the corpus: once the page is shown.
    connect(picker_, &UtterancePicker::loadStarted, this, &DataPage::startStats);
    connect(picker_, &UtterancePicker::splitsLoaded, this, &DataPage::splitsLoaded);
    connect(picker_, &UtterancePicker::utterancesLoaded, this, &DataPage::utterancesLoaded);
    connect(picker_, &UtterancePicker::cleared, this, &DataPage::clearUtterance);
    connect(picker_, &UtterancePicker::utterancePicked, this, &DataPage::showUtterance);
    connect(picker_, &UtterancePicker::loadFailed, this,
            [this](const QString& title, const QString& message) { reportError(title, message); });
    connect(statsTable_, &QTableView::activated, this, [this](const QModelIndex& index) {
        if (index.row() != statsModel_->totalRow())
            selectSplit(QString::fromStdString(statsModel_->splitAt(index.row()).name));
    });
    connect(statsTable_, &QTableView::clicked, statsTable_, &QTableView::activated);

    connect(statsJobs_, &JobController::started, this, [this] { updateBusy(); });
    connect(statsJobs_, &JobController::finished, this,
            [this](JobController::State outcome, const QString& message) { onStatsFinished(int(outcome), message); });
    connect(statsCommandButton_, &QPushButton::clicked, this, [this] { showCommandDialog(this, statsCommand()); });
    connect(featuresCommandButton_, &QPushButton::clicked, this,
            [this] { showCommandDialog(this, utteranceCommand()); });

    connect(waveform_, &PlotWidget::rangeChanged, spectrogram_, &PlotWidget::setXRange);
    connect(spectrogram_, &PlotWidget::rangeChanged, waveform_, &PlotWidget::setXRange);

    connect(playButton_, &QPushButton::clicked, this, &DataPage::togglePlay);
    connect(player_, &AudioPlayer::stateChanged, this, [this](AudioPlayer::State state) {
        if (state == AudioPlayer::State::Stopped)
            waveform_->setPlayhead(-1.0);
        retranslate();
    });
    connect(player_, &AudioPlayer::positionChanged, waveform_, &WaveformPlot::setPlayhead);
    connect(player_, &AudioPlayer::unavailable, playerStatusLabel_, &QLabel::setText);
    connect(player_, &AudioPlayer::errorOccurred, playerStatusLabel_, &QLabel::setText);

    clearUtterance();
    fitStatsTable();
    updateBusy();
}

DataPage::~DataPage() = default;

void DataPage::buildUi()
{
    // The utterance browser; its corpus bar heads the page.
    browserGroup_ = new QGroupBox(this);
    picker_ = new UtterancePicker(UtterancePicker::Layout::Wide, browserGroup_);
    auto* browserLayout = new QVBoxLayout(browserGroup_);
    browserLayout->addWidget(picker_);

    corpusPathLabel_ = new QLabel(this);
    corpusPathLabel_->setObjectName("corpusPathLabel");
    corpusPathLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    corpusPathLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* top = new QHBoxLayout;
    top->addWidget(picker_->corpusBar());
    top->addWidget(corpusPathLabel_, 1);

    // Statistics.
    statsGroup_ = new QGroupBox(this);
    statsTable_ = new QTableView(statsGroup_);
    statsTable_->setObjectName("statsTable");
    statsTable_->setModel(statsModel_);
    statsTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    statsTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    statsTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    statsTable_->setAlternatingRowColors(true);
    statsTable_->verticalHeader()->hide();
    statsTable_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    statsTable_->horizontalHeader()->setStretchLastSection(true);
    statsTable_->setWordWrap(false);
    statsTable_->verticalHeader()->setDefaultSectionSize(statsTable_->fontMetrics().height() + 8);
    statsTable_->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Maximum);
    statsStatusLabel_ = new QLabel(statsGroup_);
    statsStatusLabel_->setObjectName("statsStatus");
    statsStatusLabel_->setWordWrap(true);
    statsProgress_ = new QProgressBar(statsGroup_);
    statsProgress_->setObjectName("statsProgress");
    statsProgress_->setRange(0, 0);
    statsProgress_->setTextVisible(false);
    statsProgress_->setMaximumWidth(160);
    statsCommandButton_ = new QPushButton(statsGroup_);
    statsCommandButton_->setObjectName("statsCommandButton");
    auto* statsBar = new QHBoxLayout;
    statsBar->addWidget(statsStatusLabel_, 1);
    statsBar->addWidget(statsProgress_);
    statsBar->addWidget(statsCommandButton_);
    auto* statsLayout = new QVBoxLayout(statsGroup_);
    statsLayout->addWidget(statsTable_);
    statsLayout->addLayout(statsBar);

    // The selected utterance.
    utteranceGroup_ = new QGroupBox(this);
    utteranceKeyLabel_ = new QLabel(utteranceGroup_);
    utteranceKeyLabel_->setObjectName("utteranceKey");
    utteranceKeyLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont keyFont = utteranceKeyLabel_->font();
    keyFont.setBold(true);
    utteranceKeyLabel_->setFont(keyFont);
    utteranceTextLabel_ = new QLabel(utteranceGroup_);
    utteranceTextLabel_->setObjectName("utteranceText");
    utteranceTextLabel_->setWordWrap(true);
    utteranceTextLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QFont textFont = utteranceTextLabel_->font();
    textFont.setPointSizeF(textFont.pointSizeF() * 1.2);
    utteranceTextLabel_->setFont(textFont);
    waveform_ = new WaveformPlot(utteranceGroup_);
    waveform_->setObjectName("waveformPlot");
    spectrogram_ = new SpectrogramPlot(utteranceGroup_);
    spectrogram_->setObjectName("spectrogramPlot");
    playButton_ = new QPushButton(utteranceGroup_);
    playButton_->setObjectName("playButton");
    playerStatusLabel_ = new QLabel(utteranceGroup_);
    playerStatusLabel_->setObjectName("playerStatus");
    playerStatusLabel_->setWordWrap(true);
    featuresCommandButton_ = new QPushButton(utteranceGroup_);
    featuresCommandButton_->setObjectName("featuresCommandButton");
    auto* plotBar = new QHBoxLayout;
    plotBar->addWidget(playButton_);
    plotBar->addWidget(playerStatusLabel_, 1);
    plotBar->addWidget(featuresCommandButton_);
    auto* utteranceLayout = new QVBoxLayout(utteranceGroup_);
    utteranceLayout->addWidget(utteranceKeyLabel_);
    utteranceLayout->addWidget(utteranceTextLabel_);
    utteranceLayout->addWidget(waveform_, 2);
    utteranceLayout->addWidget(spectrogram_, 3);
    utteranceLayout->addLayout(plotBar);

    auto* left = makeSplitter(Qt::Vertical, {statsGroup_, browserGroup_}, {0, 1}, {}, this);
    splitter_ = makeSplitter(Qt::Horizontal, {left, utteranceGroup_}, {3, 2}, {640, 460}, this);
    splitter_->setObjectName("dataSplitter");

    // Keyboard focus follows the page: the corpus, its statistics, then the utterances.
    setTabOrder(picker_->corpusBar()->focusProxy(), statsTable_);
    setTabOrder(statsTable_, statsCommandButton_);

    auto* layout = new QVBoxLayout(this);
    layout->addLayout(top);
    layout->addWidget(splitter_, 1);
}

QString DataPage::title() const
{
    return tr("Data");
}

QIcon DataPage::icon() const
{
    return style()->standardIcon(QStyle::SP_DirIcon);
}

void DataPage::retranslate()
{
    statsGroup_->setTitle(tr("Statistics per split"));
    statsCommandButton_->setText(tr("Show command"));
    statsCommandButton_->setToolTip(tr("The espalier-cli command that computes these statistics"));
    browserGroup_->setTitle(tr("Utterances"));
    utteranceGroup_->setTitle(tr("Utterance"));
    playButton_->setText(player_->isPlaying() ? tr("Stop") : tr("Play"));
    playButton_->setIcon(style()->standardIcon(player_->isPlaying() ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay));
    featuresCommandButton_->setText(tr("Show command"));
    featuresCommandButton_->setToolTip(tr("The espalier-cli command that computes these features"));
    if (shownKey_.isEmpty()) {
        utteranceKeyLabel_->setText(tr("No utterance selected"));
        utteranceTextLabel_->setText(tr("Pick an utterance in the list to see its waveform and features."));
    }
    statsModel_->retranslate();
    updateBusy();
}

void DataPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    picker_->setProject(project_.get());
}

QString DataPage::currentCorpusPath() const
{
    return picker_->currentCorpusPath();
}

UtteranceTableModel* DataPage::utteranceModel() const
{
    return picker_->model();
}

bool DataPage::selectCorpus(const QString& name)
{
    return picker_->selectCorpus(name);
}

bool DataPage::selectSplit(const QString& name)
{
    return picker_->selectSplit(name);
}

void DataPage::selectUtteranceRow(int row)
{
    picker_->selectRow(row);
}

void DataPage::onCorpusChanged(const QString& path)
{
    corpusPathLabel_->setText(path);
    reportedErrors_.clear();
    statsError_.clear();
    statsModel_->clear();
    updateBusy();
}

void DataPage::fitStatsTable()
{
    // As tall as its rows (a handful of splits): the browser below gets the rest.
    statsTable_->resizeColumnsToContents();
    int height = statsTable_->horizontalHeader()->sizeHint().height() + 2 * statsTable_->frameWidth();
    const int rows = std::max(statsModel_->rowCount(), 3);
    height += rows * statsTable_->verticalHeader()->defaultSectionSize();
    height += statsTable_->horizontalScrollBar()->sizeHint().height();
    statsTable_->setMaximumHeight(height);
    // Show every row of a usual corpus (up to eight splits) without scrolling.
    statsTable_->setMinimumHeight(std::min(height, 10 * statsTable_->verticalHeader()->defaultSectionSize()));
}

void DataPage::startStats()
{
    const QString corpusPath = currentCorpusPath();
    if (corpusPath.isEmpty())
        return;
    // One statistics job at a time; onStatsFinished starts the next one if the corpus changed.
    if (statsJobs_->isRunning()) {
        if (!statsResult_ || QString::fromStdString(statsResult_->path) != corpusPath)
            statsJobs_->cancel();
        updateBusy();
        return;
    }
    auto result = std::make_shared<StatsResult>();
    result->path = corpusPath.toStdString();
    statsResult_ = result;
    auto job = std::make_unique<job::FunctionJob>(
        tr("Corpus statistics").toStdString(),
        std::vector<std::string>{"espalier-cli", "corpus", "stats", result->path},
        [result](job::JobContext& context) {
            context.beginStage("Reading manifests", 0, 1);
            result->stats = data::corpusStats(result->path);
        });
    statsJobs_->start(std::move(job));
    updateBusy();
}

void DataPage::onStatsFinished(int outcome, const QString& message)
{
    const bool current = statsResult_ && QString::fromStdString(statsResult_->path) == currentCorpusPath();
    if (!current) {
        // The corpus changed while the job ran: compute the statistics of the one selected now.
        statsResult_.reset();
        startStats();
        return;
    }
    updateBusy();
    if (JobController::State(outcome) == JobController::State::Succeeded) {
        statsModel_->setStats(statsResult_->stats);
        statsResult_.reset();
        fitStatsTable();
        updateBusy();
        emit statsReady();
        return;
    }
    statsResult_.reset();
    if (JobController::State(outcome) == JobController::State::Failed) {
        statsError_ = message;
        updateBusy();
        reportError(tr("Cannot compute corpus statistics"), message);
    }
}

void DataPage::showUtterance(const QString& audioPath, const QString& key, const QString& text)
{
    if (key == shownKey_ && waveform_->hasData())
        return;
    player_->stop();
    const int generation = ++decodeGeneration_;
    const int rate = project_ ? project_->config().sampleRate : 16000;
    const std::string path = audioPath.toStdString();
    utteranceKeyLabel_->setText(key);
    utteranceTextLabel_->setText(text);
    shownKey_.clear();
    shownAudioPath_ = audioPath;
    ++runningDecodes_;
    updateBusy();
    runInBackground<std::shared_ptr<DecodedUtterance>>(
        this, tr("Decode an utterance"),
        [generation, key, path, rate] {
            auto result = std::make_shared<DecodedUtterance>();
            result->generation = generation;
            result->key = key;
            try {
                audio::Audio audio = audio::readAudio(path, rate);
                runtime::FbankOptions options;
                options.sampleRate = audio.sampleRate;
                options.numMelBins = kMelBins;
                runtime::Fbank fbank(options);
                result->features = fbank.compute(audio.samples);
                result->sampleRate = audio.sampleRate;
                result->samples = std::move(audio.samples);
            } catch (const std::exception& error) {
                result->error = QString::fromUtf8(error.what());
            }
            return result;
        },
        [this](const std::shared_ptr<DecodedUtterance>& decoded) {
            --runningDecodes_;
            updateBusy();
            onDecoded(decoded);
        });
}

void DataPage::onDecoded(const std::shared_ptr<DecodedUtterance>& decoded)
{
    if (decoded->generation != decodeGeneration_)
        return;
    if (!decoded->error.isEmpty()) {
        const QString key = decoded->key;
        clearUtterance();
        utteranceKeyLabel_->setText(key);
        utteranceTextLabel_->setText(tr("The audio of this utterance cannot be read."));
        reportError(tr("Cannot read audio"), decoded->error, false);
        return;
    }
    const double duration = double(decoded->samples.size()) / decoded->sampleRate;
    const runtime::FeatureMatrix& features = decoded->features;
    {
        // Set both before linking their ranges, so neither clamps the other to its old extent.
        QSignalBlocker waveformBlocker(waveform_);
        QSignalBlocker spectrogramBlocker(spectrogram_);
        waveform_->setSamples(std::move(decoded->samples), decoded->sampleRate);
        if (features.frames > 0)
            spectrogram_->setFeatures(features.frames, features.bins, features.data, kFrameShiftSeconds);
        else
            spectrogram_->clear();
    }
    waveform_->setXBounds(0.0, duration);
    if (spectrogram_->hasData())
        spectrogram_->setXBounds(0.0, duration);
    waveform_->resetXRange();
    spectrogram_->resetXRange();
    shownKey_ = decoded->key;
    utteranceKeyLabel_->setText(tr("%1 · %2 s · %3 kHz")
                                    .arg(shownKey_, QLocale().toString(duration, 'f', 2),
                                         QLocale().toString(decoded->sampleRate / 1000.0)));
    playButton_->setEnabled(true);
    featuresCommandButton_->setEnabled(true);
    playerStatusLabel_->clear();
    emit utteranceShown(shownKey_);
}

void DataPage::clearUtterance()
{
    ++decodeGeneration_;
    player_->stop();
    shownKey_.clear();
    shownAudioPath_.clear();
    waveform_->clear();
    spectrogram_->clear();
    playButton_->setEnabled(false);
    featuresCommandButton_->setEnabled(false);
    playerStatusLabel_->clear();
    utteranceKeyLabel_->setText(tr("No utterance selected"));
    utteranceTextLabel_->setText(tr("Pick an utterance in the list to see its waveform and features."));
}

void DataPage::togglePlay()
{
    if (player_->isPlaying())
        player_->stop();
    else if (!shownAudioPath_.isEmpty())
        player_->play(shownAudioPath_);
}

QString DataPage::statsCommand() const
{
    const QString corpusPath = currentCorpusPath();
    if (corpusPath.isEmpty())
        return {};
    return QString::fromStdString(job::shellJoin({"espalier-cli", "corpus", "stats", corpusPath.toStdString()}));
}

QString DataPage::utteranceCommand() const
{
    if (shownKey_.isEmpty())
        return {};
    std::vector<std::string> argv{"espalier-cli", "features", shownAudioPath_.toStdString(), "--out",
                                  shownKey_.toStdString() + ".npy"};
    const int rate = project_ ? project_->config().sampleRate : 16000;
    if (rate != runtime::FbankOptions{}.sampleRate) {
        argv.push_back("--rate");
        argv.push_back(std::to_string(rate));
    }
    return QString::fromStdString(job::shellJoin(argv));
}

bool DataPage::isBusy() const
{
    return statsJobs_->isRunning() || picker_->isBusy() || runningDecodes_ > 0;
}

void DataPage::updateBusy()
{
    const bool computing = statsJobs_->isRunning();
    statsProgress_->setVisible(computing);
    const bool hasCorpus = !currentCorpusPath().isEmpty();
    statsCommandButton_->setEnabled(hasCorpus);
    if (computing)
        statsStatusLabel_->setText(tr("Computing statistics…"));
    else if (!statsError_.isEmpty())
        statsStatusLabel_->setText(tr("Statistics unavailable: %1").arg(statsError_));
    else if (!hasCorpus)
        statsStatusLabel_->setText(project_ ? tr("Add a corpus to the project to see it here.")
                                            : tr("Open a project to see its corpora."));
    else if (statsModel_->rowCount() > 0)
        statsStatusLabel_->setText(tr("%n split(s)", "", int(statsModel_->stats().splits.size())));
    else
        statsStatusLabel_->clear();
}

void DataPage::reportError(const QString& title, const QString& message, bool oncePerCorpus)
{
    emit loadFailed(message);
    if (oncePerCorpus) {
        if (reportedErrors_.contains(message))
            return;
        reportedErrors_.insert(message);
    }
    showError(this, title, message);
}

} // namespace espalier::widgets
