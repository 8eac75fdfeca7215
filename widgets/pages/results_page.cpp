#include "widgets/pages/results_page.h"

#include "core/job/shell_quote.h"
#include "core/project/project.h"
#include "core/project/run_compare.h"
#include "core/report/comparison_report.h"
#include "core/runtime/error.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/models/run_table_model.h"
#include "widgets/job_controller.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/results/studies_panel.h"
#include "widgets/run_in_background.h"

#include <QCheckBox>
#include <QComboBox>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStyle>
#include <QTableView>
#include <QTabWidget>
#include <QTableWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <algorithm>
#include <set>

namespace espalier::widgets {

namespace {

constexpr int kPollMs = 3000;  // how often the store is refreshed from the run folders while shown

// What a listing shows, to tell whether a reload changed anything.
std::string signatureOf(const std::vector<project::IndexedRun>& runs)
{
    std::string s;
    for (const auto& run : runs)
        s += run.record.id + "|" + run.modified + "|" + std::to_string(run.record.stepsDone) + "|"
            + std::to_string(run.tags.size()) + run.note + (run.archived ? "a" : "") + run.record.problem + "\n";
    return s;
}

QString text(const std::string& s)
{
    return QString::fromStdString(s);
}

} // namespace

ResultsPage::ResultsPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);

    filterLabel_ = new QLabel(this);
    kind_ = new QComboBox(this);
    kind_->setObjectName("kindFilter");
    state_ = new QComboBox(this);
    state_->setObjectName("stateFilter");
    tag_ = new QLineEdit(this);
    tag_->setObjectName("tagFilter");
    where_ = new QLineEdit(this);
    where_->setObjectName("whereFilter");
    search_ = new QLineEdit(this);
    search_->setObjectName("searchFilter");
    search_->setClearButtonEnabled(true);
    archived_ = new QCheckBox(this);
    archived_->setObjectName("showArchived");
    auto* filters = new QHBoxLayout;
    filters->addWidget(filterLabel_);
    filters->addWidget(kind_);
    filters->addWidget(state_);
    filters->addWidget(tag_, 1);
    filters->addWidget(where_, 2);
    filters->addWidget(search_, 2);
    filters->addWidget(archived_);
    problem_ = new QLabel(this);
    problem_->setObjectName("resultsProblem");
    problem_->setWordWrap(true);
    problem_->setStyleSheet("color: #b42828;");
    problem_->hide();

    runsBox_ = new QGroupBox(this);
    model_ = new RunTableModel(this);
    proxy_ = new QSortFilterProxyModel(this);
    proxy_->setSourceModel(model_);
    proxy_->setSortRole(RunTableModel::SortRole);
    table_ = new QTableView(runsBox_);
    table_->setObjectName("resultsRunTable");
    table_->setModel(proxy_);
    table_->setSortingEnabled(true);
    table_->sortByColumn(RunTableModel::Run, Qt::DescendingOrder);
    table_->setSelectionBehavior(QAbstractItemView::SelectRows);
    table_->setSelectionMode(QAbstractItemView::ExtendedSelection);
    table_->verticalHeader()->hide();
    table_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    table_->horizontalHeader()->setStretchLastSection(true);
    tagButton_ = new QPushButton(runsBox_);
    noteButton_ = new QPushButton(runsBox_);
    archiveButton_ = new QPushButton(runsBox_);
    deleteButton_ = new QPushButton(style()->standardIcon(QStyle::SP_TrashIcon), QString(), runsBox_);
    deleteButton_->setObjectName("deleteRunButton");
    auto* runButtons = new QHBoxLayout;
    for (QPushButton* b : {tagButton_, noteButton_, archiveButton_, deleteButton_})
        runButtons->addWidget(b);
    runButtons->addStretch(1);
    auto* runsLayout = new QVBoxLayout(runsBox_);
    runsLayout->addWidget(table_, 1);
    runsLayout->addLayout(runButtons);

    compareBox_ = new QGroupBox(this);
    baselineLabel_ = new QLabel(compareBox_);
    baseline_ = new QComboBox(compareBox_);
    baseline_->setObjectName("baselineBox");
    groupSeeds_ = new QCheckBox(compareBox_);
    groupSeeds_->setObjectName("groupSeeds");
    commandButton_ = new QPushButton(compareBox_);
    commandButton_->setObjectName("compareCommandButton");
    reportButton_ = new QPushButton(style()->standardIcon(QStyle::SP_FileIcon), QString(), compareBox_);
    reportButton_->setObjectName("reportButton");
    comparison_ = new QTableWidget(compareBox_);
    comparison_->setObjectName("comparisonTable");
    comparison_->setEditTriggers(QAbstractItemView::NoEditTriggers);
    comparison_->horizontalHeader()->setSectionResizeMode(QHeaderView::ResizeToContents);
    compareNote_ = new QLabel(compareBox_);
    compareNote_->setWordWrap(true);
    auto* compareControls = new QHBoxLayout;
    compareControls->addWidget(baselineLabel_);
    compareControls->addWidget(baseline_, 1);
    compareControls->addWidget(groupSeeds_);
    compareControls->addWidget(commandButton_);
    compareControls->addWidget(reportButton_);
    auto* compareLayout = new QVBoxLayout(compareBox_);
    compareLayout->addLayout(compareControls);
    compareLayout->addWidget(comparison_, 1);
    compareLayout->addWidget(compareNote_);

    plotBox_ = new QGroupBox(this);
    plotTest_ = new QComboBox(plotBox_);
    plotTest_->setObjectName("plotTestSet");
    plot_ = new MetricPlot(plotBox_);
    plot_->setObjectName("cerSparsityPlot");
    plot_->setValueFormat(MetricPlot::ValueFormat::Percent);
    auto* plotLayout = new QVBoxLayout(plotBox_);
    plotLayout->addWidget(plotTest_);
    plotLayout->addWidget(plot_, 1);

    auto* bottom = makeSplitter(Qt::Horizontal, {compareBox_, plotBox_}, {3, 2}, {700, 420}, this);
    studies_ = new StudiesPanel(this);
    tabs_ = new QTabWidget(this);
    tabs_->setObjectName("resultsTabs");
    tabs_->addTab(runsBox_, QString());
    tabs_->addTab(studies_, QString());
    auto* splitter = makeSplitter(Qt::Vertical, {tabs_, bottom}, {1, 1}, {320, 360}, this);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addLayout(filters);
    layout->addWidget(problem_);
    layout->addWidget(splitter, 1);

    poll_ = new QTimer(this);
    poll_->setInterval(kPollMs);
    connect(poll_, &QTimer::timeout, this, [this] {
        if (isVisible())
            reload();
    });
    for (QLineEdit* edit : {tag_, where_, search_})
        connect(edit, &QLineEdit::editingFinished, this, &ResultsPage::reload);
    connect(kind_, &QComboBox::currentIndexChanged, this, &ResultsPage::reload);
    connect(state_, &QComboBox::currentIndexChanged, this, &ResultsPage::reload);
    connect(archived_, &QCheckBox::toggled, this, &ResultsPage::reload);
    connect(table_->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        updateComparison();
        updateButtons();
    });
    // A study chosen in the Studies view: its runs are compared below.
    connect(studies_, &StudiesPanel::studyRunsChanged, this, [this](const QStringList& ids) {
        if (tabs_->currentWidget() == studies_)
            selectRuns(ids);  // those of its cells that have run
    });
    connect(tabs_, &QTabWidget::currentChanged, this, [this] {
        if (tabs_->currentWidget() == studies_)
            selectRuns(studies_->currentRunIds());
    });
    connect(studies_->controller(), &JobController::finished, this, &ResultsPage::reload);
    connect(baseline_, &QComboBox::currentIndexChanged, this, &ResultsPage::updateComparison);
    connect(groupSeeds_, &QCheckBox::toggled, this, &ResultsPage::updateComparison);
    connect(plotTest_, &QComboBox::currentIndexChanged, this, &ResultsPage::updatePlot);
    connect(commandButton_, &QPushButton::clicked, this, [this] { showCommandDialog(this, compareCommand()); });
    connect(reportButton_, &QPushButton::clicked, this, [this] {
        emit reportRequested(selectedRuns(), baseline_->currentData().toString(), groupSeeds_->isChecked());
    });
    connect(tagButton_, &QPushButton::clicked, this, [this] {
        bool ok = false;
        const QString tag = QInputDialog::getText(this, tr("Tag runs"), tr("Tag (a leading - removes it):"),
                                                  QLineEdit::Normal, QString(), &ok);
        if (ok && !tag.trimmed().isEmpty())
            tagSelected(tag.trimmed());
    });
    connect(noteButton_, &QPushButton::clicked, this, [this] {
        const auto runs = model_->indexedRuns();
        const QStringList ids = selectedRuns();
        QString current;
        for (const auto& run : runs)
            if (!ids.isEmpty() && text(run.record.id) == ids.front())
                current = text(run.note);
        bool ok = false;
        const QString note = QInputDialog::getMultiLineText(this, tr("Note"), tr("Note on the selected runs:"), current, &ok);
        if (ok)
            noteSelected(note);
    });
    connect(archiveButton_, &QPushButton::clicked, this, [this] {
        const auto& runs = model_->indexedRuns();
        const QStringList ids = selectedRuns();
        const bool allArchived = std::all_of(runs.begin(), runs.end(), [&](const project::IndexedRun& r) {
            return !ids.contains(text(r.record.id)) || r.archived;
        });
        archiveSelected(!allArchived);
    });
    connect(deleteButton_, &QPushButton::clicked, this, [this] {
        const QStringList ids = selectedRuns();
        if (ids.isEmpty())
            return;
        const auto answer = QMessageBox::warning(
            this, tr("Delete runs"),
            tr("Delete %n run(s) and everything in their folders (checkpoints, results, logs)? This cannot be undone.\n\n%1",
               nullptr, int(ids.size()))
                .arg(ids.join('\n')),
            QMessageBox::Yes | QMessageBox::Cancel, QMessageBox::Cancel);
        if (answer == QMessageBox::Yes)
            deleteSelected();
    });
    retranslate();
    updateButtons();
}

ResultsPage::~ResultsPage() = default;

QString ResultsPage::title() const
{
    return tr("Results");
}

QIcon ResultsPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileDialogListView);
}

void ResultsPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    studies_->setProject(project_);
    listedSignature_.clear();
    model_->setIndexedRuns({});
    updateComparison();
    if (project_) {
        poll_->start();
        reload();
    } else {
        poll_->stop();
    }
}

project::RunFilter ResultsPage::filter() const
{
    project::RunFilter f;
    f.kind = kind_->currentData().toString().toStdString();
    f.state = state_->currentData().toString().toStdString();
    f.tag = tag_->text().trimmed().toStdString();
    f.text = search_->text().trimmed().toStdString();
    f.includeArchived = archived_->isChecked();
    for (const QString& condition : where_->text().split(',', Qt::SkipEmptyParts)) {
        const int eq = condition.indexOf('=');
        if (eq <= 0)
            throw InputError(tr("Config filter '%1': write key=value, e.g. optimizer.lr=0.002").arg(condition.trimmed()).toStdString());
        f.config.emplace_back(condition.left(eq).trimmed().toStdString(), condition.mid(eq + 1).trimmed().toStdString());
    }
    return f;
}

void ResultsPage::reload()
{
    if (!project_)
        return;
    if (loading_) {
        reloadAgain_ = true;
        return;
    }
    project::RunFilter f;
    try {
        f = filter();
    } catch (const std::exception& e) {
        problem_->setText(QString::fromUtf8(e.what()));
        problem_->show();
        return;
    }
    loading_ = true;
    using Loaded = std::pair<std::vector<project::IndexedRun>, QString>;
    runInBackground<Loaded>(
        this, tr("Read the run store"),
        [dir = project_->dir(), f]() -> Loaded {
            try {
                project::RunIndex index(dir);
                index.refresh();
                return {index.runs(f), QString()};
            } catch (const std::exception& e) {
                return {{}, QString::fromUtf8(e.what())};
            }
        },
        [this](const Loaded& loaded) {
            loading_ = false;
            showRuns(loaded.first, loaded.second);
            if (reloadAgain_) {
                reloadAgain_ = false;
                reload();
            }
        });
}

void ResultsPage::showRuns(std::vector<project::IndexedRun> runs, const QString& error)
{
    problem_->setVisible(!error.isEmpty());
    problem_->setText(error);
    const std::string signature = signatureOf(runs);
    if (error.isEmpty() && signature != listedSignature_) {
        listedSignature_ = signature;
        const QStringList selected = selectedRuns();
        model_->setIndexedRuns(std::move(runs));
        selectRuns(selected);
        const QString test = plotTest_->currentText();
        const QSignalBlocker block(plotTest_);
        plotTest_->clear();
        plotTest_->addItems(model_->testSets());
        plotTest_->setCurrentIndex(std::max(0, int(model_->testSets().indexOf(test))));
        updateComparison();
        updatePlot();
        updateButtons();
    }
    emit runsLoaded();
}

QStringList ResultsPage::selectedRuns() const
{
    QStringList ids;
    for (const QModelIndex& row : table_->selectionModel()->selectedRows())
        ids << proxy_->data(row, RunTableModel::RunIdRole).toString();
    ids.sort();  // oldest first, whatever the table's order: the first (the default baseline) is the earliest run
    return ids;
}

bool ResultsPage::selectRuns(const QStringList& ids)
{
    const QSignalBlocker block(table_->selectionModel());
    table_->clearSelection();
    bool all = true;
    for (const QString& id : ids) {
        bool found = false;
        for (int row = 0; row < proxy_->rowCount(); ++row)
            if (proxy_->index(row, 0).data(RunTableModel::RunIdRole).toString() == id) {
                table_->selectionModel()->select(proxy_->index(row, 0),
                                                 QItemSelectionModel::Select | QItemSelectionModel::Rows);
                found = true;
            }
        all = all && found;
    }
    updateComparison();
    updateButtons();
    return all;
}

void ResultsPage::updateComparison()
{
    const QStringList ids = selectedRuns();
    std::vector<project::IndexedRun> chosen;
    for (const QString& id : ids)
        for (const auto& run : model_->indexedRuns())
            if (text(run.record.id) == id)
                chosen.push_back(run);

    const QString previous = baseline_->currentData().toString();
    {
        const QSignalBlocker block(baseline_);
        baseline_->clear();
        for (const QString& id : ids)
            baseline_->addItem(id, id);
        baseline_->setCurrentIndex(std::max(0, int(ids.indexOf(previous))));
    }
    comparison_->clear();
    comparison_->setRowCount(0);
    comparison_->setColumnCount(0);
    if (chosen.empty()) {
        compareNote_->setText(model_->rowCount() == 0
                                  ? tr("No runs to show. Train one on the Train page (or with espalier-cli train); "
                                       "it appears here while it runs.")
                                  : tr("Select runs above (Ctrl or Shift for several) to compare them."));
        return;
    }
    project::CompareOptions options;
    options.baseline = baseline_->currentData().toString().toStdString();
    options.groupSeeds = groupSeeds_->isChecked();
    project::RunComparison c;
    try {
        c = project::compareRuns(chosen, options);
    } catch (const std::exception& e) {
        compareNote_->setText(QString::fromUtf8(e.what()));
        return;
    }
    const std::string language = locale().name() == "zh_CN" ? "zh_CN" : "en";
    QStringList headers;
    for (std::size_t i = 0; i < c.columns.size(); ++i)
        headers << text(c.columns[i].label) + (i == c.baseline ? tr(" (baseline)") : QString());
    comparison_->setColumnCount(int(headers.size()));
    comparison_->setHorizontalHeaderLabels(headers);
    QStringList rowLabels;
    const auto addRow = [&](const QString& label) {
        comparison_->insertRow(comparison_->rowCount());
        rowLabels << label;
        return comparison_->rowCount() - 1;
    };
    for (const auto& metric : c.metrics) {
        const int row = addRow(text(report::metricLabel(metric.key, language)));
        for (std::size_t col = 0; col < c.columns.size(); ++col) {
            auto* item = new QTableWidgetItem(text(report::formatMetricWithChange(metric, col, c.baseline)));
            item->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
            const double d = col != c.baseline && metric.deltas[col] ? *metric.deltas[col] : 0.0;
            if (std::fabs(d) > 1e-9 && metric.key != "steps")  // better green, worse red
                item->setForeground((metric.lowerIsBetter ? d < 0 : d > 0) ? QColor(30, 120, 40) : QColor(180, 40, 40));
            comparison_->setItem(row, int(col), item);
        }
    }
    for (const auto& d : c.differences) {
        const int row = addRow(text(d.key));
        for (std::size_t col = 0; col < d.values.size(); ++col)
            comparison_->setItem(row, int(col), new QTableWidgetItem(text(d.values[col])));
    }
    comparison_->setVerticalHeaderLabels(rowLabels);
    compareNote_->setText(c.differences.empty()
                              ? tr("Changes against the baseline in brackets (points for CER and sparsity). The runs' settings are the same.")
                              : tr("Changes against the baseline in brackets (points for CER and sparsity); below the metrics, only the settings that differ."));
}

void ResultsPage::updatePlot()
{
    // CER of the chosen test set against sparsity, over the listed runs (the seed's Table 1 as a curve).
    const std::string test = plotTest_->currentText().toStdString();
    std::vector<std::pair<double, double>> points;
    for (const auto& run : model_->indexedRuns()) {
        const auto it = run.record.tests.find(test);
        if (it != run.record.tests.end())
            points.emplace_back(100.0 * run.record.sparsity.value_or(0.0), it->second.cer);
    }
    std::sort(points.begin(), points.end());
    QVector<double> xs, ys;
    for (const auto& [x, y] : points) {
        xs << x;
        ys << y;
    }
    plot_->setPoints(xs, ys);
}

void ResultsPage::updateButtons()
{
    const bool any = !selectedRuns().isEmpty();
    for (QPushButton* b : {tagButton_, noteButton_, archiveButton_, deleteButton_, reportButton_})
        b->setEnabled(any);
    commandButton_->setEnabled(any);
}

QString ResultsPage::compareCommand() const
{
    if (!project_)
        return {};
    std::vector<std::string> argv{"espalier-cli", "runs", "compare", "--project", project_->dir()};
    for (const QString& id : selectedRuns())
        argv.push_back(id.toStdString());
    if (baseline_->currentIndex() > 0)
        argv.insert(argv.end(), {"--baseline", baseline_->currentData().toString().toStdString()});
    if (groupSeeds_->isChecked())
        argv.push_back("--group-seeds");
    return QString::fromStdString(job::shellJoin(argv));
}

void ResultsPage::annotate(const QString& title, std::function<void(project::RunIndex&, const std::string&)> change)
{
    if (!project_)
        return;
    std::vector<std::string> ids;
    for (const QString& id : selectedRuns())
        ids.push_back(id.toStdString());
    runInBackground<QString>(
        this, title,
        [dir = project_->dir(), ids, change]() -> QString {
            try {
                project::RunIndex index(dir);
                for (const std::string& id : ids)
                    change(index, id);
                return {};
            } catch (const std::exception& e) {
                return QString::fromUtf8(e.what());
            }
        },
        [this, title](const QString& error) {
            if (!error.isEmpty())
                showError(this, title, error);
            reload();
        });
}

void ResultsPage::tagSelected(const QString& tag)
{
    const bool remove = tag.startsWith('-');
    const std::string name = (remove ? tag.mid(1) : tag).toStdString();
    annotate(tr("Tag runs"), [name, remove](project::RunIndex& index, const std::string& id) {
        remove ? index.tag(id, {}, {name}) : index.tag(id, {name});
    });
}

void ResultsPage::noteSelected(const QString& note)
{
    annotate(tr("Note"), [note = note.toStdString()](project::RunIndex& index, const std::string& id) { index.setNote(id, note); });
}

void ResultsPage::archiveSelected(bool archived)
{
    annotate(tr("Archive runs"), [archived](project::RunIndex& index, const std::string& id) { index.setArchived(id, archived); });
}

void ResultsPage::deleteSelected()
{
    annotate(tr("Delete runs"), [](project::RunIndex& index, const std::string& id) { index.remove(id); });
}

void ResultsPage::retranslate()
{
    heading_->setText(tr("Results"));
    filterLabel_->setText(tr("Show:"));
    const auto fill = [](QComboBox* box, const QList<QPair<QString, QString>>& items) {
        const QSignalBlocker block(box);
        const int current = std::max(0, box->currentIndex());
        box->clear();
        for (const auto& [label, value] : items)
            box->addItem(label, value);
        box->setCurrentIndex(current);
    };
    fill(kind_, {{tr("every kind"), ""}, {tr("training"), "train"}, {tr("pruning"), "prune"}});
    fill(state_, {{tr("any state"), ""}, {tr("finished"), "finished"}, {tr("paused"), "stopped"}, {tr("not started"), "empty"}});
    tag_->setPlaceholderText(tr("tag"));
    where_->setPlaceholderText(tr("config, e.g. optimizer.lr=0.002, precision=bf16"));
    search_->setPlaceholderText(tr("search id, name, note"));
    archived_->setText(tr("Archived too"));
    tabs_->setTabText(0, tr("Runs"));
    tabs_->setTabText(1, tr("Studies"));
    tagButton_->setText(tr("Tag…"));
    noteButton_->setText(tr("Note…"));
    archiveButton_->setText(tr("Archive"));
    deleteButton_->setText(tr("Delete…"));
    compareBox_->setTitle(tr("Comparison of the selected runs"));
    baselineLabel_->setText(tr("Baseline:"));
    groupSeeds_->setText(tr("Fold seeds (mean ± sd)"));
    commandButton_->setText(tr("Show command"));
    reportButton_->setText(tr("Report…"));
    plotBox_->setTitle(tr("CER against sparsity"));
    plot_->setStepLabel(tr("Sparsity (%)"));
    plot_->setValueLabel(tr("CER"));
    plot_->setEmptyText(tr("No finished run with this test set"));
    model_->retranslate();
    updateComparison();
}

} // namespace espalier::widgets
