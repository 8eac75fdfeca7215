#pragma once
// The Sensitivity page: runs a sensitivity analysis of a run of the project (espalier-cli
// sensitivity) through the task manager and shows it as a heatmap that fills in cell by cell (the
// rows' data-free first look appears before the first cell), the selected row's curves, the
// per-block sensitivities (the seed's figure) and the allocation of per-tensor targets: moving the
// target or the balance redraws the chosen level on every row and the predicted Δloss and latency;
// the recipe goes to the Schedule page. Result files open here too; the heatmap exports as
// PNG/PDF and the table as CSV. Opening a project shows its newest result.
#include "core/analysis/sensitivity_allocation.h"
#include "core/analysis/sensitivity_job.h"
#include "widgets/pages/page.h"
#include "widgets/sensitivity/heatmap_widget.h"

#include <QString>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QSlider;
class QSpinBox;

namespace espalier::widgets {

class JobController;
class JobPanel;
class LayerBarPlot;
class MetricPlot;

class SensitivityPage : public Page {
    Q_OBJECT
public:
    explicit SensitivityPage(QWidget* parent = nullptr);
    ~SensitivityPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // The analysis the form describes, and its command line.
    analysis::SensitivityOptions options() const;
    QString command() const;
    bool run();                               // false (reason shown) when the form is incomplete
    bool openResult(const QString& path);     // false (reason shown) on a bad file
    void setModel(const QString& modelOrRun);
    void setData(const QString& manifest);

    HeatmapWidget* heatmap() const { return heatmap_; }
    JobController* controller() const { return controller_; }
    MetricPlot* curvePlot() const { return curve_; }
    LayerBarPlot* blockPlot() const { return blocks_; }
    // The allocation for the sliders' settings (empty sparsity when none can be made).
    const analysis::Allocation& allocation() const { return allocation_; }
    QString allocationText() const;
    void setAllocationTarget(double target, double balance);
    bool saveAllocation(const QString& path);  // the recipe
    bool exportCsv(const QString& path) const;
    bool exportImage(const QString& path) const;  // .png or .pdf

signals:
    // "Use in Schedule": the saved recipe for the Schedule page.
    void useRecipe(const QString& path);

protected:
    void retranslate() override;

private:
    void refreshRuns();
    void refreshData();
    void showResult(const analysis::SensitivityResult& result);
    void showOpened(const analysis::SensitivityResult& result);  // a result file's: the form follows it
    void showRow(int row);
    void refreshBlocks();
    void reallocate();
    void onCell(const QString& series, double step, double value, const QVariantMap& tags);
    QString resultPath() const;

    QLabel* heading_;
    QGroupBox* formBox_;
    QLabel* modelLabel_;
    QComboBox* model_;
    QPushButton* browseModel_;
    QLabel* dataLabel_;
    QComboBox* data_;
    QPushButton* browseData_;
    QLabel* subsetLabel_;
    QSpinBox* subset_;
    QLabel* granularityLabel_;
    QComboBox* granularity_;
    QLabel* levelsLabel_;
    QLineEdit* levels_;
    QLabel* ceilingLabel_;
    QDoubleSpinBox* ceiling_;
    QCheckBox* latency_;
    QPushButton* run_;
    QPushButton* open_;
    QPushButton* command_;
    QLabel* metricLabel_;
    QComboBox* metric_;
    QPushButton* exportImage_;
    QPushButton* exportCsv_;
    HeatmapWidget* heatmap_;
    MetricPlot* curve_;
    LayerBarPlot* blocks_;
    QGroupBox* allocBox_;
    QLabel* targetLabel_;
    QSlider* target_;
    QLabel* balanceLabel_;
    QSlider* balance_;
    QLabel* boundsLabel_;
    QDoubleSpinBox* min_;
    QDoubleSpinBox* max_;
    QLabel* prediction_;
    QPushButton* saveRecipe_;
    QPushButton* useInSchedule_;
    JobController* controller_;
    JobPanel* jobPanel_;

    QString outPath_;  // the running analysis's result file
    analysis::Allocation allocation_;
    QString allocationError_;
};

} // namespace espalier::widgets
