// The Schedule page: the curve follows the editor, invalid stages are explained (nothing saved, no
// curve), stages of every type are added, edited and removed, recipes round-trip through files, a bad
// file is reported, a run's achieved sparsity is compared with the targets, and "Train with this
// recipe" hands the saved file to the Train page's form.
#include "core/prune/recipe.h"
#include "core/train/checkpoint.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/main_window.h"
#include "widgets/pages/schedule_page.h"
#include "widgets/plots/metric_plot.h"
#include "widgets/training/new_run_form.h"

#include <QApplication>
#include <QCheckBox>
#include <QMouseEvent>
#include <qcustomplot.h>
#include <QListWidget>
#include <QSpinBox>
#include <QTableWidget>
#include <fstream>

#include <QDoubleSpinBox>
#include <QComboBox>
#include <QFile>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace espalier;
using widgets::MainWindow;
using widgets::SchedulePage;

namespace {

// Drags with the mouse from one (step, percent) point of the page's plot to another.
void drag(SchedulePage& page, QPointF from, QPointF to)
{
    auto* plot = page.curvePlot()->findChild<QCustomPlot*>();
    plot->replot();
    auto pixel = [plot](QPointF p) {
        return QPoint(int(std::lround(plot->xAxis->coordToPixel(p.x()))), int(std::lround(plot->yAxis->coordToPixel(p.y()))));
    };
    QTest::mousePress(plot, Qt::LeftButton, {}, pixel(from));
    QMouseEvent move(QEvent::MouseMove, pixel(to), plot->mapToGlobal(pixel(to)), Qt::NoButton, Qt::LeftButton, {});
    QApplication::sendEvent(plot, &move);
    QTest::mouseRelease(plot, Qt::LeftButton, {}, pixel(to));
}

} // namespace

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

    void endPointsDragWithTheMouse()
    {
        SchedulePage page;
        page.resize(1280, 800);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        // The end handle (3000 steps, 70 %) dragged to (2480, 50.3 %): snapped to the update grid and
        // to whole percent.
        drag(page, {3000, 70}, {2480, 50.3});
        QCOMPARE(page.findChild<QDoubleSpinBox*>("endSpin")->value(), 2500.0);
        QCOMPARE(page.findChild<QDoubleSpinBox*>("finalSpin")->value(), 0.5);
        // The begin handle (1000, 0 %) cannot pass the end.
        drag(page, {1000, 0}, {2900, 10});
        const prune::SparsitySchedule s = page.recipe().unstructured.front().schedule;
        QCOMPARE(s.begin, 2400.0);
        QCOMPARE(s.initial, 0.1);
        // Elsewhere the mouse still pans: the schedule stays.
        drag(page, {1800, 30}, {1500, 30});
        QCOMPARE(page.recipe().unstructured.front().schedule.end, 2500.0);
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

    void stagesOfEveryType()
    {
        QTemporaryDir tmp;
        SchedulePage page;
        page.show();
        page.addStage(widgets::EditedStage::Type::Structured);
        QCOMPARE(page.stageCount(), 2);
        auto* heads = page.findChild<QCheckBox*>("headsCheck");
        auto* ffn = page.findChild<QCheckBox*>("ffnCheck");
        QVERIFY(heads->isVisible() && ffn->isChecked());
        QVERIFY(!page.findChild<QTableWidget*>("overridesTable")->isVisible());  // unstructured only
        ffn->setChecked(false);
        QVERIFY2(page.problem().contains("choose feed-forward units"), qPrintable(page.problem()));
        heads->setChecked(true);
        QVERIFY(page.problem().isEmpty());
        QCOMPARE(page.recipe().structured.at(0).channels, std::vector<prune::ChannelKind>{prune::ChannelKind::Heads});
        QCOMPARE(page.curvePlot()->lastValue(), 0.5);

        page.addStage(widgets::EditedStage::Type::Dynamic);
        page.findChild<QDoubleSpinBox*>("maskLrSpin")->setValue(0.02);
        QCOMPARE(page.recipe().dynamic.at(0).maskLr, 0.02);
        // Constant sparsity, but the staircase marks every regrowth update (500 to 3000 every 100).
        QCOMPARE(page.curvePlot()->pointCount(), 2 * 26 + 2);

        page.addStage(widgets::EditedStage::Type::Layer);
        QCOMPARE(page.curvePlot()->pointCount(), 0);  // one shot: no schedule
        page.findChild<QSpinBox*>("dropSpin")->setValue(0);
        page.findChild<QLineEdit*>("blocksEdit")->setText("1 x");
        QVERIFY2(page.problem().contains("'x' is not a block index"), qPrintable(page.problem()));
        page.findChild<QLineEdit*>("blocksEdit")->setText("1 3");
        QCOMPARE(page.recipe().layer.at(0).blocks, (std::vector<int>{1, 3}));
        QVERIFY(page.command().contains("espalier-cli prune --model RUN"));

        // Back to the first stage: its editor shows the unstructured fields again.
        page.selectStage(0);
        QVERIFY(page.findChild<QTableWidget*>("overridesTable")->isVisible());
        QCOMPARE(page.findChild<QDoubleSpinBox*>("finalSpin")->value(), 0.7);

        const QString path = tmp.filePath("all.yaml");
        QVERIFY(page.saveRecipe(path));
        SchedulePage other;
        QVERIFY(other.loadRecipe(path));
        QCOMPARE(other.stageCount(), 4);
        QCOMPARE(other.recipe().toYaml(), page.recipe().toYaml());
        // Removing the selected stage.
        other.selectStage(3);
        other.findChild<QPushButton*>("removeStageButton")->click();
        QCOMPARE(other.stageCount(), 3);
        QCOMPARE(other.findChild<QListWidget*>("stageList")->count(), 3);
    }

    void comparesARunWithTheTargets()
    {
        // A run folder with a checkpoint whose feed-forward weights are 70 % zero, and its metrics.
        QTemporaryDir tmp;
        const std::string run = tmp.filePath("run").toStdString();
        model::ModelConfig config = model::ModelConfig::preset("tiny", model::ModelType::Conformer, 12);
        config.inputDim = 20;
        auto m = model::createModel(config);
        {
            torch::NoGradGuard noGrad;
            for (const auto& item : m->namedParameters())
                if (item.key().find("feed_forward.w_1.weight") != std::string::npos)
                    item.value().masked_fill_(torch::rand(item.value().sizes()) < 0.7, 0.0);
        }
        train::CheckpointMeta meta;
        meta.step = 40;
        meta.modelConfigYaml = config.toYaml();
        train::saveCheckpoint(run + "/checkpoints/step-00000040.pt", *m, nullptr, meta);
        std::ofstream(run + "/metrics.jsonl") << "{\"step\": 20, \"sparsity\": 0.3}\n{\"step\": 40, \"sparsity\": 0.69}\n";

        SchedulePage page;
        page.findChild<QComboBox*>("scopeCombo")->setCurrentIndex(1);  // per tensor: each has its own target
        page.findChild<QLineEdit*>("paramsEdit")->setText("encoder.blocks.*.feed_forward.w_1.weight");
        QSignalSpy ready(&page, &SchedulePage::comparisonReady);
        page.compareWithRun(QString::fromStdString(run));
        QVERIFY(ready.wait(10000));
        auto* table = page.findChild<QTableWidget*>("targetTable");
        int targeted = 0;
        for (int row = 0; row < table->rowCount(); ++row) {
            if (table->item(row, 3)->text() == "70.0 %") {
                ++targeted;
                QVERIFY(table->item(row, 0)->text().contains("feed_forward.w_1.weight"));
                QVERIFY(std::abs(table->item(row, 4)->text().chopped(2).toDouble() - 70.0) < 3.0);
            }
        }
        QCOMPARE(targeted, 2);  // the tiny model's two blocks
        QCOMPARE(page.curvePlot()->overlayPointCount(), 2);
        // With one global threshold the pool has the target: a summary row over the two tensors.
        page.findChild<QComboBox*>("scopeCombo")->setCurrentIndex(0);
        QVERIFY(table->item(0, 0)->text().contains("global pool"));
        QCOMPARE(table->item(0, 3)->text(), QString("70.0 %"));
        QCOMPARE(table->item(0, 2)->text(), QString::number(2 * 256 * 64));
        QVERIFY(std::abs(table->item(0, 4)->text().chopped(2).toDouble() - 70.0) < 3.0);
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
