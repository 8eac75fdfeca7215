#pragma once
// The Schedule page: a pruning recipe as a list of stages (unstructured, structured, dynamic sparse,
// layer), the selected one edited in place (StageEditor), and its target sparsity over training as
// you type: the steps the masks follow (solid) over the smooth curve (dashed). Compared with a run of
// the project, the plot adds what the run achieved (orange) and a table lists each prunable tensor's
// target against its achieved sparsity. Recipes load (Espalier, SparseML, Distiller) and save as YAML
// (docs/formats/recipe.md) and go to the Train page's next run; the equivalent command is
// `espalier-cli recipe check`.
#include "widgets/pages/page.h"
#include "widgets/training/stage_editor.h"

#include <QString>

#include <memory>
#include <vector>

class QComboBox;
class QGroupBox;
class QLabel;
class QListWidget;
class QPushButton;
class QTableWidget;
class QToolButton;

namespace espalier::train {
struct ModelStats;
}

namespace espalier::widgets {

class MetricPlot;

class SchedulePage : public Page {
    Q_OBJECT
public:
    explicit SchedulePage(QWidget* parent = nullptr);
    ~SchedulePage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // The recipe the editor describes. Throws InputError naming the field when it is not valid.
    prune::Recipe recipe() const;
    void setRecipe(const prune::Recipe& recipe);
    bool loadRecipe(const QString& path);  // false (with the reason shown) on a bad file
    bool saveRecipe(const QString& path);
    QString recipePath() const { return path_; }
    QString command() const;
    MetricPlot* curvePlot() const { return plot_; }
    QString problem() const;  // "" when the editor holds a valid recipe

    int stageCount() const { return int(stages_.size()); }
    void addStage(EditedStage::Type type);
    void selectStage(int index);
    // Compare with a run folder: its achieved sparsity on the plot, its tensors in the target table
    // (read on a worker thread; comparisonReady() when done).
    void compareWithRun(const QString& runDir);

signals:
    // "Train with this recipe": the saved recipe file for the Train page's next run.
    void trainWithRecipe(const QString& path);
    void comparisonReady();

protected:
    void retranslate() override;

private:
    void onStageEdited();
    void refresh();
    void refreshList();
    void refreshTargets();
    void refreshRuns();

    QLabel* heading_;
    QGroupBox* stagesBox_;
    QListWidget* stageList_;
    QToolButton* addStage_;
    QPushButton* removeStage_;
    QGroupBox* stageBox_;
    StageEditor* editor_;
    QLabel* problem_;
    QLabel* compareLabel_;
    QComboBox* runs_;
    QTableWidget* targets_;
    QLabel* targetsNote_;
    QPushButton* load_;
    QPushButton* save_;
    QPushButton* train_;
    QPushButton* command_;
    MetricPlot* plot_;
    std::vector<EditedStage> stages_;
    int current_ = 0;
    QString editorProblem_;
    QString path_;
    QString name_;
    QString comparedRun_;
    std::shared_ptr<const train::ModelStats> stats_;  // the compared run's tensors
    QString statsError_;
};

} // namespace espalier::widgets
