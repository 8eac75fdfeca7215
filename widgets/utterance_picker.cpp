#include "widgets/utterance_picker.h"

#include "core/audio/audio_file.h"
#include "core/project/project.h"
#include "widgets/models/utterance_table_model.h"
#include "widgets/run_in_background.h"

#include <QComboBox>
#include <QEvent>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QSortFilterProxyModel>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <memory>

namespace espalier::widgets {

namespace {
// Manifests without durations (WeNet data.list, Kaldi without utt2dur) get them from the audio
// headers, up to this many utterances; longer lists show "–" rather than wait for the disk.
constexpr size_t kMaxProbedDurations = 20000;
constexpr int kMaxIssuesInTooltip = 20;

struct SplitsResult {
    std::vector<data::CorpusSplit> splits;
    QString error;
};

struct ManifestResult {
    data::ManifestReadResult manifest;
    QString error;
};

ManifestResult readManifestWithDurations(const data::CorpusSplit& split)
{
    ManifestResult result;
    try {
        result.manifest = data::readSplit(split);
        data::UtteranceList& utterances = result.manifest.utterances;
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
        result.error = QString::fromUtf8(error.what());
    }
    return result;
}
} // namespace

UtterancePicker::UtterancePicker(Layout layout, QWidget* parent) : QWidget(parent), layout_(layout)
{
    model_ = new UtteranceTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setFilterKeyColumn(-1);
    proxy_->setFilterCaseSensitivity(Qt::CaseInsensitive);
    proxy_->setSortRole(UtteranceTableModel::RawValueRole);

    corpusBar_ = new QWidget(this);
    corpusLabel_ = new QLabel(corpusBar_);
    corpusCombo_ = new QComboBox(corpusBar_);
    corpusCombo_->setObjectName("corpusCombo");
    corpusLabel_->setBuddy(corpusCombo_);
    corpusBar_->setFocusProxy(corpusCombo_);
    auto* corpusLayout = new QHBoxLayout(corpusBar_);
    corpusLayout->setContentsMargins(0, 0, 0, 0);
    corpusLayout->addWidget(corpusLabel_);
    corpusLayout->addWidget(corpusCombo_, 1);

    splitLabel_ = new QLabel(this);
    splitCombo_ = new QComboBox(this);
    splitCombo_->setObjectName("splitCombo");
    splitLabel_->setBuddy(splitCombo_);
    filterEdit_ = new QLineEdit(this);
    filterEdit_->setObjectName("filterEdit");
    filterEdit_->setClearButtonEnabled(true);

    table_ = new QTableView(this);
    table_->setObjectName("utteranceTable");
    table_->setModel(proxy_);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::SingleSelection);
    table_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    table_->setSortingEnabled(true);
    table_->sortByColumn(-1, Qt::AscendingOrder);  // file order until the user sorts
    table_->setAlternatingRowColors(true);
    table_->setWordWrap(false);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::Interactive);
    table_->horizontalHeader()->setSectionResizeMode(UtteranceTableModel::Text, QHeaderView::Stretch);

    statusLabel_ = new QLabel(this);
    statusLabel_->setObjectName("utteranceCount");
    statusLabel_->setWordWrap(true);
    issuesLabel_ = new QLabel(this);
    issuesLabel_->setObjectName("manifestIssues");
    issuesLabel_->setWordWrap(true);

    buildLayout();

    connect(corpusCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &UtterancePicker::loadCorpus);
    connect(splitCombo_, qOverload<int>(&QComboBox::currentIndexChanged), this, &UtterancePicker::loadManifest);
    connect(filterEdit_, &QLineEdit::textChanged, proxy_, &QSortFilterProxyModel::setFilterFixedString);
    connect(filterEdit_, &QLineEdit::textChanged, this, &UtterancePicker::updateStatus);
    connect(table_->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& current) { onCurrentChanged(current); });
    retranslate();
    setProject(nullptr);
}

UtterancePicker::~UtterancePicker() = default;

void UtterancePicker::buildLayout()
{
    const bool wide = layout_ == Layout::Wide;
    const auto comboPolicy = wide ? QComboBox::AdjustToContents : QComboBox::AdjustToMinimumContentsLengthWithIcon;
    corpusCombo_->setSizeAdjustPolicy(comboPolicy);
    corpusCombo_->setMinimumContentsLength(wide ? 16 : 8);
    splitCombo_->setSizeAdjustPolicy(comboPolicy);
    splitCombo_->setMinimumContentsLength(wide ? 10 : 6);

    QHeaderView* header = table_->horizontalHeader();
    table_->verticalHeader()->setDefaultSectionSize(table_->fontMetrics().height() + (wide ? 8 : 6));
    if (wide) {
        const int digit = table_->fontMetrics().horizontalAdvance('0');
        header->resizeSection(UtteranceTableModel::Key, 18 * digit);
        header->resizeSection(UtteranceTableModel::Duration, 11 * digit);
        header->resizeSection(UtteranceTableModel::Speaker, 10 * digit);
    } else {
        header->setSectionHidden(UtteranceTableModel::Speaker, true);
        header->setSectionResizeMode(UtteranceTableModel::Duration, QHeaderView::ResizeToContents);
        header->resizeSection(UtteranceTableModel::Key, 100);
    }

    statusRole_ = wide ? QPalette::WindowText : QPalette::PlaceholderText;

    auto* top = new QHBoxLayout;
    if (wide) {
        top->addWidget(splitLabel_);
        top->addWidget(splitCombo_);
        top->addWidget(filterEdit_, 1);
    } else {
        top->addWidget(corpusBar_, 2);
        top->addWidget(splitLabel_);
        top->addWidget(splitCombo_, 1);
    }
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(statusLabel_);
    bottom->addWidget(issuesLabel_, 1);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(top);
    if (!wide)
        column->addWidget(filterEdit_);
    column->addWidget(table_, 1);
    column->addLayout(bottom);
}

void UtterancePicker::retranslate()
{
    corpusLabel_->setText(tr("&Corpus:"));
    splitLabel_->setText(tr("&Split:"));
    // A combo's placeholder counts in its width: a side panel gets the short one.
    corpusCombo_->setPlaceholderText(layout_ == Layout::Wide ? tr("No corpus in this project") : tr("No corpus"));
    filterEdit_->setPlaceholderText(tr("Filter by key, transcript or speaker"));
    model_->retranslate();
    updateStatus();
    updateIssues();
}

void UtterancePicker::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void UtterancePicker::setNoCorpusText(const QString& text)
{
    noCorpusText_ = text;
    updateStatus();
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
    // The corpus may have changed on disk too: always reload.
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

void UtterancePicker::clearList()
{
    model_->clear();
    issues_.clear();
    updateIssues();
    emit cleared();
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
    clearList();
    emit corpusChanged(corpusPath_);
    loadPending_ = !corpusPath_.isEmpty();
    if (isVisible())
        startPendingLoad();
    updateStatus();
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
    updateStatus();
    emit loadStarted(corpusPath_);
    runInBackground<SplitsResult>(
        this, tr("Read the corpus's splits"),
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
                updateStatus();
                return;
            }
            onSplitsRead(result.splits, result.error);
        });
}

void UtterancePicker::onSplitsRead(const std::vector<data::CorpusSplit>& splits, const QString& error)
{
    error_ = error;
    splits_ = splits;
    {
        const QSignalBlocker blocker(splitCombo_);
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
    splitCombo_->setEnabled(splitCombo_->count() > 0);
    if (!error.isEmpty()) {
        updateStatus();
        emit loadFailed(tr("Cannot read corpus"), error);
        return;
    }
    emit splitsLoaded(int(splits_.size()));
    loadManifest(splitCombo_->currentIndex());
}

void UtterancePicker::loadManifest(int splitIndex)
{
    const int generation = ++manifestGeneration_;
    clearList();
    if (splitIndex < 0 || splitIndex >= int(splits_.size())) {
        updateStatus();
        return;
    }
    const data::CorpusSplit split = splits_[size_t(splitIndex)];
    ++runningTasks_;
    updateStatus();
    runInBackground<std::shared_ptr<ManifestResult>>(
        this, tr("Read a manifest"), [split] { return std::make_shared<ManifestResult>(readManifestWithDurations(split)); },
        [this, generation](const std::shared_ptr<ManifestResult>& result) {
            --runningTasks_;
            if (generation != manifestGeneration_) {
                updateStatus();
                return;
            }
            error_ = result->error;
            issues_ = std::move(result->manifest.issues);
            updateIssues();
            model_->setUtterances(std::move(result->manifest.utterances));
            updateStatus();
            if (!error_.isEmpty())
                emit loadFailed(tr("Cannot read manifest"), error_);
            else
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
    // A style sheet's color does not reach the placeholder role.
    statusLabel_->setForegroundRole(error ? QPalette::WindowText : statusRole_);
}

void UtterancePicker::updateStatus()
{
    if (!error_.isEmpty()) {
        setStatus(error_, true);
        return;
    }
    if (corpusCombo_->count() == 0 && !noCorpusText_.isEmpty()) {
        setStatus(noCorpusText_, false);
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

void UtterancePicker::updateIssues()
{
    issuesLabel_->setVisible(!issues_.empty());
    if (issues_.empty()) {
        issuesLabel_->clear();
        issuesLabel_->setToolTip({});
        return;
    }
    issuesLabel_->setText(tr("%n malformed line(s) skipped", "", int(issues_.size())));
    QStringList lines;
    for (size_t i = 0; i < issues_.size() && i < size_t(kMaxIssuesInTooltip); ++i)
        lines << QString::fromStdString(issues_[i].toString());
    if (issues_.size() > size_t(kMaxIssuesInTooltip))
        lines << tr("… and %n more", "", int(issues_.size()) - kMaxIssuesInTooltip);
    issuesLabel_->setToolTip(lines.join('\n'));
}

} // namespace espalier::widgets
