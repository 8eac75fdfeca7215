#include "pages/data_page.h"

#include "audio/audio_file.h"
#include "audio_player.h"
#include "command_dialog.h"
#include "data/manifest.h"
#include "error_dialog.h"
#include "job_controller.h"
#include "models/split_stats_model.h"
#include "models/utterance_table_model.h"
#include "plots/spectrogram_plot.h"
#include "plots/waveform_plot.h"
#include "project/job.h"
#include "project/project.h"
#include "runtime/fbank.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QProgressBar>
#include <QScrollBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace espalier::widgets {

namespace {
constexpr int kMelBins = 80;
constexpr double kFrameShiftSeconds = 0.010;
constexpr int kMaxIssuesInTooltip = 20;
// Manifests without durations (WeNet data.list, Kaldi without utt2dur) get them from the audio
// headers, up to this many utterances; longer lists show "–" rather than wait for the disk.
constexpr size_t kMaxProbedDurations = 20000;

// Runs work() on the global thread pool and done(result) on context's thread, unless context is gone.
template <typename Result, typename Work, typename Done>
void runInBackground(QObject* context, Work work, Done done)
{
    auto* watcher = new QFutureWatcher<Result>(context);
    QObject::connect(watcher, &QFutureWatcherBase::finished, context, [watcher, done] {
        done(watcher->result());
        watcher->deleteLater();
    });
    watcher->setFuture(QtConcurrent::run(std::move(work)));
}

struct SplitsResult {
    std::vector<data::CorpusSplit> splits;
    QString error;
};

struct ManifestResult {
    data::ManifestReadResult manifest;
    QString error;
};

QString errorText(const std::exception& error)
{
    return QString::fromUtf8(error.what());
}
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
    utteranceModel_ = new UtteranceTableModel(this);
    utteranceProxy_ = new QSortFilterProxyModel(this);
    utteranceProxy_->setSourceModel(utteranceModel_);
    utteranceProxy_->setFilterKeyColumn(-1);
    utteranceProxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    utteranceProxy_->setSortRole(UtteranceTableModel::RawValueRole);
    statsJobs_ = new JobController(this);
    player_ = new AudioPlayer(this);

    buildUi();
    retranslate();

    connect(corpusCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &DataPage::loadCorpus);
    connect(splitCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &DataPage::loadManifest);
    connect(filterEdit_, &QLineEdit::textChanged, utteranceProxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(filterEdit_, &QLineEdit::textChanged, this, &DataPage::updateUtteranceCount);
    connect(utteranceTable_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { showUtterance(current); });
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
    corpusLabel_ = new QLabel(this);
    corpusCombo_ = new QComboBox(this);
    corpusCombo_->setObjectName("corpusCombo");
    corpusCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    corpusCombo_->setMinimumContentsLength(16);
    corpusLabel_->setBuddy(corpusCombo_);
    corpusPathLabel_ = new QLabel(this);
    corpusPathLabel_->setObjectName("corpusPathLabel");
    corpusPathLabel_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    corpusPathLabel_->setForegroundRole(QPalette::PlaceholderText);
    auto* top = new QHBoxLayout;
    top->addWidget(corpusLabel_);
    top->addWidget(corpusCombo_);
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

    // Utterance browser.
    browserGroup_ = new QGroupBox(this);
    splitLabel_ = new QLabel(browserGroup_);
    splitCombo_ = new QComboBox(browserGroup_);
    splitCombo_->setObjectName("splitCombo");
    splitCombo_->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    splitCombo_->setMinimumContentsLength(10);
    splitLabel_->setBuddy(splitCombo_);
    filterEdit_ = new QLineEdit(browserGroup_);
    filterEdit_->setObjectName("filterEdit");
    filterEdit_->setClearButtonEnabled(true);
    utteranceTable_ = new QTableView(browserGroup_);
    utteranceTable_->setObjectName("utteranceTable");
    utteranceTable_->setModel(utteranceProxy_);
    utteranceTable_->setSelectionBehavior(QAbstractItemView::SelectRows);
    utteranceTable_->setSelectionMode(QAbstractItemView::SingleSelection);
    utteranceTable_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    utteranceTable_->setSortingEnabled(true);
    utteranceTable_->sortByColumn(-1, Qt::AscendingOrder);  // file order until the user sorts
    utteranceTable_->setAlternatingRowColors(true);
    utteranceTable_->setWordWrap(false);
    utteranceTable_->verticalHeader()->hide();
    utteranceTable_->verticalHeader()->setDefaultSectionSize(utteranceTable_->fontMetrics().height() + 8);
    QHeaderView* header = utteranceTable_->horizontalHeader();
    header->setSectionResizeMode(QHeaderView::Interactive);
    header->setSectionResizeMode(UtteranceTableModel::Text, QHeaderView::Stretch);
    const int digit = utteranceTable_->fontMetrics().horizontalAdvance('0');
    header->resizeSection(UtteranceTableModel::Key, 18 * digit);
    header->resizeSection(UtteranceTableModel::Duration, 11 * digit);
    header->resizeSection(UtteranceTableModel::Speaker, 10 * digit);
    utteranceCountLabel_ = new QLabel(browserGroup_);
    utteranceCountLabel_->setObjectName("utteranceCount");
    issuesLabel_ = new QLabel(browserGroup_);
    issuesLabel_->setObjectName("manifestIssues");
    issuesLabel_->setWordWrap(true);
    auto* browserTop = new QHBoxLayout;
    browserTop->addWidget(splitLabel_);
    browserTop->addWidget(splitCombo_);
    browserTop->addWidget(filterEdit_, 1);
    auto* browserBottom = new QHBoxLayout;
    browserBottom->addWidget(utteranceCountLabel_);
    browserBottom->addWidget(issuesLabel_, 1);
    auto* browserLayout = new QVBoxLayout(browserGroup_);
    browserLayout->addLayout(browserTop);
    browserLayout->addWidget(utteranceTable_, 1);
    browserLayout->addLayout(browserBottom);

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

    auto* left = new QSplitter(Qt::Vertical, this);
    left->setChildrenCollapsible(false);
    left->addWidget(statsGroup_);
    left->addWidget(browserGroup_);
    left->setStretchFactor(0, 0);
    left->setStretchFactor(1, 1);

    splitter_ = new QSplitter(Qt::Horizontal, this);
    splitter_->setObjectName("dataSplitter");
    splitter_->setChildrenCollapsible(false);
    splitter_->addWidget(left);
    splitter_->addWidget(utteranceGroup_);
    splitter_->setStretchFactor(0, 3);
    splitter_->setStretchFactor(1, 2);
    splitter_->setSizes({640, 460});

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
    corpusLabel_->setText(tr("&Corpus:"));
    corpusCombo_->setPlaceholderText(tr("No corpus in this project"));
    statsGroup_->setTitle(tr("Statistics per split"));
    statsCommandButton_->setText(tr("Show command"));
    statsCommandButton_->setToolTip(tr("The espalier-cli command that computes these statistics"));
    browserGroup_->setTitle(tr("Utterances"));
    splitLabel_->setText(tr("&Split:"));
    filterEdit_->setPlaceholderText(tr("Filter by key, transcript or speaker"));
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
    utteranceModel_->retranslate();
    updateBusy();
    updateUtteranceCount();
}

void DataPage::setProject(std::shared_ptr<const project::Project> project)
{
    const QString previous = corpusCombo_->currentText();
    Page::setProject(std::move(project));

    {
        QSignalBlocker blocker(corpusCombo_);
        corpusCombo_->clear();
        if (project_) {
            for (const project::CorpusEntry& entry : project_->config().corpora) {
                const QString path = QString::fromStdString(project_->absoluteCorpusPath(entry));
                corpusCombo_->addItem(QString::fromStdString(entry.name), path);
                corpusCombo_->setItemData(corpusCombo_->count() - 1, path, Qt::ToolTipRole);
            }
        }
        const int keep = corpusCombo_->findText(previous);
        corpusCombo_->setCurrentIndex(keep >= 0 ? keep : (corpusCombo_->count() > 0 ? 0 : -1));
    }
    corpusCombo_->setEnabled(corpusCombo_->count() > 0);
    // The corpus may have changed on disk too: always reload.
    loadCorpus(corpusCombo_->currentIndex());
}

bool DataPage::selectCorpus(const QString& name)
{
    const int index = corpusCombo_->findText(name);
    if (index < 0)
        return false;
    corpusCombo_->setCurrentIndex(index);
    return true;
}

bool DataPage::selectSplit(const QString& name)
{
    const int index = splitCombo_->findText(name);
    if (index < 0)
        return false;
    splitCombo_->setCurrentIndex(index);
    return true;
}

void DataPage::selectUtteranceRow(int row)
{
    if (row < 0 || row >= utteranceProxy_->rowCount())
        return;
    utteranceTable_->setCurrentIndex(utteranceProxy_->index(row, 0));
    utteranceTable_->scrollTo(utteranceProxy_->index(row, 0));
}

void DataPage::loadCorpus(int comboIndex)
{
    corpusPath_ = comboIndex >= 0 ? corpusCombo_->itemData(comboIndex).toString() : QString();
    corpusPathLabel_->setText(corpusPath_);
    reportedErrors_.clear();
    statsError_.clear();
    statsModel_->clear();
    splits_.clear();
    ++splitsGeneration_;
    ++manifestGeneration_;
    {
        QSignalBlocker blocker(splitCombo_);
        splitCombo_->clear();
    }
    utteranceModel_->clear();
    issuesLabel_->clear();
    clearUtterance();
    loadPending_ = !corpusPath_.isEmpty();
    // Loading starts when the page is first shown: a hidden page reads nothing.
    if (isVisible())
        startPendingLoad();
    updateBusy();
}

void DataPage::showEvent(QShowEvent* event)
{
    Page::showEvent(event);
    startPendingLoad();
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

void DataPage::startPendingLoad()
{
    if (!loadPending_)
        return;
    loadPending_ = false;
    startStats();
    loadSplits();
}

void DataPage::startStats()
{
    if (corpusPath_.isEmpty())
        return;
    // One statistics job at a time; onStatsFinished starts the next one if the corpus changed.
    if (statsJobs_->isRunning()) {
        if (!statsResult_ || QString::fromStdString(statsResult_->path) != corpusPath_)
            statsJobs_->cancel();
        updateBusy();
        return;
    }
    auto result = std::make_shared<StatsResult>();
    result->path = corpusPath_.toStdString();
    statsResult_ = result;
    auto job = std::make_unique<project::FunctionJob>(
        tr("Corpus statistics").toStdString(),
        std::vector<std::string>{"espalier-cli", "corpus", "stats", result->path},
        [result](project::JobContext& context) {
            context.beginStage("Reading manifests", 0, 1);
            result->stats = data::corpusStats(result->path);
        });
    statsJobs_->start(std::move(job));
    updateBusy();
}

void DataPage::onStatsFinished(int outcome, const QString& message)
{
    const bool current = statsResult_ && QString::fromStdString(statsResult_->path) == corpusPath_;
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

void DataPage::loadSplits()
{
    const int generation = ++splitsGeneration_;
    const std::string path = corpusPath_.toStdString();
    ++runningTasks_;
    updateBusy();
    runInBackground<SplitsResult>(
        this,
        [path] {
            SplitsResult result;
            try {
                result.splits = data::findSplits(path);
            } catch (const std::exception& error) {
                result.error = errorText(error);
            }
            return result;
        },
        [this, generation](const SplitsResult& result) {
            --runningTasks_;
            updateBusy();
            if (generation != splitsGeneration_)
                return;
            if (!result.error.isEmpty()) {
                reportError(tr("Cannot read corpus"), result.error);
                return;
            }
            splits_ = result.splits;
            {
                QSignalBlocker blocker(splitCombo_);
                splitCombo_->clear();
                for (const data::CorpusSplit& split : splits_)
                    splitCombo_->addItem(QString::fromStdString(split.name));
                // Browse dev or a test set first when there is one: smaller than train.
                int first = 0;
                for (const char* preferred : {"dev", "test", "test_clean"}) {
                    const int index = splitCombo_->findText(preferred);
                    if (index >= 0) {
                        first = index;
                        break;
                    }
                }
                splitCombo_->setCurrentIndex(splits_.empty() ? -1 : first);
            }
            emit splitsLoaded(int(splits_.size()));
            loadManifest(splitCombo_->currentIndex());
        });
}

void DataPage::loadManifest(int splitIndex)
{
    const int generation = ++manifestGeneration_;
    utteranceModel_->clear();
    issuesLabel_->clear();
    issuesLabel_->setToolTip({});
    clearUtterance();
    if (splitIndex < 0 || splitIndex >= int(splits_.size())) {
        updateUtteranceCount();
        return;
    }
    const data::CorpusSplit split = splits_[size_t(splitIndex)];
    ++runningTasks_;
    updateBusy();
    runInBackground<std::shared_ptr<ManifestResult>>(
        this,
        [split] {
            auto result = std::make_shared<ManifestResult>();
            try {
                const std::string aishellSplit = split.format == data::ManifestFormat::Aishell ? split.name : "";
                result->manifest = data::readManifest(split.path, split.format, aishellSplit);
                data::UtteranceList& utterances = result->manifest.utterances;
                const auto missing = size_t(std::count_if(utterances.begin(), utterances.end(),
                                                          [](const data::Utterance& u) { return u.duration <= 0.0; }));
                if (missing <= kMaxProbedDurations) {
                    for (data::Utterance& u : utterances) {
                        if (u.duration > 0.0)
                            continue;
                        try {
                            u.duration = audio::probeAudio(u.audioPath).duration();
                        } catch (const std::exception&) {
                            // unreadable audio: reported when the utterance is opened
                        }
                    }
                }
            } catch (const std::exception& error) {
                result->error = errorText(error);
            }
            return result;
        },
        [this, generation](const std::shared_ptr<ManifestResult>& result) {
            --runningTasks_;
            updateBusy();
            if (generation != manifestGeneration_)
                return;
            if (!result->error.isEmpty()) {
                updateUtteranceCount();
                reportError(tr("Cannot read manifest"), result->error);
                return;
            }
            const std::vector<data::ManifestIssue>& issues = result->manifest.issues;
            if (!issues.empty()) {
                issuesLabel_->setText(tr("%n malformed line(s) skipped", "", int(issues.size())));
                QStringList lines;
                for (size_t i = 0; i < issues.size() && i < size_t(kMaxIssuesInTooltip); ++i)
                    lines << QString::fromStdString(issues[i].toString());
                if (issues.size() > size_t(kMaxIssuesInTooltip))
                    lines << tr("… and %n more", "", int(issues.size()) - kMaxIssuesInTooltip);
                issuesLabel_->setToolTip(lines.join('\n'));
            }
            utteranceModel_->setUtterances(std::move(result->manifest.utterances));
            updateUtteranceCount();
            emit utterancesLoaded(utteranceModel_->rowCount());
        });
}

void DataPage::showUtterance(const QModelIndex& proxyIndex)
{
    const QModelIndex source = utteranceProxy_->mapToSource(proxyIndex);
    if (!source.isValid())
        return;
    const data::Utterance& utterance = utteranceModel_->utterance(source.row());
    if (QString::fromStdString(utterance.key) == shownKey_ && waveform_->hasData())
        return;
    player_->stop();
    const int generation = ++decodeGeneration_;
    const int rate = project_ ? project_->config().sampleRate : 16000;
    const std::string path = utterance.audioPath;
    const QString key = QString::fromStdString(utterance.key);
    utteranceKeyLabel_->setText(key);
    utteranceTextLabel_->setText(QString::fromStdString(utterance.text));
    shownKey_.clear();
    shownAudioPath_ = QString::fromStdString(path);
    ++runningTasks_;
    updateBusy();
    runInBackground<std::shared_ptr<DecodedUtterance>>(
        this,
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
                result->error = errorText(error);
            }
            return result;
        },
        [this](const std::shared_ptr<DecodedUtterance>& decoded) {
            --runningTasks_;
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
    if (corpusPath_.isEmpty())
        return {};
    return QString::fromStdString(project::shellJoin({"espalier-cli", "corpus", "stats", corpusPath_.toStdString()}));
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
    return QString::fromStdString(project::shellJoin(argv));
}

bool DataPage::isBusy() const
{
    return statsJobs_->isRunning() || runningTasks_ > 0;
}

void DataPage::updateBusy()
{
    const bool computing = statsJobs_->isRunning();
    statsProgress_->setVisible(computing);
    statsCommandButton_->setEnabled(!corpusPath_.isEmpty());
    if (computing)
        statsStatusLabel_->setText(tr("Computing statistics…"));
    else if (!statsError_.isEmpty())
        statsStatusLabel_->setText(tr("Statistics unavailable: %1").arg(statsError_));
    else if (corpusPath_.isEmpty())
        statsStatusLabel_->setText(project_ ? tr("Add a corpus to the project to see it here.")
                                            : tr("Open a project to see its corpora."));
    else if (statsModel_->rowCount() > 0)
        statsStatusLabel_->setText(tr("%n split(s)", "", int(statsModel_->stats().splits.size())));
    else
        statsStatusLabel_->clear();
}

void DataPage::updateUtteranceCount()
{
    const int total = utteranceModel_->rowCount();
    const int shown = utteranceProxy_->rowCount();
    if (runningTasks_ > 0 && total == 0 && splitCombo_->count() > 0)
        utteranceCountLabel_->setText(tr("Loading…"));
    else if (shown == total)
        utteranceCountLabel_->setText(tr("%n utterance(s)", "", total));
    else
        utteranceCountLabel_->setText(tr("%1 of %n utterance(s)", "", total).arg(shown));
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
