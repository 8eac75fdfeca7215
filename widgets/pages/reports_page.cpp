#include "widgets/pages/reports_page.h"

#include "core/job/shell_quote.h"
#include "core/io/atomic_file.h"
#include "core/project/project.h"
#include "core/project/run_index.h"
#include "core/report/comparison_report.h"
#include "core/report/renderers.h"
#include "widgets/command_dialog.h"
#include "widgets/error_dialog.h"
#include "widgets/run_in_background.h"

#include <QCheckBox>
#include <QComboBox>
#include <QCoreApplication>
#include <QDateTime>
#include <QDir>
#include <QFileDialog>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QStyle>
#include <QTextBrowser>
#include <QVBoxLayout>

namespace espalier::widgets {

namespace {

// The named runs from the store, refreshed from their folders first (on a worker thread).
void addRuns(report::ComparisonReportRequest& request, const std::vector<std::string>& ids)
{
    project::RunIndex index(request.projectDir);
    index.refresh();
    for (const std::string& id : ids)
        if (auto run = index.run(id))
            request.runs.push_back(std::move(*run));
}

} // namespace

ReportsPage::ReportsPage(QWidget* parent) : Page(parent)
{
    heading_ = makeHeading(this);
    runsBox_ = new QGroupBox(this);
    runs_ = new QListWidget(runsBox_);
    runs_->setObjectName("reportRunList");
    baselineLabel_ = new QLabel(runsBox_);
    baseline_ = new QComboBox(runsBox_);
    baseline_->setObjectName("reportBaseline");
    groupSeeds_ = new QCheckBox(runsBox_);
    languageLabel_ = new QLabel(runsBox_);
    language_ = new QComboBox(runsBox_);
    language_->setObjectName("reportLanguage");
    language_->addItem("English", "en");
    language_->addItem("简体中文", "zh_CN");
    save_ = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), QString(), runsBox_);
    save_->setObjectName("saveReportButton");
    command_ = new QPushButton(runsBox_);
    auto* runsLayout = new QVBoxLayout(runsBox_);
    runsLayout->addWidget(runs_, 1);
    auto* baselineRow = new QHBoxLayout;
    baselineRow->addWidget(baselineLabel_);
    baselineRow->addWidget(baseline_, 1);
    runsLayout->addLayout(baselineRow);
    runsLayout->addWidget(groupSeeds_);
    auto* languageRow = new QHBoxLayout;
    languageRow->addWidget(languageLabel_);
    languageRow->addWidget(language_, 1);
    runsLayout->addLayout(languageRow);
    auto* buttons = new QHBoxLayout;
    buttons->addWidget(save_);
    buttons->addWidget(command_);
    runsLayout->addLayout(buttons);

    previewBox_ = new QGroupBox(this);
    preview_ = new QTextBrowser(previewBox_);
    preview_->setObjectName("reportPreview");
    preview_->setOpenLinks(false);
    auto* previewLayout = new QVBoxLayout(previewBox_);
    previewLayout->addWidget(preview_);

    auto* splitter = makeSplitter(Qt::Horizontal, {runsBox_, previewBox_}, {1, 3}, {320, 800}, this);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(16, 16, 16, 16);
    layout->addWidget(heading_);
    layout->addWidget(splitter, 1);

    connect(runs_, &QListWidget::itemChanged, this, [this] {
        updateBaselines();
        updatePreview();
    });
    connect(baseline_, &QComboBox::currentIndexChanged, this, &ReportsPage::updatePreview);
    connect(groupSeeds_, &QCheckBox::toggled, this, &ReportsPage::updatePreview);
    connect(language_, &QComboBox::currentIndexChanged, this, &ReportsPage::updatePreview);
    connect(command_, &QPushButton::clicked, this, [this] {
        showCommandDialog(this, reportCommand(QString::fromStdString(project_ ? project_->reportsDir() : "") + "/report.html"));
    });
    connect(save_, &QPushButton::clicked, this, [this] {
        const QString dir = project_ ? QString::fromStdString(project_->reportsDir()) : QDir::homePath();
        QDir().mkpath(dir);
        const QString path = QFileDialog::getSaveFileName(this, tr("Save report"), dir + "/report.html",
                                                          tr("HTML (*.html);;Markdown (*.md);;CSV (*.csv)"));
        if (!path.isEmpty())
            saveReport(path);
    });
    connect(this, &ReportsPage::reportSaved, this, [this](const QString&, const QString& error) {
        if (!error.isEmpty())
            showError(this, tr("Save report"), error);
    });
    retranslate();
}

ReportsPage::~ReportsPage() = default;

QString ReportsPage::title() const
{
    return tr("Reports");
}

QIcon ReportsPage::icon() const
{
    return style()->standardIcon(QStyle::SP_FileIcon);
}

void ReportsPage::setProject(std::shared_ptr<const project::Project> project)
{
    Page::setProject(std::move(project));
    runs_->clear();
    reloadRuns();
}

void ReportsPage::reloadRuns()
{
    if (!project_) {
        updatePreview();
        return;
    }
    using Listed = std::vector<std::pair<QString, QString>>;  // id, description
    runInBackground<Listed>(
        this, tr("Read the run store"),
        [dir = project_->dir()]() -> Listed {
            Listed listed;
            try {
                project::RunIndex index(dir);
                index.refresh();
                for (const auto& run : index.runs())
                    listed.emplace_back(QString::fromStdString(run.record.id),
                                        QString::fromStdString(run.record.model + " · " + run.kind));
            } catch (const std::exception&) {
                // the Results page shows the store's problem; an empty list here says enough
            }
            return listed;
        },
        [this](const Listed& listed) {
            QStringList checked = pendingSelection_.isEmpty() ? checkedRuns() : pendingSelection_;
            {
                const QSignalBlocker block(runs_);
                runs_->clear();
                for (const auto& [id, description] : listed) {
                    auto* item = new QListWidgetItem(id, runs_);
                    item->setToolTip(description);
                    item->setFlags(item->flags() | Qt::ItemIsUserCheckable);
                    item->setCheckState(checked.contains(id) ? Qt::Checked : Qt::Unchecked);
                }
            }
            pendingSelection_.clear();
            updateBaselines();
            updatePreview();
            emit runsListed();
        });
}

QStringList ReportsPage::checkedRuns() const
{
    QStringList ids;
    for (int i = 0; i < runs_->count(); ++i)
        if (runs_->item(i)->checkState() == Qt::Checked)
            ids << runs_->item(i)->text();
    ids.sort();  // oldest first, as on the Results page: the default baseline is the earliest run
    return ids;
}

void ReportsPage::setSelection(const QStringList& ids, const QString& baseline, bool groupSeeds)
{
    pendingSelection_ = ids;
    pendingBaseline_ = baseline;
    {
        const QSignalBlocker block(groupSeeds_);
        groupSeeds_->setChecked(groupSeeds);
    }
    reloadRuns();  // the list may not hold the newest runs yet
}

void ReportsPage::updateBaselines()
{
    const QString previous = pendingBaseline_.isEmpty() ? baseline_->currentText() : pendingBaseline_;
    pendingBaseline_.clear();
    const QSignalBlocker block(baseline_);
    baseline_->clear();
    baseline_->addItems(checkedRuns());
    baseline_->setCurrentIndex(std::max(0, baseline_->findText(previous)));
}

void ReportsPage::updatePreview()
{
    const QStringList ids = checkedRuns();
    save_->setEnabled(!ids.isEmpty());
    command_->setEnabled(!ids.isEmpty());
    if (!project_ || ids.isEmpty()) {
        markdown_.clear();
        preview_->setHtml(tr("<p>Tick the runs the report compares (or choose them on the Results page and press "
                             "Report…). The first one is the baseline unless you choose another.</p>"));
        emit previewReady();
        return;
    }
    report::ComparisonReportRequest request = requestTemplate();
    std::vector<std::string> wanted;
    for (const QString& id : ids)
        wanted.push_back(id.toStdString());
    const int generation = ++previewGeneration_;
    using Built = std::pair<QString, QString>;  // html, markdown (or an error as html)
    runInBackground<Built>(
        this, tr("Build the report preview"),
        [request, wanted]() mutable -> Built {
            try {
                addRuns(request, wanted);
                const report::Document doc = report::comparisonReport(request);
                return {QString::fromStdString(report::renderHtml(doc)), QString::fromStdString(report::renderMarkdown(doc))};
            } catch (const std::exception& e) {
                return {QStringLiteral("<p style='color:#b42828'>%1</p>").arg(QString::fromUtf8(e.what()).toHtmlEscaped()), QString()};
            }
        },
        [this, generation](const Built& built) {
            if (generation != previewGeneration_)
                return;  // a newer preview is on its way
            preview_->setHtml(built.first);
            markdown_ = built.second;
            emit previewReady();
        });
}

report::ComparisonReportRequest ReportsPage::requestTemplate() const
{
    report::ComparisonReportRequest request;
    request.projectName = project_->config().name;
    request.projectDir = project_->dir();
    request.compare.baseline = baseline_->currentText().toStdString();
    request.compare.groupSeeds = groupSeeds_->isChecked();
    request.language = language_->currentData().toString().toStdString();
    request.generated = QDateTime::currentDateTime().toString("yyyy-MM-dd HH:mm").toStdString();
    request.version = "Espalier " + QCoreApplication::applicationVersion().toStdString();
    return request;
}

QString ReportsPage::reportCommand(const QString& out) const
{
    if (!project_)
        return {};
    std::vector<std::string> argv{"espalier-cli", "report", "--project", project_->dir(), "--runs"};
    for (const QString& id : checkedRuns())
        argv.push_back(id.toStdString());
    if (baseline_->currentIndex() > 0)
        argv.insert(argv.end(), {"--baseline", baseline_->currentText().toStdString()});
    if (groupSeeds_->isChecked())
        argv.push_back("--group-seeds");
    if (language_->currentData().toString() != "en")
        argv.insert(argv.end(), {"--language", language_->currentData().toString().toStdString()});
    argv.insert(argv.end(), {"--out", out.toStdString()});
    return QString::fromStdString(job::shellJoin(argv));
}

void ReportsPage::saveReport(const QString& path)
{
    if (!project_)
        return;
    report::ComparisonReportRequest request = requestTemplate();
    std::vector<std::string> wanted;
    for (const QString& id : checkedRuns())
        wanted.push_back(id.toStdString());
    runInBackground<QString>(
        this, tr("Save report"),
        [request, wanted, out = path.toStdString()]() mutable -> QString {
            try {
                const report::Format format = report::formatOfPath(out);
                addRuns(request, wanted);
                io::writeFileAtomic(out, report::render(report::comparisonReport(request), format));
                return {};
            } catch (const std::exception& e) {
                return QString::fromUtf8(e.what());
            }
        },
        [this, path](const QString& error) { emit reportSaved(path, error); });
}

void ReportsPage::retranslate()
{
    heading_->setText(tr("Reports"));
    runsBox_->setTitle(tr("Runs in the report"));
    baselineLabel_->setText(tr("Baseline:"));
    groupSeeds_->setText(tr("Fold seeds (mean ± sd)"));
    languageLabel_->setText(tr("Language:"));
    save_->setText(tr("Save as…"));
    command_->setText(tr("Show command"));
    previewBox_->setTitle(tr("Preview"));
    updatePreview();
}

} // namespace espalier::widgets
