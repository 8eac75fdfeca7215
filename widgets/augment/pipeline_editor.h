#pragma once
// The Augment page's pipeline editor: a preset combo (a chosen preset replaces the pipeline shown;
// the user's own stays in the list to come back to), the op table with Add / Remove / Up / Down, the
// selected op's parameter form, and Load / Save as YAML. Every change goes through the engine
// (Pipeline::insert/replace/remove/move), which validates it: a refused change keeps the last
// valid pipeline and shows the engine's message under the form, never in a dialog.
#include "core/augment/pipeline.h"

#include <QGroupBox>
#include <QString>
#include <QVector>

#include <optional>

class QComboBox;
class QLabel;
class QMenu;
class QPushButton;
class QScrollArea;
class QTableView;
class QToolButton;

namespace espalier::widgets {

class OpParamForm;
class PipelineTableModel;

class PipelineEditor : public QGroupBox {
    Q_OBJECT
public:
    explicit PipelineEditor(QWidget* parent = nullptr);
    ~PipelineEditor() override;

    // Always a valid pipeline.
    const augment::Pipeline& pipeline() const { return pipeline_; }
    // The preset shown unmodified, or "" for an edited or loaded pipeline.
    QString presetName() const { return presetName_; }
    // The file the pipeline was loaded from or saved to ("" if none).
    QString pipelinePath() const { return pipelinePath_; }
    // Changed since the preset was chosen, or since the load or the save.
    bool isModified() const { return modified_; }
    // Where the file dialogs start (the project's folder).
    void setDefaultDir(const QString& dir) { defaultDir_ = dir; }

    // Chooses a preset as the combo box does; false if there is none of that name.
    bool selectPreset(const QString& name);
    void selectOp(int index);
    int selectedOp() const;
    // Adds an op of type after the selected one (waveform ops before the feature ops), as the Add
    // menu does; false (error shown inline) if the engine refuses it.
    bool addOp(const QString& type);
    void removeSelectedOp();
    void moveSelectedOp(int delta);
    // Saves / loads YAML as the buttons do after their file dialogs (errors in a dialog).
    bool savePipeline(const QString& path);
    bool loadPipeline(const QString& path);
    OpParamForm* paramForm() const { return paramForm_; }

signals:
    // The pipeline changed. previousIndex[i] is the index op i had before the change, or -1 when
    // it is new, was edited, or the whole pipeline was replaced (a preset, a load): a draw recorded
    // for the old index still fits the op only when it is >= 0.
    void pipelineChanged(const QVector<int>& previousIndex);

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void rebuildAddMenu();
    void setPipeline(const augment::Pipeline& pipeline, const QString& presetName, const QString& path);
    void onPresetActivated(int comboIndex);
    void refreshPresetCombo();
    void refreshOpTable(int selectRow);
    void onOpSelected(int row);
    void onParamsEdited();
    // Takes an edited copy as the pipeline and tells the page which ops kept their place.
    void commitEdit(augment::Pipeline edited, const QVector<int>& previousIndex, int selectRow);
    void showInlineError(const QString& message);
    void savePipelineAs();
    void openPipeline();

    QLabel* presetLabel_;
    QComboBox* presetCombo_;
    QTableView* opTable_;
    QPushButton* addOpButton_;
    QMenu* addMenu_;
    QPushButton* removeOpButton_;
    QToolButton* upButton_;
    QToolButton* downButton_;
    QScrollArea* paramScroll_;
    OpParamForm* paramForm_;
    QPushButton* loadButton_;
    QPushButton* saveButton_;
    PipelineTableModel* opModel_;

    augment::Pipeline pipeline_;
    QString presetName_;
    QString pipelinePath_;
    bool modified_ = false;
    QString defaultDir_;
    // The user's own pipeline while a preset is shown, so choosing it in the combo brings it back.
    struct Stash {
        augment::Pipeline pipeline;
        QString path;
        bool modified = false;
    };
    std::optional<Stash> stash_;
    bool updatingTable_ = false;
};

} // namespace espalier::widgets
