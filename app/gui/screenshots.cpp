#include "app/gui/screenshots.h"

#include "core/data/corpus_synth.h"
#include "core/project/project.h"
#include "core/prune/recipe.h"
#include "core/train/train_job.h"
#include "widgets/main_window.h"
#include "widgets/models/run_table_model.h"
#include "widgets/pages/data_page.h"
#include "widgets/pages/devices_page.h"
#include "widgets/pages/page.h"
#include "widgets/pages/reports_page.h"
#include "widgets/pages/results_page.h"
#include "widgets/results/studies_panel.h"
#include "widgets/pages/schedule_page.h"
#include "widgets/pages/train_page.h"
#include "widgets/tasks/task_manager.h"
#include "widgets/training/new_run_form.h"

#include <QApplication>
#include <QComboBox>
#include <QDir>
#include <QDockWidget>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTabWidget>
#include <QTimer>

#include <filesystem>
#include <functional>
#include <vector>

#include <memory>

namespace espalier::app {

namespace {
constexpr int kSettleMs = 1500;  // lets background loading (stats, plots) finish before a grab

QString fileName(int index, const QString& title)
{
    QString slug = title.toLower();
    slug.replace(QRegularExpression("[^a-z0-9]+"), "-");
    return QStringLiteral("%1-%2.png").arg(index + 1, 2, 10, QChar('0')).arg(slug);
}
// The Schedule page with the seed's progressive pipeline, compared with the project's 70 % run when
// it has one (the demo project's runs/*agp70*).
void showPipeline(widgets::SchedulePage& page, const project::Project* project)
{
    prune::Recipe recipe;
    recipe.name = "seed-pipeline";
    prune::UnstructuredStage agp;
    agp.schedule.final = 0.7;
    agp.schedule.begin = 2950;
    agp.schedule.end = 3700;
    agp.schedule.frequency = 50;
    recipe.unstructured.push_back(agp);
    prune::StructuredStage channels;
    channels.schedule.shape = prune::ScheduleShape::Linear;
    channels.schedule.unit = prune::ScheduleUnit::Epochs;
    channels.schedule.final = 0.5;
    channels.schedule.begin = 2;
    channels.schedule.end = 12;
    channels.schedule.frequency = 1;
    recipe.structured.push_back(channels);
    prune::LayerStage blocks;
    blocks.drop = 1;
    recipe.layer.push_back(blocks);
    page.setRecipe(recipe);
    if (!project)
        return;
    std::error_code ec;
    for (const auto& entry : std::filesystem::directory_iterator(std::filesystem::path(project->dir()) / "runs", ec))
        if (entry.path().filename().string().find("agp70") != std::string::npos)
            page.compareWithRun(QString::fromStdString(entry.path().string()));
}

// Two real jobs for the Tasks panel's picture, writing into a temporary folder: a training run of the
// Train page's form and a small synthetic corpus.
void startTwoTasks(widgets::MainWindow& window, const QTemporaryDir& scratch)
{
    auto* train = static_cast<widgets::TrainPage*>(window.page(widgets::MainWindow::TrainPageId));
    widgets::TaskManager& tasks = widgets::TaskManager::instance();
    try {
        tasks.submit(std::make_unique<train::TrainJob>(train->form()->config(), scratch.filePath("run").toStdString()));
    } catch (const std::exception& e) {
        qWarning("screenshots: no training task: %s", e.what());
    }
    data::SynthOptions corpus;
    corpus.outDir = scratch.filePath("corpus").toStdString();
    corpus.utterances = 400;
    tasks.submit(std::make_unique<data::CorpusSynthJob>(corpus));
    window.taskDock()->show();
}

// Up to four of the project's runs compared on the Results page, and reported on the Reports page.
void compareRuns(widgets::MainWindow& window, int pageId)
{
    auto* results = static_cast<widgets::ResultsPage*>(window.page(widgets::MainWindow::ResultsPageId));
    QStringList ids;
    for (int row = 0; row < results->runModel()->rowCount() && ids.size() < 4; ++row)
        ids << results->runModel()->index(row, 0).data(widgets::RunTableModel::RunIdRole).toString();
    if (pageId == widgets::MainWindow::ResultsPageId)
        results->selectRuns(ids);
    else
        static_cast<widgets::ReportsPage*>(window.page(pageId))->setSelection(ids, QString(), false);
}

} // namespace

void captureScreenshots(widgets::MainWindow& window, const QString& dir)
{
    QDir().mkpath(dir);
    // After one shot per page, these: each sets the window up, and its shot is taken an interval later.
    struct Extra {
        std::function<void()> setUp;
        QString file;
    };
    auto* devices = static_cast<widgets::DevicesPage*>(window.page(widgets::MainWindow::DevicesPageId));
    auto scratch = std::make_shared<QTemporaryDir>();
    const std::vector<Extra> extras = {
        {[&window, devices] {
             window.showPage(widgets::MainWindow::DevicesPageId);
             devices->showResultsTab(1);
         },
         QStringLiteral("08-devices-layers.png")},
        {[devices] { devices->showResultsTab(2); }, QStringLiteral("08-devices-table.png")},
        {[&window, devices] {
             devices->showResultsTab(0);
             auto* results = static_cast<widgets::ResultsPage*>(window.page(widgets::MainWindow::ResultsPageId));
             window.showPage(widgets::MainWindow::ResultsPageId);
             results->tabs()->setCurrentWidget(results->studiesPanel());
             // The demo's sparsity study, where it has run: its grid and the comparison of its runs.
             QComboBox* studies = results->studiesPanel()->studyBox();
             if (const int row = studies->findData(QStringLiteral("seed-sparsity")); row >= 0)
                 studies->setCurrentIndex(row);
         },
         QStringLiteral("07-results-studies.png")},
        {[&window, scratch] {
             auto* results = static_cast<widgets::ResultsPage*>(window.page(widgets::MainWindow::ResultsPageId));
             results->tabs()->setCurrentIndex(0);
             window.showPage(widgets::MainWindow::TrainPageId);
             startTwoTasks(window, *scratch);
         },
         QStringLiteral("10-tasks.png")},
        {[&window] {
             widgets::TaskManager::instance().cancelAll();
             widgets::TaskManager::instance().waitForAll(60000);
             window.taskDock()->hide();
             window.setLanguage(QStringLiteral("zh_CN"));
             window.showPage(widgets::MainWindow::DataPageId);
         },
         QStringLiteral("zh-data.png")},
    };
    auto step = std::make_shared<int>(0);
    auto timer = new QTimer(&window);
    timer->setInterval(kSettleMs);
    QObject::connect(timer, &QTimer::timeout, &window, [&window, dir, step, timer, extras] {
        const int pageCount = widgets::MainWindow::PageCount;
        const int i = (*step)++;
        if (i > 0 && i <= pageCount) {
            // Grab the page shown during the previous interval.
            const QString name = fileName(i - 1, window.page(i - 1)->title());
            if (!window.grab().save(QDir(dir).filePath(name)))
                qWarning("cannot write %s", qPrintable(name));
        } else if (i > pageCount) {
            window.grab().save(QDir(dir).filePath(extras[size_t(i - pageCount - 1)].file));
        }
        if (i < pageCount) {
            window.showPage(i);
            if (i == widgets::MainWindow::SchedulePageId)
                showPipeline(*static_cast<widgets::SchedulePage*>(window.page(i)), window.page(i)->project());
            if (i == widgets::MainWindow::ResultsPageId || i == widgets::MainWindow::ReportsPageId)
                QTimer::singleShot(kSettleMs / 2, &window, [&window, i] { compareRuns(window, i); });
            if (i == widgets::MainWindow::DataPageId) {
                // Show an utterance once the split's list has loaded.
                auto* data = static_cast<widgets::DataPage*>(window.page(i));
                QTimer::singleShot(kSettleMs / 2, data, [data] { data->selectUtteranceRow(0); });
            }
        } else if (i - pageCount < int(extras.size())) {
            extras[size_t(i - pageCount)].setUp();
        } else {
            window.setLanguage(QStringLiteral("en"));
            timer->stop();
            QCoreApplication::exit(0);
        }
    });
    timer->start();
}

} // namespace espalier::app
