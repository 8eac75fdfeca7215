#pragma once
// The Schedule page: edit a gradual pruning stage (curve shape, sparsities, begin/end/frequency,
// global or per-tensor scope, parameter patterns, exclusions, per-pattern final sparsities) and see
// the target sparsity over training as you type: the steps the masks follow (solid) over the smooth
// curve (dashed). Recipes load and save as YAML (docs/formats/recipe.md) and go to the Train page's
// next run; the equivalent command is `espalier-cli recipe check`.
#include "pages/page.h"

#include <QString>

class QComboBox;
class QDoubleSpinBox;
class QGroupBox;
class QLabel;
class QLineEdit;
class QPushButton;
class QTableWidget;

namespace espalier::prune {
struct Recipe;
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

    // The recipe the editor describes. Throws InputError naming the field when it is not valid.
    prune::Recipe recipe() const;
    void setRecipe(const prune::Recipe& recipe);
    bool loadRecipe(const QString& path);  // false (with the reason shown) on a bad file
    bool saveRecipe(const QString& path);
    QString recipePath() const { return path_; }
    QString command() const;
    MetricPlot* curvePlot() const { return plot_; }
    QString problem() const;  // "" when the editor holds a valid recipe

signals:
    // "Train with this recipe": the saved recipe file for the Train page's next run.
    void trainWithRecipe(const QString& path);

protected:
    void retranslate() override;

private:
    void refresh();
    void addOverrideRow(const QString& pattern, double sparsity);

    QLabel* heading_;
    QGroupBox* stageBox_;
    QComboBox* shape_;
    QComboBox* scope_;
    QComboBox* unit_;
    QDoubleSpinBox* initial_;
    QDoubleSpinBox* final_;
    QDoubleSpinBox* begin_;
    QDoubleSpinBox* end_;
    QDoubleSpinBox* frequency_;
    QLineEdit* params_;
    QLineEdit* exclude_;
    QTableWidget* overrides_;
    QPushButton* addOverride_;
    QPushButton* removeOverride_;
    QLabel* problem_;
    QPushButton* load_;
    QPushButton* save_;
    QPushButton* train_;
    QPushButton* command_;
    MetricPlot* plot_;
    std::vector<QLabel*> labels_;
    QString path_;
    QString name_;
};

} // namespace espalier::widgets
