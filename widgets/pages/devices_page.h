#pragma once
// The Devices page, the deployment lab: the project's devices (an SSH board, an ADB phone, this
// machine, an emulated aarch64 device) with what their probe found; a benchmark of chosen models
// (BenchSettingsForm: runs, exported on the way, or .espm files, on random features and on test
// sets' utterances, pinned to a cluster, interleaved over rounds with cool-down); and its results — latency
// distributions as box plots (live while it runs), time per layer dense beside sparse, and the seed's
// CER / latency table per device. Every action is an espalier-cli device command (Show command).
#include "widgets/pages/page.h"

#include <QMap>
#include <QString>
#include <QStringList>
#include <QVector>

#include <memory>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTabWidget;
class QTableView;

namespace espalier::deploy {
struct BenchSession;
struct DeviceSpec;
}
namespace espalier::job {
class Job;
}

namespace espalier::widgets {

class BenchSettingsForm;
class DeviceTableModel;
class JobController;
class JobPanel;
class LatencyBoxPlot;
class LatencyTableModel;
class LayerBarPlot;

class DevicesPage : public Page {
    Q_OBJECT
public:
    explicit DevicesPage(QWidget* parent = nullptr);
    ~DevicesPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    DeviceTableModel* deviceModel() const { return devices_; }
    JobController* controller() const { return controller_; }
    LatencyBoxPlot* boxPlot() const { return boxPlot_; }
    LayerBarPlot* layerPlot() const { return layerPlot_; }
    LatencyTableModel* latencyTable() const { return latencyModel_; }
    QListWidget* modelList() const;
    QListWidget* testSetList() const;
    QComboBox* sessionBox() const { return sessionBox_; }
    QComboBox* inputBox() const { return inputBox_; }
    QString selectedDevice() const;
    bool selectDevice(const QString& name);
    // Adds (or replaces) a device in devices.yaml; false with the reason shown when it is invalid.
    bool addDevice(const deploy::DeviceSpec& device);
    bool removeSelectedDevice();
    // Checks a model row (a run folder or an .espm file), adding the file when it is not listed.
    void checkModel(const QString& path, bool checked = true);
    void setBenchmarkSettings(int frames, int runs, int warmup, int rounds, double cooldownSeconds);
    void setFeaturesInput(bool on);
    // The espalier-cli command for the benchmark as set up now ("" with the reason in problem()).
    QString benchCommand() const;
    QString problem() const { return problem_; }
    // Shows the results tab: 0 latency box plots, 1 time per layer, 2 the CER / latency table.
    void showResultsTab(int index);

public slots:
    bool probeSelectedDevice();
    bool runBenchmark();

signals:
    // A probe or a benchmark ended; the page shows its result.
    void jobEnded();

protected:
    void retranslate() override;

private:
    void refreshDevices();
    void refreshModelsAndTestSets();
    void refreshSessions(const QString& select = {});
    void showDeviceDetails();
    void showSession();
    void showNewestSessionOf(const QString& device);  // when it has one
    void showInput();
    void onTaggedMetric(const QString& series, double step, double value, const QVariantMap& tags);
    void updateButtons();
    std::unique_ptr<job::Job> makeBenchJob(QString* problem) const;
    void setProblem(const QString& text);

    QLabel* heading_;
    QGroupBox* devicesBox_;
    QTableView* deviceTable_;
    DeviceTableModel* devices_;
    QPushButton* add_;
    QPushButton* edit_;
    QPushButton* remove_;
    QPushButton* probe_;
    QPushButton* probeCommand_;
    QLabel* details_;

    QGroupBox* benchBox_;
    BenchSettingsForm* benchForm_;
    QLabel* problemLabel_;
    QPushButton* run_;
    QPushButton* runCommand_;

    QGroupBox* resultsBox_;
    QComboBox* sessionBox_;
    QComboBox* inputBox_;
    QLabel* sessionNote_;
    QTabWidget* tabs_;
    LatencyBoxPlot* boxPlot_;
    LayerBarPlot* layerPlot_;
    QTableView* latencyView_;
    LatencyTableModel* latencyModel_;

    JobController* controller_;
    JobPanel* jobPanel_;
    QString problem_;
    std::vector<deploy::BenchSession> sessions_;
    // While a benchmark runs: its samples per model and input, and its models in order.
    QMap<QString, QMap<QString, QVector<double>>> live_;
    QStringList liveModels_, liveInputs_;
    bool benchmarking_ = false;
};

} // namespace espalier::widgets
