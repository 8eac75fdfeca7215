#include "widgets/audio_player.h"

#include <QAudioDevice>
#include <QAudioOutput>
#include <QMediaDevices>
#include <QMediaPlayer>
#include <QUrl>

namespace espalier::widgets {

AudioPlayer::AudioPlayer(QObject* parent) : QObject(parent)
{
    qRegisterMetaType<espalier::widgets::AudioPlayer::State>();
}

AudioPlayer::~AudioPlayer()
{
    if (player_)
        player_->stop();
}

bool AudioPlayer::hasAudioOutput()
{
    if (qEnvironmentVariableIsSet("ESPALIER_NO_AUDIO"))
        return false;
    return !QMediaDevices::audioOutputs().isEmpty();
}

bool AudioPlayer::ensurePlayer()
{
    if (player_)
        return true;
    if (!hasAudioOutput())
        return false;
    // Created on first use: the media backend starts only when someone plays something.
    output_ = new QAudioOutput(QMediaDevices::defaultAudioOutput(), this);
    player_ = new QMediaPlayer(this);
    player_->setAudioOutput(output_);
    connect(player_, &QMediaPlayer::playbackStateChanged, this, [this](QMediaPlayer::PlaybackState s) {
        setState(s == QMediaPlayer::PlayingState ? State::Playing : State::Stopped);
    });
    connect(player_, &QMediaPlayer::positionChanged, this,
            [this](qint64 ms) { emit positionChanged(double(ms) / 1000.0); });
    connect(player_, &QMediaPlayer::errorOccurred, this, [this](QMediaPlayer::Error, const QString& message) {
        setState(State::Stopped);
        emit errorOccurred(tr("Cannot play %1: %2").arg(path_, message));
    });
    return true;
}

void AudioPlayer::play(const QString& path)
{
    path_ = path;
    if (!ensurePlayer()) {
        emit unavailable(tr("No audio output device is available."));
        return;
    }
    player_->stop();
    player_->setSource(QUrl::fromLocalFile(path));
    player_->play();
}

void AudioPlayer::stop()
{
    if (player_)
        player_->stop();
    setState(State::Stopped);
}

void AudioPlayer::setState(State state)
{
    if (state_ == state)
        return;
    state_ = state;
    emit stateChanged(state);
}

} // namespace espalier::widgets
