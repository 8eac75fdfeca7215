#pragma once
// Plays one audio file at a time (QMediaPlayer + QAudioOutput). Without an audio output device (a
// server, CI, QT_QPA_PLATFORM=offscreen, or ESPALIER_NO_AUDIO set) play() reports unavailable()
// instead of failing.
#include <QObject>
#include <QString>

class QAudioOutput;
class QMediaPlayer;

namespace espalier::widgets {

class AudioPlayer : public QObject {
    Q_OBJECT
public:
    enum class State { Stopped, Playing };
    Q_ENUM(State)

    explicit AudioPlayer(QObject* parent = nullptr);
    ~AudioPlayer() override;

    // Whether an audio output device is there to play on.
    static bool hasAudioOutput();
    State state() const { return state_; }
    bool isPlaying() const { return state_ == State::Playing; }
    QString currentPath() const { return path_; }

public slots:
    // Starts playing path from the beginning (stopping what plays).
    void play(const QString& path);
    void stop();

signals:
    void stateChanged(espalier::widgets::AudioPlayer::State state);
    void positionChanged(double seconds);
    // No audio output device: nothing plays.
    void unavailable(const QString& reason);
    // The file could not be played (missing, unsupported format).
    void errorOccurred(const QString& message);

private:
    bool ensurePlayer();
    void setState(State state);

    QMediaPlayer* player_ = nullptr;
    QAudioOutput* output_ = nullptr;
    State state_ = State::Stopped;
    QString path_;
};

} // namespace espalier::widgets
