// The Results and Reports pages on a project with fixture runs: the store's runs listed, filtered and
// refreshed while a run changes; a comparison with its baseline, changes and differing settings; tags
// written to the run folder; the report previewed and saved the way espalier-cli report writes it.
#include "core/project/project.h"
#include "core/project/run_index.h"
#include "tests/core/project/run_fixture.h"
#include "widgets/models/run_table_model.h"
#include "widgets/pages/reports_page.h"
#include "widgets/pages/results_page.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/results/studies_panel.h"
#include "core/study/study.h"
#include "core/study/study_status.h"

#include <QCheckBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QTextBrowser>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QProgressBar>
#include <QTabWidget>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace espalier;

namespace {

QString cell(QTableWidget* t, const QString& rowLabel, int column)
{
    for (int r = 0; r < t->rowCount(); ++r)
        if (t->verticalHeaderItem(r) && t->verticalHeaderItem(r)->text() == rowLabel)
            return t->item(r, column) ? t->item(r, column)->text() : QString();
    return "<no row " + rowLabel + ">";
}

} // namespace

class TestResultsPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::shared_ptr<project::Project> project_;
    std::string runs_;

private slots:
    void initTestCase()
    {
        project_ = std::make_shared<project::Project>(project::Project::create(dir_.filePath("p").toStdString(), "results"));
        runs_ = project_->runsDir();
        runfixture::writeRun(runs_, {"20261201-dense", "", 1, 0.002, 100, {{"test_clean", 0.10}}, 0.12});
        runfixture::writeRun(runs_, {"20261202-sparse50", "recipe: r50.yaml\n", 1, 0.002, 100, {{"test_clean", 0.11}}, 0.13, 0.5});
        runfixture::writeRun(runs_, {"20261203-sparse70", "recipe: r70.yaml\n", 1, 0.002, 100, {{"test_clean", 0.14}}, 0.15, 0.7});
    }

    void listsComparesAndFollows()
    {
        widgets::ResultsPage page;
        page.resize(1200, 800);
        page.show();
        QSignalSpy loaded(&page, &widgets::ResultsPage::runsLoaded);
        page.setProject(project_);
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.runModel()->rowCount(), 3);
        // CER against sparsity: three points, in sparsity order.
        QCOMPARE(page.sparsityPlot()->pointCount(), 3);
        QCOMPARE(page.sparsityPlot()->steps(), (QVector<double>{0, 50, 70}));

        QVERIFY(page.selectRuns({"20261201-dense", "20261203-sparse70"}));
        QTableWidget* t = page.comparisonTable();
        QCOMPARE(t->columnCount(), 2);
        QVERIFY(t->horizontalHeaderItem(0)->text().startsWith("20261201-dense"));
        QCOMPARE(cell(t, "CER test_clean", 0), QString("10.00 %"));
        QCOMPARE(cell(t, "CER test_clean", 1), QString("14.00 % (+4.00)"));
        QCOMPARE(cell(t, "recipe", 1), QString("r70.yaml"));
        QCOMPARE(cell(t, "optimizer.lr", 0), QString("<no row optimizer.lr>"));  // the same in both: not shown
        page.baselineBox()->setCurrentIndex(1);
        QCOMPARE(cell(t, "CER test_clean", 0), QString("10.00 % (−4.00)"));
        QVERIFY2(page.compareCommand().endsWith(" 20261201-dense 20261203-sparse70 --baseline 20261203-sparse70"),
                 qPrintable(page.compareCommand()));

        // Filters go through the store.
        page.whereEdit()->setText("recipe=r50.yaml");
        page.reload();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.runModel()->rowCount(), 1);
        page.whereEdit()->setText("not a condition");
        page.reload();
        QVERIFY(page.findChild<QLabel*>("resultsProblem")->isVisibleTo(&page));
        page.whereEdit()->clear();
        page.reload();
        QVERIFY(loaded.wait(10000));
        QCOMPARE(page.runModel()->rowCount(), 3);

        // A run appearing while the page is shown is listed without asking.
        runfixture::writeRun(runs_, {"20261204-new", "", 2, 0.002, 50, {}, 0.3});
        QTRY_COMPARE_WITH_TIMEOUT(page.runModel()->rowCount(), 4, 15000);
        std::filesystem::remove_all(runs_ + "/20261204-new");
        QTRY_COMPARE_WITH_TIMEOUT(page.runModel()->rowCount(), 3, 15000);
    }

    void tagsGoToTheRunFolder()
    {
        widgets::ResultsPage page;
        QSignalSpy loaded(&page, &widgets::ResultsPage::runsLoaded);
        page.setProject(project_);
        QVERIFY(loaded.wait(10000));
        QVERIFY(page.selectRuns({"20261202-sparse50"}));
        page.tagSelected("table-1");
        QVERIFY(loaded.wait(10000));
        QVERIFY(QFile(QString::fromStdString(runs_ + "/20261202-sparse50/annotations.json")).exists());
        project::RunIndex index(project_->dir());
        QCOMPARE(index.run("20261202-sparse50")->tags, std::vector<std::string>{"table-1"});
        page.tagSelected("-table-1");
        QVERIFY(loaded.wait(10000));
        index.refresh();
        QVERIFY(index.run("20261202-sparse50")->tags.empty());
    }

    void reportPreviewAndSave()
    {
        widgets::ReportsPage page;
        QSignalSpy listed(&page, &widgets::ReportsPage::runsListed);
        QSignalSpy preview(&page, &widgets::ReportsPage::previewReady);
        page.setProject(project_);
        QVERIFY(listed.wait(10000));
        QCOMPARE(page.runList()->count(), 3);
        page.setSelection({"20261201-dense", "20261202-sparse50"}, "20261201-dense", false);
        QVERIFY(listed.wait(10000));
        QTRY_VERIFY2_WITH_TIMEOUT(page.lastPreviewMarkdown().contains("| CER test_clean | 10.00 % | 11.00 % (+1.00) |"),
                                  qPrintable(page.preview()->toPlainText()), 10000);
        QVERIFY(page.preview()->toPlainText().contains("11.00 % (+1.00)"));
        page.languageBox()->setCurrentIndex(1);
        QTRY_VERIFY_WITH_TIMEOUT(page.lastPreviewMarkdown().contains("## 结果对比"), 10000);

        const QString out = dir_.filePath("report.csv");
        QSignalSpy saved(&page, &widgets::ReportsPage::reportSaved);
        page.saveReport(out);
        QVERIFY(saved.wait(10000));
        QCOMPARE(saved.first().at(1).toString(), QString());
        QFile csv(out);
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QVERIFY(QString::fromUtf8(csv.readAll()).contains("20261202-sparse50,剪枝,"));
        QVERIFY2(page.reportCommand(out).contains("report --project"), qPrintable(page.reportCommand(out)));
        QVERIFY(page.reportCommand(out).contains("--runs 20261201-dense 20261202-sparse50 --language zh_CN --out"));

        page.saveReport(dir_.filePath("report.docx"));
        QVERIFY(saved.wait(10000));
        QVERIFY(saved.last().at(1).toString().contains("cannot tell the report format"));
    }

    // A study's grid in the Studies view: each cell's state and progress from its run folder, and
    // choosing the study compares its runs below.
    void studiesViewShowsTheGrid()
    {
        auto project = std::make_shared<project::Project>(project::Project::create(dir_.filePath("studies").toStdString(), "studies"));
        for (const char* split : {"train", "dev", "test_clean"}) {
            runfixture::writeText(project->dir() + "/corpus/" + split + "/wav.scp", "u1 /nonexistent/u1.wav\n");
            runfixture::writeText(project->dir() + "/corpus/" + split + "/text", "u1 你好\n");
        }
        project->addCorpus("demo", project->dir() + "/corpus");
        project->save();
        study::StudyDefinition d;
        d.name = "seeds";
        d.base = "tiny";
        d.corpus = "demo";
        d.set = {study::settingFromText("steps=100")};
        d.axes = {study::axisFromText("seed=1,2")};
        const study::Study seeds = study::Study::create(project->dir(), d);
        const std::vector<study::StudyCell> grid = seeds.expand();
        study::markCellFolder(seeds, grid[0]);
        runfixture::writeRun(project->runsDir(), {"seeds-seed1", "", 1, 0.002, 100, {{"test_clean", 0.2}}, 0.25});
        runfixture::writeRun(project->runsDir(), {"other", "", 1, 0.002, 100, {{"test_clean", 0.3}}, 0.3});

        widgets::ResultsPage page;
        page.resize(1200, 800);
        page.show();
        QSignalSpy loaded(&page, &widgets::ResultsPage::runsLoaded);
        page.setProject(project);
        QVERIFY(loaded.wait(10000));
        widgets::StudiesPanel* panel = page.studiesPanel();
        QSignalSpy studiesLoaded(panel, &widgets::StudiesPanel::loaded);
        page.tabs()->setCurrentWidget(panel);
        QTRY_COMPARE_WITH_TIMEOUT(panel->cellTable()->rowCount(), 2, 10000);
        QCOMPARE(panel->currentStudy(), QString("seeds"));
        QVERIFY(panel->studyBox()->currentText().contains("1/2"));
        QTableWidget* cells = panel->cellTable();
        QCOMPARE(cells->item(0, 0)->text(), QString("seeds-seed1"));
        QCOMPARE(cells->item(0, 1)->text(), QString("1"));  // the seed axis
        QCOMPARE(cells->item(0, 2)->text(), QString("done"));
        QCOMPARE(cells->item(1, 2)->text(), QString("queued"));
        QCOMPARE(qobject_cast<QProgressBar*>(cells->cellWidget(0, 3))->value(), 1000);
        QCOMPARE(qobject_cast<QProgressBar*>(cells->cellWidget(1, 3))->value(), 0);
        QTRY_COMPARE_WITH_TIMEOUT(page.selectedRuns(), QStringList{"seeds-seed1"}, 10000);  // its runs compared
        QVERIFY(panel->runCommand().contains("study run seeds --project"));

        // Half of the second cell trained by another process: the view follows.
        study::markCellFolder(seeds, grid[1]);
        runfixture::writeRun(project->runsDir(), {"seeds-seed2", "", 2, 0.002, 50, {}, 0.3});
        QTRY_COMPARE_WITH_TIMEOUT(cells->item(1, 2)->text(), QString("interrupted"), 10000);
        QCOMPARE(qobject_cast<QProgressBar*>(cells->cellWidget(1, 3))->value(), 500);
    }
};

QTEST_MAIN(TestResultsPage)
#include "test_results_page.moc"
