#pragma once
// Edits one stage of a pruning recipe, whatever its type: the schedule (curve, unit, sparsities,
// begin/end/frequency) for unstructured, structured and dynamic stages; threshold scope, parameter
// patterns, exclusions and per-pattern final sparsities (unstructured); channel kinds, group patterns,
// re-scoring interval and calibration size (structured); drop fraction, mask learning rate η and decay
// λ (dynamic); blocks to drop (layer). Only the rows of the stage's type are shown.
#include "core/prune/recipe.h"

#include <QWidget>

class QCheckBox;
class QComboBox;
class QDoubleSpinBox;
class QFormLayout;
class QLabel;
class QLineEdit;
class QPushButton;
class QSpinBox;
class QTableWidget;

namespace espalier::widgets {

// One stage as the editor holds it (a Recipe keeps stages by type).
struct EditedStage {
    enum class Type { Unstructured, Structured, Dynamic, Layer };
    Type type = Type::Unstructured;
    prune::UnstructuredStage unstructured;
    prune::StructuredStage structured;
    prune::DynamicStage dynamic;
    prune::LayerStage layer;

    // The schedule of a scheduled stage (nullptr for a layer stage).
    const prune::SparsitySchedule* schedule() const;
};

// A recipe as a list of stages and back (stages grouped by type, in the order the recipe keeps).
std::vector<EditedStage> stagesOf(const prune::Recipe& recipe);
prune::Recipe recipeOf(const std::string& name, const std::vector<EditedStage>& stages);
QString stageTypeName(EditedStage::Type type);  // translated: "Unstructured", ...
QString stageSummary(const EditedStage& stage);  // one line for the stage list

class StageEditor : public QWidget {
    Q_OBJECT
public:
    explicit StageEditor(QWidget* parent = nullptr);

    void setStage(const EditedStage& stage);
    // The stage as edited. Throws InputError for a malformed overrides row or blocks list.
    EditedStage stage() const;
    void retranslate();

signals:
    void changed();

private:
    void addOverrideRow(const QString& pattern, double sparsity);
    void showRowsFor(EditedStage::Type type);

    EditedStage::Type type_ = EditedStage::Type::Unstructured;
    QFormLayout* form_;
    QComboBox* shape_;
    QComboBox* scope_;
    QComboBox* unit_;
    QDoubleSpinBox* initial_;
    QDoubleSpinBox* final_;
    QDoubleSpinBox* begin_;
    QDoubleSpinBox* end_;
    QDoubleSpinBox* frequency_;
    QWidget* channels_;
    QCheckBox* ffn_;
    QCheckBox* heads_;
    QCheckBox* conv_;
    QLineEdit* params_;
    QLineEdit* exclude_;
    QDoubleSpinBox* rescore_;
    QSpinBox* calibration_;
    QDoubleSpinBox* dropFraction_;
    QDoubleSpinBox* maskLr_;
    QDoubleSpinBox* decay_;
    QSpinBox* drop_;
    QLineEdit* blocks_;
    QWidget* overridesBox_;
    QLabel* overridesLabel_;
    QTableWidget* overrides_;
    QPushButton* addOverride_;
    QPushButton* removeOverride_;
    std::vector<std::pair<QLabel*, QWidget*>> rows_;
};

} // namespace espalier::widgets
