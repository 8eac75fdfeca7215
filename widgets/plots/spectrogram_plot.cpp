#include "widgets/plots/spectrogram_plot.h"

#include <qcustomplot.h>

#include <QtGlobal>

#include <algorithm>
#include <limits>

namespace espalier::widgets {

namespace {
// Viridis (matplotlib), sampled at 11 points: perceptually uniform and readable in grey.
QCPColorGradient viridis()
{
    static const char* const stops[] = {"#440154", "#482475", "#414487", "#355f8d", "#2a788e", "#21918c",
                                        "#22a884", "#44bf70", "#7ad151", "#bddf26", "#fde725"};
    QCPColorGradient gradient;
    gradient.clearColorStops();
    const int count = int(std::size(stops));
    for (int i = 0; i < count; ++i)
        gradient.setColorStopAt(double(i) / (count - 1), QColor(stops[i]));
    gradient.setColorInterpolation(QCPColorGradient::ciRGB);
    return gradient;
}
} // namespace

struct SpectrogramPlot::Items {
    QCPColorMap* map = nullptr;
    QCPColorScale* scale = nullptr;
    std::vector<QCPItemRect*> bands;
};

SpectrogramPlot::SpectrogramPlot(QWidget* parent) : PlotWidget(parent), items_(new Items)
{
    QCustomPlot* plot = customPlot();
    items_->map = new QCPColorMap(plot->xAxis, plot->yAxis);
    items_->map->setInterpolate(false);
    items_->map->setTightBoundary(false);

    items_->scale = new QCPColorScale(plot);
    items_->scale->setType(QCPAxis::atRight);
    items_->scale->setBarWidth(12);
    items_->map->setColorScale(items_->scale);
    // After setColorScale, which hands the scale's gradient to the map.
    items_->scale->setGradient(viridis());
    items_->map->setGradient(viridis());
    setSideElement(items_->scale);
    // Line the scale's bar up with the map's axis rect.
    auto* group = new QCPMarginGroup(plot);
    axisRect()->setMarginGroup(QCP::msTop | QCP::msBottom, group);
    items_->scale->setMarginGroup(QCP::msTop | QCP::msBottom, group);

    plot->yAxis->setRange(-0.5, 79.5);
    retranslate();
    clear();
}

SpectrogramPlot::~SpectrogramPlot()
{
    delete items_;
}

void SpectrogramPlot::retranslate()
{
    setAxisLabels(tr("Time (s)"), tr("Mel bin"));
    items_->scale->axis()->setLabel(tr("Log energy"));
    setPlaceholderText(tr("No features"));
}

QSize SpectrogramPlot::mapSize() const
{
    return {items_->map->data()->keySize(), items_->map->data()->valueSize()};
}

void SpectrogramPlot::setFeatures(int frames, int bins, const std::vector<float>& rowMajor, double frameShiftSeconds)
{
    if (frames <= 0 || bins <= 0 || frameShiftSeconds <= 0.0 || rowMajor.size() != size_t(frames) * size_t(bins)) {
        qWarning("SpectrogramPlot::setFeatures: %d x %d features need %lld values, got %lld", frames, bins,
                 static_cast<long long>(frames) * bins, static_cast<long long>(rowMajor.size()));
        clear();
        return;
    }
    frames_ = frames;
    bins_ = bins;
    frameShiftSeconds_ = frameShiftSeconds;
    bands_.clear();
    drawMaskBands();
    const int pool = (frames + kMaxColumns - 1) / kMaxColumns;
    const int columns = (frames + pool - 1) / pool;
    const double columnSeconds = frameShiftSeconds * pool;

    QCPColorMapData* data = items_->map->data();
    data->setSize(columns, bins);
    data->setRange(QCPRange(0.5 * columnSeconds, (columns - 0.5) * columnSeconds), QCPRange(0.0, bins - 1.0));
    float lowest = std::numeric_limits<float>::max();
    float highest = std::numeric_limits<float>::lowest();
    for (int c = 0; c < columns; ++c) {
        const int f0 = c * pool;
        const int f1 = std::min(frames, f0 + pool);
        for (int b = 0; b < bins; ++b) {
            float value = std::numeric_limits<float>::lowest();
            for (int f = f0; f < f1; ++f)
                value = std::max(value, rowMajor[size_t(f) * size_t(bins) + size_t(b)]);
            data->setCell(c, b, value);
            lowest = std::min(lowest, value);
            highest = std::max(highest, value);
        }
    }
    dataLower_ = lowest;
    dataUpper_ = highest > lowest ? highest : lowest + 1.0;
    items_->map->setDataRange(QCPRange(dataLower_, dataUpper_));
    customPlot()->yAxis->setRange(-0.5, bins - 0.5);

    items_->scale->setVisible(true);
    setHasData(true);
    setXBounds(0.0, columns * columnSeconds);
    resetXRange();
    customPlot()->replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPlot::setColorRange(double lower, double upper)
{
    if (!(upper > lower))
        upper = lower + 1.0;
    items_->map->setDataRange(QCPRange(lower, upper));
    customPlot()->replot(QCustomPlot::rpQueuedReplot);
}

double SpectrogramPlot::colorLower() const
{
    return items_->map->dataRange().lower;
}

double SpectrogramPlot::colorUpper() const
{
    return items_->map->dataRange().upper;
}

void SpectrogramPlot::setMaskBands(const std::vector<MaskBand>& bands)
{
    bands_.clear();
    for (MaskBand band : bands) {
        const int limit = band.axis == MaskBand::Axis::Time ? frames_ : bins_;
        const int start = std::clamp(band.start, 0, limit);
        const int end = std::clamp(band.start + std::max(band.width, 0), 0, limit);
        if (end > start)
            bands_.push_back({band.axis, start, end - start});
    }
    drawMaskBands();
}

void SpectrogramPlot::drawMaskBands()
{
    QCustomPlot* plot = customPlot();
    for (QCPItemRect* rect : items_->bands)
        plot->removeItem(rect);
    items_->bands.clear();
    // Time masks orange, frequency masks white: both stand out on viridis, masked (dark) or not.
    const QColor timeColour(255, 152, 0);
    const QColor frequencyColour(255, 255, 255);
    const double seconds = frames_ * frameShiftSeconds_;
    for (const MaskBand& band : bands_) {
        const bool time = band.axis == MaskBand::Axis::Time;
        auto* rect = new QCPItemRect(plot);
        rect->setSelectable(false);
        rect->setClipToAxisRect(true);
        QColor colour = time ? timeColour : frequencyColour;
        rect->setPen(QPen(colour, 2.0, time ? Qt::SolidLine : Qt::DashLine));
        colour.setAlpha(30);
        rect->setBrush(colour);
        if (time) {
            rect->topLeft->setCoords(band.start * frameShiftSeconds_, bins_ - 0.5);
            rect->bottomRight->setCoords((band.start + band.width) * frameShiftSeconds_, -0.5);
        } else {
            rect->topLeft->setCoords(0.0, band.start + band.width - 0.5);
            rect->bottomRight->setCoords(seconds, band.start - 0.5);
        }
        items_->bands.push_back(rect);
    }
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void SpectrogramPlot::clear()
{
    frames_ = 0;
    bins_ = 0;
    bands_.clear();
    drawMaskBands();
    dataLower_ = 0.0;
    dataUpper_ = 0.0;
    items_->map->data()->clear();
    items_->scale->setVisible(false);  // its column stays, so the time axes still line up
    PlotWidget::clear();
}

} // namespace espalier::widgets
