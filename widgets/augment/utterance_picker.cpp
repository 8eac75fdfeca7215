#include "augment/utterance_picker.h"

#include "audio/audio_file.h"
#include "data/manifest.h"
#include "models/utterance_table_model.h"
#include "project/project.h"

#include <QComboBox>
#include <QEvent>
#include <QFutureWatcher>
#include <QGridLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

#include <algorithm>

namespace espalier::widgets {

namespace {
// Durations missing from the manifest come from the audio headers, up to this many utterances.
constexpr size_t kMaxProbedDurations = 5000;

struct SplitsResult {
    std::vector<data::CorpusSplit> splits;
    QString error;
};

struct ManifestResult {
    data::UtteranceList utterances;
    QString error;
};

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
} // namespace

UtterancePicker::UtterancePicker(QWidget* parent) : QWidget(parent)
{
    model_ = new UtteranceTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setSortRole(UtteranceTableModel::RawValueRole);

    corpusLabel_ = new QLabel(this);
    corpusCombo_ = new QComboBox(this);
    corpusCombo_->setObjectName("sourceCorpusCombo");
    corpusCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    corpusCombo_->setMinimumContentsLength(8);
    corpusLabel_->setBuddy(corpusCombo_);
    splitLabel_ = new QLabel(this);
    splitCombo_ = new QComboBox(this);
    splitCombo_->setObjectName("sourceSplitCombo");
    splitCombo_->setSizeAdjustPolicy(QComboBox::AdjustToMinimumContentsLengthWithIcon);
    splitCombo_->setMinimumContentsLength(6);
    splitLabel_->setBuddy(splitCombo_);
    filterEdit_ = new QLineEdit(this);
    filterEdit_->setObjectName("sourceFilterEdit");
    filterEdit_->setClearButtonEnabled(true);

    table_ = new QTableView(this);
    table_->setObjectName("sourceTable");
    table_->setModel(proxy_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder);
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + 6);
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setSectionResizeMode(UtteranceTableModel::Text, QHeaderView::Stretch);
    table_->horizontalHeader()->setSectionHidden(UtteranceTableModel::Speaker, true);
    table_->horizontalHeader()->setSectionResizeMode(UtteranceTableModel::Duration, QHeaderView::ResizeToContents);
    table_->setColumnWidth(UtteranceTableModel::Key, 100);

    statusLabel_ = new QLabel(this);
    statusLabel_->setObjectName("sourceStatus");
    statusLabel_->setWordWrap(true);

    auto* combos = new QGridLayout;
    combos->addWidget(corpusLabel_, 0, 0);
    combos->addWidget(corpusCombo_, 0, 1);
    combos->addWidget(splitLabel_, 0, 2);
    combos->addWidget(splitCombo_, 0, 3);
    combos->setColumnStretch(1, 2);
    combos->setColumnStretch(3, 1);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(combos);
    layout->addWidget(filterEdit_);
    layout->addWidget(table_, 1);
    layout->addWidget(statusLabel_);

    connect(corpusCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &UtterancePicker::loadCorpus);
    connect(splitCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &UtterancePicker::loadManifest);
    connect(filterEdit_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(filterEdit_, &QLineEdit::textChanged, this, &UtterancePicker::updateCount);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    retranslate();
    setProject(nullptr);
}

UtterancePicker::~UtterancePicker() = default;

void UtterancePicker::retranslate()
{
    corpusLabel_->setText(tr("Corpus:"));
    splitLabel_->setText(tr("Split:"));
    corpusCombo_->setPlaceholderText(tr("No corpus"));
    filterEdit_->setPlaceholderText(tr("Filter by key, transcript or speaker"));
    model_->retranslate();
    updateCount();
}

void UtterancePicker::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void UtterancePicker::setProject(const project::Project* project)
{
    const QString previous = corpusCombo_->currentText();
    {
        const QSignalBlocker blocker(corpusCombo_);
        corpusCombo_->clear();
        if (project) {
            for (const project::CorpusEntry& entry : project->config().corpora) {
                const QString path = QString::fromStdString(project->absoluteCorpusPath(entry));
                corpusCombo_->addItem(QString::fromStdString(entry.name), path);
                corpusCombo_->setItemData(corpusCombo_->count() - 1, path, Qt::ToolTipRole);
            }
        }
        const int keep = corpusCombo_->findText(previous);
        corpusCombo_->setCurrentIndex(keep >= 0 ? keep : (corpusCombo_->count() > 0 ? 0 : -1));
    }
    corpusCombo_->setEnabled(corpusCombo_->count() > 0);
    loadCorpus(corpusCombo_->currentIndex());
}

QString UtterancePicker::currentCorpusName() const
{
    return corpusCombo_->currentText();
}

bool UtterancePicker::selectCorpus(const QString& name)
{
    const int index = corpusCombo_->findText(name);
    if (index < 0)
        return false;
    corpusCombo_->setCurrentIndex(index);
    return true;
}

bool UtterancePicker::selectSplit(const QString& name)
{
    const int index = splitCombo_->findText(name);
    if (index < 0)
        return false;
    splitCombo_->setCurrentIndex(index);
    return true;
}

void UtterancePicker::selectRow(int row)
{
    if (row < 0 || row >= proxy_->rowCount())
        return;
    table_->setCurrentIndex(proxy_->index(row, 0));
    table_->scrollTo(proxy_->index(row, 0));
}

bool UtterancePicker::selectKey(const QString& key)
{
    for (int row = 0; row < proxy_->rowCount(); ++row) {
        if (proxy_->index(row, UtteranceTableModel::Key).data(UtteranceTableModel::RawValueRole).toString() == key) {
            selectRow(row);
            return true;
        }
    }
    return false;
}

void UtterancePicker::loadCorpus(int index)
{
    corpusPath_ = index >= 0 ? corpusCombo_->itemData(index).toString() : QString();
    error_.clear();
    splits_.clear();
    ++splitsGeneration_;
    ++manifestGeneration_;
    {
        const QSignalBlocker blocker(splitCombo_);
        splitCombo_->clear();
    }
    splitCombo_->setEnabled(false);
    model_->clear();
    loadPending_ = !corpusPath_.isEmpty();
    if (isVisible())
        startPendingLoad();
    updateCount();
}

void UtterancePicker::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    startPendingLoad();
}

void UtterancePicker::startPendingLoad()
{
    if (!loadPending_)
        return;
    loadPending_ = false;
    const int generation = ++splitsGeneration_;
    const std::string path = corpusPath_.toStdString();
    ++runningTasks_;
    updateCount();
    runInBackground<SplitsResult>(
        this,
        [path] {
            SplitsResult result;
            try {
                result.splits = data::findSplits(path);
            } catch (const std::exception& error) {
                result.error = QString::fromUtf8(error.what());
            }
            return result;
        },
        [this, generation](const SplitsResult& result) {
            --runningTasks_;
            if (generation != splitsGeneration_) {
                updateCount();
                return;
            }
            error_ = result.error;
            splits_ = result.splits;
            {
                const QSignalBlocker blocker(splitCombo_);
                splitCombo_->clear();
                for (const data::CorpusSplit& split : splits_)
                    splitCombo_->addItem(QString::fromStdString(split.name));
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
            splitCombo_->setEnabled(splitCombo_->count() > 0);
            loadManifest(splitCombo_->currentIndex());
        });
}

void UtterancePicker::loadManifest(int splitIndex)
{
    const int generation = ++manifestGeneration_;
    model_->clear();
    if (splitIndex < 0 || splitIndex >= int(splits_.size())) {
        updateCount();
        return;
    }
    const data::CorpusSplit split = splits_[size_t(splitIndex)];
    ++runningTasks_;
    updateCount();
    runInBackground<std::shared_ptr<ManifestResult>>(
        this,
        [split] {
            auto result = std::make_shared<ManifestResult>();
            try {
                result->utterances = data::readSplit(split).utterances;
                const auto missing = size_t(std::count_if(result->utterances.begin(), result->utterances.end(),
                                                          [](const data::Utterance& u) { return u.duration <= 0.0; }));
                if (missing <= kMaxProbedDurations) {
                    for (data::Utterance& u : result->utterances) {
                        if (u.duration > 0.0)
                            continue;
                        try {
                            u.duration = audio::probeAudio(u.audioPath).duration();
                        } catch (const std::exception&) {
                            // unreadable: reported when picked
                        }
                    }
                }
            } catch (const std::exception& error) {
                result->error = QString::fromUtf8(error.what());
            }
            return result;
        },
        [this, generation](const std::shared_ptr<ManifestResult>& result) {
            --runningTasks_;
            if (generation != manifestGeneration_) {
                updateCount();
                return;
            }
            error_ = result->error;
            model_->setUtterances(std::move(result->utterances));
            updateCount();
            emit utterancesLoaded(model_->rowCount());
        });
}

void UtterancePicker::onCurrentChanged(const QModelIndex& proxyIndex)
{
    const QModelIndex source = proxy_->mapToSource(proxyIndex);
    if (!source.isValid())
        return;
    const data::Utterance& utterance = model_->utterance(source.row());
    emit utterancePicked(QString::fromStdString(utterance.audioPath), QString::fromStdString(utterance.key),
                         QString::fromStdString(utterance.text));
}

void UtterancePicker::setStatus(const QString& text, bool error)
{
    statusLabel_->setText(text);
    statusLabel_->setStyleSheet(error ? QStringLiteral("QLabel { color: #c62828; }") : QString());
    statusLabel_->setForegroundRole(error ? QPalette::WindowText : QPalette::PlaceholderText);
}

void UtterancePicker::updateCount()
{
    if (!error_.isEmpty()) {
        setStatus(error_, true);
        return;
    }
    if (corpusCombo_->count() == 0) {
        setStatus(tr("No corpus in the project: open an audio file or drop one on the page."), false);
        return;
    }
    if (runningTasks_ > 0) {
        setStatus(tr("Loading…"), false);
        return;
    }
    const int total = model_->rowCount();
    const int shown = proxy_->rowCount();
    if (shown == total)
        setStatus(tr("%n utterance(s)", "", total), false);
    else
        setStatus(tr("%1 of %n utterance(s)", "", total).arg(shown), false);
}

} // namespace espalier::widgets
