#include "widgets/augment/before_after_view.h"

#include "core/audio/audio_file.h"
#include "core/augment/preview.h"
#include "widgets/audio_player.h"
#include "widgets/plots/spectrogram_plot.h"
#include "widgets/plots/waveform_plot.h"

#include <QEvent>
#include <QGridLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QStyle>
#include <QTemporaryDir>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace espalier::widgets {

namespace {

QString seconds(double value)
{
    return QLocale().toString(value, 'f', 2);
}

QLabel* makeTitle(QWidget* parent, const char* name)
{
    auto* label = new QLabel(parent);
    label->setObjectName(name);
    QFont font = label->font();
    font.setBold(true);
    label->setFont(font);
    return label;
}

} // namespace

BeforeAfterView::BeforeAfterView(QWidget* parent) : QWidget(parent)
{
    player_ = new AudioPlayer(this);
    beforeTitle_ = makeTitle(this, "beforeTitle");
    afterTitle_ = makeTitle(this, "afterTitle");
    beforeWaveform_ = new WaveformPlot(this);
    beforeWaveform_->setObjectName("beforeWaveform");
    afterWaveform_ = new WaveformPlot(this);
    afterWaveform_->setObjectName("afterWaveform");
    beforeSpectrogram_ = new SpectrogramPlot(this);
    beforeSpectrogram_->setObjectName("beforeSpectrogram");
    afterSpectrogram_ = new SpectrogramPlot(this);
    afterSpectrogram_->setObjectName("afterSpectrogram");
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_})
        plot->setMinimumHeight(110);
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeSpectrogram_, afterSpectrogram_})
        plot->setMinimumHeight(170);
    playBeforeButton_ = new QPushButton(this);
    playBeforeButton_->setObjectName("playBeforeButton");
    playAfterButton_ = new QPushButton(this);
    playAfterButton_->setObjectName("playAfterButton");
    playerStatusLabel_ = new QLabel(this);
    playerStatusLabel_->setObjectName("playerStatus");
    playerStatusLabel_->setForegroundRole(QPalette::PlaceholderText);
    legendLabel_ = new QLabel(this);
    legendLabel_->setObjectName("maskLegend");

    auto* grid = new QGridLayout;
    grid->setHorizontalSpacing(8);
    grid->setVerticalSpacing(2);
    auto* beforeHeader = new QHBoxLayout;
    beforeHeader->addWidget(beforeTitle_, 1);
    beforeHeader->addWidget(playBeforeButton_);
    auto* afterHeader = new QHBoxLayout;
    afterHeader->addWidget(afterTitle_, 1);
    afterHeader->addWidget(playAfterButton_);
    grid->addLayout(beforeHeader, 0, 0);
    grid->addLayout(afterHeader, 0, 1);
    grid->addWidget(beforeWaveform_, 1, 0);
    grid->addWidget(afterWaveform_, 1, 1);
    grid->addWidget(beforeSpectrogram_, 2, 0);
    grid->addWidget(afterSpectrogram_, 2, 1);
    grid->setRowStretch(1, 2);
    grid->setRowStretch(2, 3);
    grid->setColumnStretch(0, 1);
    grid->setColumnStretch(1, 1);
    auto* statusRow = new QHBoxLayout;
    statusRow->addWidget(playerStatusLabel_, 1);
    statusRow->addWidget(legendLabel_);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addLayout(grid, 1);
    layout->addLayout(statusRow);

    connect(beforeWaveform_, &PlotWidget::rangeChanged, beforeSpectrogram_, &PlotWidget::setXRange);
    connect(beforeSpectrogram_, &PlotWidget::rangeChanged, beforeWaveform_, &PlotWidget::setXRange);
    connect(afterWaveform_, &PlotWidget::rangeChanged, afterSpectrogram_, &PlotWidget::setXRange);
    connect(afterSpectrogram_, &PlotWidget::rangeChanged, afterWaveform_, &PlotWidget::setXRange);
    // Before and after share one time axis (both span the longer of the two).
    connect(beforeWaveform_, &PlotWidget::rangeChanged, afterWaveform_, &PlotWidget::setXRange);
    connect(afterWaveform_, &PlotWidget::rangeChanged, beforeWaveform_, &PlotWidget::setXRange);

    connect(playBeforeButton_, &QPushButton::clicked, this, [this] { togglePlay(false); });
    connect(playAfterButton_, &QPushButton::clicked, this, [this] { togglePlay(true); });
    connect(player_, &AudioPlayer::stateChanged, this, &BeforeAfterView::onPlayerStateChanged);
    connect(player_, &AudioPlayer::positionChanged, this, [this](double seconds) {
        (playingAfter_ ? afterWaveform_ : beforeWaveform_)->setPlayhead(seconds);
    });
    connect(player_, &AudioPlayer::unavailable, playerStatusLabel_, &QLabel::setText);
    connect(player_, &AudioPlayer::errorOccurred, playerStatusLabel_, &QLabel::setText);

    retranslate();
    clear();
}

BeforeAfterView::~BeforeAfterView() = default;

void BeforeAfterView::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QWidget::changeEvent(event);
}

void BeforeAfterView::retranslate()
{
    legendLabel_->setText(tr("Outlined: <span style='color:#ff9800'>■</span> time masks &nbsp; "
                             "<span style='background:#440154; color:#ffffff'>&nbsp;┅&nbsp;</span> frequency masks"));
    legendLabel_->setToolTip(tr("SpecAugment's masked regions are outlined on the spectrogram after the pipeline"));
    playerStatusLabel_->setToolTip({});
    playBeforeButton_->setToolTip(tr("Play the original audio"));
    playAfterButton_->setToolTip(tr("Play the augmented audio"));
    updateTitles();
}

void BeforeAfterView::updateTitles()
{
    for (QPushButton* button : {playBeforeButton_, playAfterButton_}) {
        const bool playing = player_->isPlaying() && playingAfter_ == (button == playAfterButton_);
        button->setText(playing ? tr("Stop") : tr("Play"));
        button->setIcon(style()->standardIcon(playing ? QStyle::SP_MediaStop : QStyle::SP_MediaPlay));
    }
    if (!preview_) {
        const QString hint = tr("Pick an utterance or drop an audio file");
        for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_})
            plot->setPlaceholderText(hint);
        beforeTitle_->setText(tr("Before"));
        afterTitle_->setText(tr("After"));
        return;
    }
    const double before = source_->duration();
    const double after = preview_->result.output.duration();
    beforeTitle_->setText(tr("Before · %1 s").arg(seconds(before)));
    afterTitle_->setText(before > 0 && std::abs(after - before) > 1e-6
                             ? tr("After · %1 s (×%2)").arg(seconds(after), QLocale().toString(after / before, 'f', 3))
                             : tr("After · %1 s").arg(seconds(after)));
}

void BeforeAfterView::clear()
{
    source_.reset();
    preview_.reset();
    sourcePath_.clear();
    extent_ = 0.0;
    afterWavPath_.clear();
    player_->stop();
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_, beforeSpectrogram_,
                                                             afterSpectrogram_})
        plot->clear();
    playBeforeButton_->setEnabled(false);
    playAfterButton_->setEnabled(false);
    playerStatusLabel_->clear();
    updateTitles();
}

void BeforeAfterView::stopPlayback()
{
    player_->stop();
}

void BeforeAfterView::showPreview(std::shared_ptr<const augment::Signal> source, const QString& sourcePath,
                                  std::shared_ptr<const augment::AugmentPreview> preview)
{
    const augment::Signal& input = *source;
    const augment::Signal& output = preview->result.output;
    // Keep the user's zoom while the utterance stays the same.
    const double zoomLower = beforeWaveform_->xLower();
    const double zoomUpper = beforeWaveform_->xUpper();
    const double tolerance = 1e-6;
    const bool zoomed = source_ == source && beforeWaveform_->hasData()
                        && (zoomLower > tolerance || zoomUpper < extent_ - tolerance);
    const double extent = std::max(input.duration(), output.duration());
    const double shift = preview->frameShiftSeconds;

    std::vector<SpectrogramPlot::MaskBand> bands;
    for (const augment::MaskRegion& mask : preview->masks())
        bands.push_back({mask.axis == augment::MaskAxis::Time ? SpectrogramPlot::MaskBand::Axis::Time
                                                               : SpectrogramPlot::MaskBand::Axis::Frequency,
                         mask.start, mask.width});
    {
        const QSignalBlocker b1(beforeWaveform_), b2(afterWaveform_), b3(beforeSpectrogram_), b4(afterSpectrogram_);
        beforeWaveform_->setSamples(input.samples, input.sampleRate);
        afterWaveform_->setSamples(output.samples, output.sampleRate);
        const runtime::FeatureMatrix& before = preview->before;
        const runtime::FeatureMatrix& after = output.features;
        if (before.frames > 0)
            beforeSpectrogram_->setFeatures(before.frames, before.bins, before.data, shift);
        else
            beforeSpectrogram_->clear();
        if (after.frames > 0) {
            afterSpectrogram_->setFeatures(after.frames, after.bins, after.data, shift);
            afterSpectrogram_->setMaskBands(bands);
        } else {
            afterSpectrogram_->clear();
        }
        // One colour range for both, so a level means the same on each side.
        if (beforeSpectrogram_->hasData() && afterSpectrogram_->hasData()) {
            const double lower = std::min(beforeSpectrogram_->dataLower(), afterSpectrogram_->dataLower());
            const double upper = std::max(beforeSpectrogram_->dataUpper(), afterSpectrogram_->dataUpper());
            beforeSpectrogram_->setColorRange(lower, upper);
            afterSpectrogram_->setColorRange(lower, upper);
        }
        for (PlotWidget* plot : std::initializer_list<PlotWidget*>{beforeWaveform_, afterWaveform_, beforeSpectrogram_,
                                                                 afterSpectrogram_}) {
            if (plot->hasData())
                plot->setXBounds(0.0, extent);
        }
    }
    source_ = std::move(source);
    preview_ = std::move(preview);
    sourcePath_ = sourcePath;
    extent_ = extent;
    if (zoomed && zoomUpper > zoomLower) {
        beforeWaveform_->resetXRange();
        beforeWaveform_->setXRange(zoomLower, zoomUpper);
        afterWaveform_->setXRange(zoomLower, zoomUpper);
    } else {
        beforeWaveform_->resetXRange();
    }
    // The linked plots follow the waveform; make sure all four show the same span.
    for (PlotWidget* plot : std::initializer_list<PlotWidget*>{afterWaveform_, beforeSpectrogram_, afterSpectrogram_})
        if (plot->hasData())
            plot->setXRange(beforeWaveform_->xLower(), beforeWaveform_->xUpper());

    if (player_->isPlaying() && playingAfter_)
        player_->stop();
    afterWavPath_.clear();
    playBeforeButton_->setEnabled(true);
    playAfterButton_->setEnabled(!output.samples.empty());
    updateTitles();
}

void BeforeAfterView::togglePlay(bool after)
{
    if (player_->isPlaying() && playingAfter_ == after) {
        player_->stop();
        return;
    }
    playerStatusLabel_->clear();
    if (!after) {
        if (sourcePath_.isEmpty())
            return;
        playingAfter_ = false;
        player_->play(sourcePath_);
        return;
    }
    if (!preview_)
        return;
    if (afterWavPath_.isEmpty()) {
        if (!tempDir_)
            tempDir_ = std::make_unique<QTemporaryDir>();
        // A new name per preview: the media backend may cache a file it played.
        static int counter = 0;
        const QString path = tempDir_->filePath(QStringLiteral("augmented-%1.wav").arg(++counter));
        try {
            audio::Audio audio;
            audio.sampleRate = preview_->result.output.sampleRate;
            audio.samples = preview_->result.output.samples;
            audio::writeWav(path.toStdString(), audio);
        } catch (const std::exception& error) {
            playerStatusLabel_->setText(QString::fromUtf8(error.what()));
            return;
        }
        afterWavPath_ = path;
    }
    playingAfter_ = true;
    player_->play(afterWavPath_);
}

void BeforeAfterView::onPlayerStateChanged()
{
    if (!player_->isPlaying()) {
        beforeWaveform_->setPlayhead(-1.0);
        afterWaveform_->setPlayhead(-1.0);
    }
    updateTitles();
}

} // namespace espalier::widgets
