// The heatmap (cells in, colours, pixels and tooltips out) and the Sensitivity page: a result file
// opened, the allocation redrawn as the sliders move, exports, the command line, and an analysis of
// a real tiny model run through the task manager with its cells streaming into the heatmap.
#include "core/analysis/sensitivity_result.h"
#include "core/project/project.h"
#include "core/prune/recipe.h"
#include "tests/core/train/train_test_util.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/job_controller.h"
#include "widgets/pages/sensitivity_page.h"
#include "widgets/plots/layer_bar_plot.h"
#include "widgets/sensitivity/heatmap_widget.h"

#include <QApplication>
#include <QComboBox>
#include <QFile>
#include <QImage>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>

using namespace espalier;
using namespace espalier::widgets;
using analysis::SensitivityCell;
using analysis::SensitivityResult;

namespace {

// Two blocks of rows whose Δloss is sensitivity · level (baseline loss 2), with latency.
SensitivityResult synthetic(int rows, int levels)
{
    SensitivityResult r;
    r.model = "m.pt";
    r.modelHash = "0000000000000001";
    r.data = "dev";
    r.subset = 4;
    r.subsetHash = "0000000000000002";
    for (int l = 0; l < levels; ++l)
        r.levels.push_back(0.95 * l / (levels - 1));
    r.baselineLoss = 2.0;
    r.baselineCer = 0.2;
    for (int i = 0; i < rows; ++i) {
        analysis::SensitivityRow row;
        row.block = i * 2 / rows;
        row.name = "encoder.blocks." + std::to_string(row.block) + ".feed_forward.w_" + std::to_string(i) + ".weight";
        row.tensors = {row.name};
        row.role = "feed_forward_in";
        row.parameters = 1000;
        for (int l = 0; l < levels; ++l) {
            SensitivityCell c;
            c.state = SensitivityCell::State::Done;
            c.loss = 2.0 + (i % 3 - 0.5) * r.levels[size_t(l)];  // some rows improve, some get worse
            c.kl = 0.1 * r.levels[size_t(l)];
            c.cer = 0.2 + 0.01 * i * r.levels[size_t(l)];
            row.cells.push_back(c);
            row.magnitude.push_back(r.levels[size_t(l)] * r.levels[size_t(l)]);
            row.latencyMs.push_back(1.0 - 0.5 * r.levels[size_t(l)] * (i % 2));
        }
        r.rows.push_back(row);
    }
    return r;
}

} // namespace

class TestSensitivityPage : public QObject {
    Q_OBJECT

private slots:
    void heatmapColoursAndTooltips()
    {
        HeatmapWidget heatmap;
        SensitivityResult r = synthetic(6, 5);
        r.rows[2].cells[4] = SensitivityCell();  // pending
        heatmap.setResult(r);
        heatmap.resize(heatmap.sizeHint());
        QCOMPARE(heatmap.rowLabel(0), QString("b0 · feed_forward.w_0"));
        // Row 0 improves (blue), row 1 gets worse (red), level 0 is white, a pending cell grey.
        QVERIFY(std::abs(heatmap.value(1, 4) - 0.5 * 0.95) < 1e-12);
        const QColor worse = heatmap.color(1, 4), better = heatmap.color(0, 4), none = heatmap.color(1, 0);
        QVERIFY(worse.red() > worse.blue() + 30);
        QVERIFY(better.blue() > better.red() + 30);
        QVERIFY(std::abs(none.red() - none.blue()) < 5 && none.green() > 240);
        QVERIFY(std::isnan(heatmap.value(2, 4)));
        const QImage image = heatmap.grab().toImage();
        QCOMPARE(image.pixel(heatmap.cellRect(1, 4).center()), worse.rgb());
        QCOMPARE(image.pixel(heatmap.cellRect(0, 4).center()), better.rgb());
        const QString tip = heatmap.toolTipText(1, 4);
        QVERIFY2(tip.contains("feed_forward.w_1") && tip.contains("95 %") && tip.contains("Loss 2.4750") && tip.contains("KL"),
                 qPrintable(tip));
        QVERIFY(heatmap.toolTipText(2, 4).contains("Not computed yet"));
        // Another metric recolours: KL is sequential, never blue.
        heatmap.setMetric(HeatmapWidget::Metric::Kl);
        QVERIFY(heatmap.color(0, 4).red() > heatmap.color(0, 4).blue() + 30);
        heatmap.setMetric(HeatmapWidget::Metric::LatencyGain);
        QVERIFY(std::abs(heatmap.value(1, 4) - 0.475) < 1e-9);
        QVERIFY(std::abs(heatmap.value(0, 4)) < 1e-12);
        // A streamed cell for a new row appends it.
        SensitivityCell c;
        c.state = SensitivityCell::State::Done;
        c.loss = 3.0;
        heatmap.setMetric(HeatmapWidget::Metric::DeltaLoss);
        heatmap.setCell("ctc.ctc_lo.weight", 2, c);
        QCOMPARE(int(heatmap.result().rows.size()), 7);
        QCOMPARE(heatmap.value(6, 2), 1.0);
        QVERIFY(std::isnan(heatmap.value(6, 1)));
    }

    void aLargeHeatmapPaintsWhatIsInView()
    {
        HeatmapWidget heatmap;
        heatmap.setResult(synthetic(500, 20));
        QCOMPARE(heatmap.sizeHint().height(), heatmap.cellRect(499, 0).bottom() + 3);
        heatmap.resize(heatmap.sizeHint());
        const QRect last = heatmap.cellRect(499, 19);
        const QImage tail = heatmap.grab(QRect(0, last.top() - 40, heatmap.width(), 60)).toImage();
        QCOMPARE(tail.pixel(last.center().x(), 40 + last.height() / 2), heatmap.color(499, 19).rgb());
    }

    void aResultOpensAndTheAllocationFollowsTheSliders()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + "/r.json";
        synthetic(8, 6).save(path.toStdString());
        SensitivityPage page;
        page.resize(1300, 850);
        QVERIFY(page.openResult(path));
        QCOMPARE(int(page.heatmap()->result().rows.size()), 8);
        QVERIFY(page.blockPlot()->layerCount() == 2);
        page.setAllocationTarget(0.5, 1.0);
        QVERIFY(std::abs(page.allocation().achieved - 0.5) < 0.005);
        const std::vector<double> byLoss = page.allocation().sparsity;
        page.setAllocationTarget(0.5, 0.0);
        QVERIFY(page.allocation().latencyUsed);
        QVERIFY(page.allocation().sparsity != byLoss);
        QVERIFY(page.allocationText().contains("latency"));
        // Rows that speed up (odd rows) take more of the sparsity when speed counts.
        double odd = 0.0, even = 0.0;
        for (size_t i = 0; i < page.allocation().sparsity.size(); ++i)
            (i % 2 ? odd : even) += page.allocation().sparsity[i];
        QVERIFY(odd > even);

        const QString recipe = dir.path() + "/alloc.yaml";
        QVERIFY(page.saveAllocation(recipe));
        QCOMPARE(prune::Recipe::load(recipe.toStdString()).unstructured.at(0).overrides.size(), size_t(8));
        QVERIFY(page.exportCsv(dir.path() + "/t.csv"));
        QFile csv(dir.path() + "/t.csv");
        QVERIFY(csv.open(QIODevice::ReadOnly));
        QCOMPARE(csv.readAll().count('\n'), 9);
        QVERIFY(page.exportImage(dir.path() + "/h.png"));
        QVERIFY(QImage(dir.path() + "/h.png").width() > 200);
        QVERIFY(page.exportImage(dir.path() + "/h.pdf"));
        QVERIFY(QFileInfo(dir.path() + "/h.pdf").size() > 500);
        widgettest::saveScreenshot(&page, "sensitivity-page-open");
    }

    void aBadResultFileIsReported()
    {
        QTemporaryDir dir;
        const QString path = dir.path() + "/bad.json";
        QFile f(path);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("{\"format\": \"espalier-sensitivity\", \"version\": 1, \"model\": {}}");
        f.close();
        widgettest::DialogCloser closer;
        SensitivityPage page;
        QVERIFY(!page.openResult(path));
        QTRY_COMPARE(closer.errors.size(), 1);
        QVERIFY2(closer.errors[0].contains("bad.json") && closer.errors[0].contains("model.path"), qPrintable(closer.errors[0]));
    }

    void anAnalysisStreamsIntoTheHeatmap()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        const std::string train = traintest::writeToneSplit(d, "train", 24, 5);
        const std::string dev = traintest::writeToneSplit(d, "dev", 6, 6);
        train::TrainConfig config = traintest::tinyConfig(train, dev);
        config.steps = 10;
        config.checkpointEvery = 10;
        QVERIFY(traintest::trainNewRun(config, d + "/run"));
        const QString checkpoint = QString::fromStdString(d + "/run/checkpoints/step-00000010.pt");

        // A project in the temporary folder: the result and the cell cache land in it, not in /tmp.
        SensitivityPage page;
        page.setProject(std::make_shared<const project::Project>(project::Project::create(d + "/project", "p")));
        page.setModel(checkpoint);
        page.setData(QString::fromStdString(dev));
        page.findChild<QComboBox*>("sensitivityMetric")->setCurrentIndex(0);
        QVERIFY(page.command().startsWith("espalier-cli sensitivity --model " + checkpoint));
        int cells = 0;
        connect(page.controller(), &JobController::taggedMetric, this, [&cells] { ++cells; });
        QVERIFY(page.run());
        QTRY_VERIFY_WITH_TIMEOUT(!page.controller()->isRunning(), 120000);
        QVERIFY(page.controller()->state() == JobController::State::Succeeded);
        QVERIFY(cells > 10);
        const SensitivityResult& r = page.heatmap()->result();
        QVERIFY(r.complete());
        QVERIFY(r.rows.size() > 10);
        QVERIFY(std::any_of(r.rows.begin(), r.rows.end(), [](const auto& row) { return !row.latencyMs.empty(); }));
        QVERIFY(!page.allocation().sparsity.empty());
        QVERIFY(QFileInfo::exists(QString::fromStdString(d + "/project/sensitivity/step-00000010-tensor.json")));
    }
};

QTEST_MAIN(TestSensitivityPage)
#include "test_sensitivity_page.moc"
