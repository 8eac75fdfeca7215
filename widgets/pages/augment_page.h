#pragma once
// The Augment page: see and hear what an augmentation pipeline does before training with it. An
// utterance (from any corpus of the project, or a dropped / opened audio file) is shown before and
// after the pipeline (BeforeAfterView: waveform and fbank side by side, SpecAugment's masks
// outlined, same colour range, playback), with the ops applied and what each drew. Users step through draws, lock an op's draw,
// compare presets, edit the pipeline (PipelineEditor) and save it as YAML. The pipeline runs in the
// background; the page never blocks.
#include "core/augment/pipeline.h"
#include "widgets/pages/page.h"

#include <QString>
#include <QVector>

#include <map>
#include <memory>
#include <vector>

class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSpinBox;
class QTableView;
class QTimer;

namespace espalier::widgets {

class AppliedOpsModel;
class BeforeAfterView;
class PipelineEditor;
class UtterancePicker;

class AugmentPage : public Page {
    Q_OBJECT
public:
    explicit AugmentPage(QWidget* parent = nullptr);
    ~AugmentPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    // True while the source is read, a preview is pending or running, or a manifest loads.
    bool isBusy() const;
    // Previews an audio file (read in the background; errors in a dialog and loadFailed()).
    void setSourceFile(const QString& path);
    QString sourcePath() const { return sourcePath_; }
    bool selectCorpus(const QString& name);
    bool selectSplit(const QString& name);
    void selectUtteranceRow(int row);
    bool selectUtterance(const QString& key);

    const augment::Pipeline& pipeline() const;
    // The pipeline editor: presets, ops, parameters, YAML (see PipelineEditor for its hooks).
    PipelineEditor* pipelineEditor() const { return editor_; }

    quint64 seed() const { return seed_; }
    void setSeed(quint64 seed);
    // 1 for the seed set or drawn last, +1 per "Next draw".
    int drawNumber() const;
    void nextDraw();
    void previousDraw();
    void reseed();
    void setOpLocked(int index, bool locked);
    bool isOpLocked(int index) const { return locks_.count(size_t(index)) > 0; }

    // What the last preview did (empty before the first one).
    const std::vector<augment::AppliedOp>& appliedOps() const;
    const augment::Signal* preview() const;
    QString previewError() const;
    // The espalier-cli command that reproduces the preview (empty without a source).
    QString previewCommand() const;

signals:
    // A preview finished: drawn (before, after and the ops applied are up to date), or failed
    // (previewError() says why; the last good one stays on screen).
    void previewUpdated();
    void sourceLoaded(const QString& path);
    // Reading the source failed; the message was also shown to the user.
    void loadFailed(const QString& message);

protected:
    void retranslate() override;
    void dragEnterEvent(QDragEnterEvent* event) override;
    void dropEvent(QDropEvent* event) override;

private:
    struct Source;
    struct PreviewResult;

    void buildUi();
    QWidget* buildSourcePanel();
    QWidget* buildComparePanel();

    // Source.
    void loadSource(const QString& path, const QString& key, const QString& text);
    void openAudio();
    void clearPreview();
    void updateSourceLabel();

    // Locked draws follow their ops; the preview follows the pipeline.
    void onPipelineChanged(const QVector<int>& previousIndex);

    // Preview.
    void schedulePreview();
    void startPreview();
    void onPreviewFinished(const std::shared_ptr<PreviewResult>& result);
    void showResult(const std::shared_ptr<const PreviewResult>& preview);
    bool previewBusy() const;
    void updateBusy();
    void updateDrawControls();
    void onLockToggled(int row, bool locked);

    // Widgets.
    QGroupBox* sourceGroup_;
    UtterancePicker* picker_;
    QPushButton* openAudioButton_;
    PipelineEditor* editor_;
    QPushButton* commandButton_;
    QLabel* sourceLabel_;
    QLabel* seedLabel_;
    QSpinBox* seedSpin_;
    QPushButton* reseedButton_;
    QPushButton* prevDrawButton_;
    QLabel* drawLabel_;
    QPushButton* nextDrawButton_;
    QProgressBar* busyBar_;
    BeforeAfterView* compare_;
    QGroupBox* appliedGroup_;
    QTableView* appliedList_;
    QLabel* previewErrorLabel_;

    AppliedOpsModel* appliedModel_;
    QTimer* previewTimer_;
    QTimer* busyDelay_;

    // Source and preview state. Each request carries a generation; stale results are dropped.
    std::shared_ptr<const Source> source_;
    QString sourcePath_;
    QString sourceKey_;
    QString sourceText_;
    int sourceGeneration_ = 0;
    int loadingSources_ = 0;
    quint64 seed_ = 1;
    quint64 drawBase_ = 1;
    std::map<size_t, augment::AppliedOp> locks_;
    int previewGeneration_ = 0;
    bool previewRunning_ = false;
    bool previewPending_ = false;
    std::shared_ptr<const PreviewResult> result_;
    QString previewError_;
};

} // namespace espalier::widgets
