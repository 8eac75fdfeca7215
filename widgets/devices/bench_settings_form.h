#pragma once
// The Devices page's benchmark settings: the models to time (the project's runs, exported on the
// way, or .espm files; the first checked is the baseline), the inputs (random features of a given
// length, test sets' utterances), runs, warm-up, rounds, cool-down, threads and the CPUs to pin
// to (the probed device's clusters). Produces the models and deploy::BenchSettings a benchmark is
// started with.
#include "core/deploy/bench_job.h"

#include <QStringList>
#include <QWidget>

#include <vector>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QLabel;
class QListWidget;
class QPushButton;
class QSpinBox;

namespace espalier::project {
class Project;
}
namespace espalier::runtime {
struct DeviceInfo;
}

namespace espalier::widgets {

class BenchSettingsForm : public QWidget {
    Q_OBJECT
public:
    explicit BenchSettingsForm(QWidget* parent = nullptr);

    // Lists the project's runs and its corpora's test sets (keeping what was checked).
    void setProject(const project::Project* project);
    // Offers the device's clusters to pin to (info: its probe, null when not probed) and selects its
    // default CPUs, else the big cluster.
    void setDevice(const runtime::DeviceInfo* info, const QString& defaultCpus);

    // Checks a model row (a run folder or an .espm file), adding the file when it is not listed.
    void checkModel(const QString& path, bool checked = true);
    void setBenchmarkSettings(int frames, int runs, int warmup, int rounds, double cooldownSeconds);
    void setFeaturesInput(bool on);

    // The checked models, in order (the first is the baseline).
    std::vector<deploy::BenchModelSource> models() const;
    deploy::BenchSettings settings() const;
    // The names of the inputs the settings time, in order (for the live view).
    QStringList inputNames() const;

    QListWidget* modelList() const { return models_; }
    QListWidget* testSetList() const { return testSets_; }

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();

    const project::Project* project_ = nullptr;
    QLabel* modelsLabel_;
    QListWidget* models_;
    QPushButton* addModel_;
    QCheckBox* features_;
    QSpinBox* frames_;
    QLabel* testSetsLabel_;
    QListWidget* testSets_;
    QLabel* utterancesLabel_;
    QSpinBox* utterances_;
    QLabel* runsLabel_;
    QSpinBox* runs_;
    QLabel* warmupLabel_;
    QSpinBox* warmup_;
    QLabel* roundsLabel_;
    QSpinBox* rounds_;
    QLabel* cooldownLabel_;
    QDoubleSpinBox* cooldown_;
    QLabel* threadsLabel_;
    QSpinBox* threads_;
    QLabel* cpusLabel_;
    QComboBox* cpus_;
};

} // namespace espalier::widgets
