#pragma once
// The Data page: the project's corpora, their per-split statistics, and an utterance browser (an
// UtterancePicker) that shows the waveform and fbank features of the selected utterance and plays it.
// Everything that touches the disk runs in the background, and only once the page is shown; the page
// stays responsive and usable after errors.
#include "widgets/pages/page.h"

#include <QSet>
#include <QString>

#include <memory>

class QGroupBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSplitter;
class QTableView;

namespace espalier::widgets {

class AudioPlayer;
class JobController;
class SpectrogramPlot;
class SplitStatsModel;
class UtterancePicker;
class UtteranceTableModel;
class WaveformPlot;

class DataPage : public Page {
    Q_OBJECT
public:
    explicit DataPage(QWidget* parent = nullptr);
    ~DataPage() override;

    QString title() const override;
    QIcon icon() const override;
    void setProject(std::shared_ptr<const project::Project> project) override;

    // Test and scripting hooks.
    // True while statistics, a manifest or an utterance are being loaded.
    bool isBusy() const;
    QString currentCorpusPath() const;
    QString currentUtteranceKey() const { return shownKey_; }
    // The espalier-cli commands equivalent to what is shown (empty when nothing is).
    QString statsCommand() const;
    QString utteranceCommand() const;
    // Selects a corpus / split by name; false if there is none of that name.
    bool selectCorpus(const QString& name);
    bool selectSplit(const QString& name);
    // Selects (and shows) the utterance on row of the filtered view.
    void selectUtteranceRow(int row);
    SplitStatsModel* statsModel() const { return statsModel_; }
    UtteranceTableModel* utteranceModel() const;
    WaveformPlot* waveformPlot() const { return waveform_; }
    SpectrogramPlot* spectrogramPlot() const { return spectrogram_; }
    JobController* statsController() const { return statsJobs_; }

signals:
    void statsReady();
    void splitsLoaded(int count);
    void utterancesLoaded(int count);
    void utteranceShown(const QString& key);
    // A background load failed; the message was also shown to the user.
    void loadFailed(const QString& message);

protected:
    void retranslate() override;

private:
    struct StatsResult;
    struct DecodedUtterance;

    void buildUi();
    void onCorpusChanged(const QString& path);
    void fitStatsTable();
    void startStats();
    void onStatsFinished(int outcome, const QString& message);
    void showUtterance(const QString& audioPath, const QString& key, const QString& text);
    void onDecoded(const std::shared_ptr<DecodedUtterance>& decoded);
    void togglePlay();
    void updateBusy();
    void clearUtterance();
    // Shows an error dialog; corpus-level failures (seen by several loaders) are shown once per corpus.
    void reportError(const QString& title, const QString& message, bool oncePerCorpus = true);

    // Widgets.
    UtterancePicker* picker_;
    QLabel* corpusPathLabel_;
    QGroupBox* statsGroup_;
    QLabel* statsStatusLabel_;
    QTableView* statsTable_;
    QProgressBar* statsProgress_;
    QPushButton* statsCommandButton_;
    QGroupBox* browserGroup_;
    QGroupBox* utteranceGroup_;
    QLabel* utteranceKeyLabel_;
    QLabel* utteranceTextLabel_;
    WaveformPlot* waveform_;
    SpectrogramPlot* spectrogram_;
    QPushButton* playButton_;
    QPushButton* featuresCommandButton_;
    QLabel* playerStatusLabel_;
    QSplitter* splitter_;

    SplitStatsModel* statsModel_;
    JobController* statsJobs_;
    AudioPlayer* player_;

    // State. Each decode carries a generation; results of superseded ones are dropped.
    std::shared_ptr<StatsResult> statsResult_;
    QString statsError_;
    int decodeGeneration_ = 0;
    int runningDecodes_ = 0;
    QString shownKey_;
    QString shownAudioPath_;
    QSet<QString> reportedErrors_;  // per corpus: one failure is reported once, not by every loader
};

} // namespace espalier::widgets
