// The Schedule page: the curve follows the editor, invalid stages are explained (nothing saved, no
// curve), recipes round-trip through files, a bad file is reported, and "Train with this recipe"
// hands the saved file to the Train page's form.
#include "main_window.h"
#include "pages/schedule_page.h"
#include "plots/metric_plot.h"
#include "prune/recipe.h"
#include "training/new_run_form.h"

#include <QDoubleSpinBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include "widget_test_util.h"

using namespace espalier;
using widgets::MainWindow;
using widgets::SchedulePage;

class TestSchedulePage : public QObject {
    Q_OBJECT
private slots:
    void curveFollowsTheEditor()
    {
        SchedulePage page;
        QVERIFY(page.problem().isEmpty());
        widgets::MetricPlot* plot = page.curvePlot();
        QVERIFY(plot->pointCount() > 4);
        QCOMPARE(plot->lastValue(), 0.7);  // the starting recipe: AGP to 70 %
        page.findChild<QDoubleSpinBox*>("finalSpin")->setValue(0.5);
        QCOMPARE(plot->lastValue(), 0.5);
        // Updates every 100 steps from 1000 to 3000: 21 updates, two points each, plus the ends.
        QCOMPARE(plot->pointCount(), 2 * 21 + 2);
        auto* shape = page.findChild<QComboBox*>("shapeCombo");
        shape->setCurrentIndex(shape->findData("linear"));
        const prune::Recipe r = page.recipe();
        QCOMPARE(r.unstructured.front().schedule.shape, prune::ScheduleShape::Linear);
        QCOMPARE(r.unstructured.front().schedule.sparsityAt(2000), 0.25);
    }

    void invalidStagesAreExplained()
    {
        SchedulePage page;
        page.show();
        page.findChild<QDoubleSpinBox*>("endSpin")->setValue(500);  // before begin (1000)
        QVERIFY2(page.problem().contains("end"), qPrintable(page.problem()));
        QVERIFY(!page.findChild<QLabel*>("scheduleProblem")->isHidden());
        QVERIFY(!page.findChild<QPushButton*>("trainWithRecipeButton")->isEnabled());
        QCOMPARE(page.curvePlot()->pointCount(), 0);
        page.findChild<QDoubleSpinBox*>("endSpin")->setValue(4000);
        QVERIFY(page.problem().isEmpty());
        page.findChild<QLineEdit*>("paramsEdit")->setText("re:[");
        QVERIFY2(page.problem().contains("regular expression"), qPrintable(page.problem()));
    }

    void recipesRoundTripThroughFiles()
    {
        QTemporaryDir tmp;
        SchedulePage page;
        page.findChild<QLineEdit*>("excludeEdit")->setText("re:.*subsampling.* encoder.embed*");
        const QString path = tmp.filePath("r.yaml");
        QVERIFY(page.saveRecipe(path));
        const prune::Recipe saved = prune::Recipe::load(path.toStdString());
        QCOMPARE(int(saved.unstructured.front().exclude.size()), 2);

        SchedulePage other;
        QVERIFY(other.loadRecipe(path));
        QCOMPARE(other.recipe().toYaml(), saved.toYaml());
        QVERIFY(other.command().endsWith("espalier-cli recipe check " + path));

        QFile bad(tmp.filePath("bad.yaml"));
        QVERIFY(bad.open(QIODevice::WriteOnly));
        bad.write("espalier_recipe: 1\nstages:\n  - type: unstructured\n    schedule: {final_sparsity: 2, end: 5}\n");
        bad.close();
        widgettest::DialogCloser closer;
        QVERIFY(!other.loadRecipe(bad.fileName()));
        QTRY_COMPARE(closer.errors.size(), 1);
        QVERIFY2(closer.errors.front().contains("bad.yaml:4"), qPrintable(closer.errors.front()));
        QCOMPARE(other.recipePath(), path);  // the page keeps what it had
    }

    void trainWithTheRecipe()
    {
        QTemporaryDir tmp;
        MainWindow window;
        auto* page = static_cast<SchedulePage*>(window.page(MainWindow::SchedulePageId));
        QVERIFY(page->saveRecipe(tmp.filePath("agp.yaml")));
        page->findChild<QPushButton*>("trainWithRecipeButton")->click();
        QCOMPARE(window.currentPage(), int(MainWindow::TrainPageId));
        auto* recipe = window.page(MainWindow::TrainPageId)->findChild<QLineEdit*>("recipeEdit");
        QCOMPARE(recipe->text(), tmp.filePath("agp.yaml"));
    }
};

QTEST_MAIN(TestSchedulePage)
#include "test_schedule_page.moc"
