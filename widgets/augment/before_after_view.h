#pragma once
// An utterance before and after an augmentation pipeline: waveforms and fbank side by side on one
// time axis (zooming any of the four plots zooms them all), SpecAugment's masks outlined on the
// spectrogram after, one colour range for both spectrograms, and playback of either side.
#include <QString>
#include <QWidget>

#include <memory>

class QLabel;
class QPushButton;
class QTemporaryDir;

namespace espalier::augment {
struct AugmentPreview;
struct Signal;
}

namespace espalier::widgets {

class AudioPlayer;
class SpectrogramPlot;
class WaveformPlot;

class BeforeAfterView : public QWidget {
    Q_OBJECT
public:
    explicit BeforeAfterView(QWidget* parent = nullptr);
    ~BeforeAfterView() override;

    // Shows preview of source, the audio read from sourcePath (played as "before"). The zoom is kept
    // while source stays the same object (a new draw of the same utterance).
    void showPreview(std::shared_ptr<const augment::Signal> source, const QString& sourcePath,
                     std::shared_ptr<const augment::AugmentPreview> preview);
    // Empties the plots (no source, or a new one being read).
    void clear();
    void stopPlayback();

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void updateTitles();
    void togglePlay(bool after);
    void onPlayerStateChanged();

    QLabel* beforeTitle_;
    QLabel* afterTitle_;
    WaveformPlot* beforeWaveform_;
    WaveformPlot* afterWaveform_;
    SpectrogramPlot* beforeSpectrogram_;
    SpectrogramPlot* afterSpectrogram_;
    QPushButton* playBeforeButton_;
    QPushButton* playAfterButton_;
    QLabel* playerStatusLabel_;
    QLabel* legendLabel_;
    AudioPlayer* player_;
    std::unique_ptr<QTemporaryDir> tempDir_;

    std::shared_ptr<const augment::Signal> source_;           // shown on the left (keeps the zoom)
    std::shared_ptr<const augment::AugmentPreview> preview_;  // shown on the right
    QString sourcePath_;
    QString afterWavPath_;  // the shown preview written out for playing ("" until played)
    bool playingAfter_ = false;
    double extent_ = 0.0;   // seconds the time axes span
};

} // namespace espalier::widgets
