// The Devices page on this machine: a device added (and refused when it is invalid, in the dialog),
// probed in the background, two exported models benchmarked with live latency samples, and the
// result shown as box plots, per-layer bars and the CER / latency table; the command it shows is the
// CLI's; a benchmark without a model says why. The box statistics are Tukey's.
#include "core/project/project.h"
#include "tests/core/deploy/deploy_test_util.h"
#include "tests/widgets/widget_test_util.h"
#include "widgets/devices/device_dialog.h"
#include "widgets/job_controller.h"
#include "widgets/models/device_table_model.h"
#include "widgets/models/latency_table_model.h"
#include "widgets/pages/devices_page.h"
#include "widgets/plots/latency_box_plot.h"
#include "widgets/plots/layer_bar_plot.h"

#include <QComboBox>
#include <QLineEdit>
#include <QListWidget>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace espalier;

class TestDevicesPage : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::shared_ptr<project::Project> project_;
    QString dense_, sparse_;

private slots:
    void initTestCase()
    {
        project_ = std::make_shared<project::Project>(project::Project::create(dir_.filePath("p").toStdString(), "devices"));
        dense_ = QString::fromStdString(deploytest::exportTinyModel(project_->dir(), "dense", false));
        sparse_ = QString::fromStdString(deploytest::exportTinyModel(project_->dir(), "sparse", true));
    }

    void boxStatistics()
    {
        const widgets::BoxStats s = widgets::boxStats({1, 2, 3, 4, 5, 6, 7, 8, 100});
        QCOMPARE(s.median, 5.0);
        QCOMPARE(s.lowerQuartile, 3.0);
        QCOMPARE(s.upperQuartile, 7.0);
        QCOMPARE(s.whiskerLow, 1.0);
        QCOMPARE(s.whiskerHigh, 8.0);  // 100 lies beyond 7 + 1.5 x 4
        QCOMPARE(s.outliers, QVector<double>{100});
        QCOMPARE(widgets::boxStats({}).median, 0.0);
    }

    void dialogChecksTheDevice()
    {
        widgets::DeviceDialog dialog(QString::fromStdString(project_->dir()));
        dialog.nameEdit()->setText("board");
        dialog.kindBox()->setCurrentIndex(0);  // SSH
        dialog.hostEdit()->setText("-oProxyCommand=x");
        QVERIFY2(dialog.problem().contains("must not begin"), qPrintable(dialog.problem()));
        dialog.hostEdit()->setText("192.168.1.20");
        QVERIFY(dialog.problem().isEmpty());
        QVERIFY2(dialog.command().contains("device add board --ssh 192.168.1.20:22"), qPrintable(dialog.command()));
        QCOMPARE(dialog.device().kind, deploy::DeviceKind::Ssh);
    }

    void benchmarkOnThisMachine()
    {
        widgets::DevicesPage page;
        page.resize(1400, 900);
        page.setProject(project_);
        QCOMPARE(page.deviceModel()->rowCount(), 0);
        QVERIFY(!page.runBenchmark());
        QVERIFY(page.problem().contains("device"));

        deploy::DeviceSpec here;
        here.name = "here";
        QVERIFY(page.addDevice(here));
        QCOMPARE(page.deviceModel()->rowCount(), 1);
        QCOMPARE(page.selectedDevice(), QString("here"));
        QSignalSpy ended(&page, &widgets::DevicesPage::jobEnded);
        QVERIFY(page.probeSelectedDevice());
        QVERIFY(ended.wait(60000));
        QVERIFY(page.deviceModel()->rows().at(0).probe.has_value());

        QVERIFY(!page.runBenchmark());  // no model checked yet
        QVERIFY2(page.problem().contains("model"), qPrintable(page.problem()));
        page.checkModel(dense_);
        page.checkModel(sparse_);
        QCOMPARE(page.modelList()->count(), 2);
        page.setBenchmarkSettings(40, 3, 1, 2, 0.1);
        const QString command = page.benchCommand();
        QVERIFY2(command.startsWith("espalier-cli device bench here --project") && command.contains("--model")
                     && command.contains("--frames 40") && command.contains("--rounds 2"),
                 qPrintable(command));

        QSignalSpy samples(page.controller(), &widgets::JobController::taggedMetric);
        QVERIFY(page.runBenchmark());
        QVERIFY(page.controller()->isRunning());
        QVERIFY(ended.wait(120000));
        QCOMPARE(page.controller()->state(), widgets::JobController::State::Succeeded);
        QCOMPARE(samples.size(), 2 * 2 * 3);  // rounds x models x runs
        QCOMPARE(samples.at(0).at(3).toMap().value("model").toString(), QString("dense"));

        QCOMPARE(page.boxPlot()->boxCount(), 2);
        QVERIFY(page.boxPlot()->stats(0).median > 0.0 && page.boxPlot()->stats(1).median > 0.0);
        QVERIFY(page.layerPlot()->layerCount() >= 5);
        QCOMPARE(page.layerPlot()->seriesCount(), 2);
        widgets::LatencyTableModel* table = page.latencyTable();
        QCOMPARE(table->rowCount(), 1);
        QCOMPARE(table->columnCount(), 1 + 2 + 3);
        QCOMPARE(table->headerData(5, Qt::Horizontal).toString(), QString("sparse vs dense"));
        QVERIFY(table->data(table->index(0, 5)).toString().endsWith("×"));
        QCOMPARE(page.sessionBox()->count(), 1);
        widgettest::saveScreenshot(&page, "devices-page");

        QVERIFY(page.removeSelectedDevice());
        QCOMPARE(page.deviceModel()->rowCount(), 0);
    }

};

QTEST_MAIN(TestDevicesPage)
#include "test_devices_page.moc"
