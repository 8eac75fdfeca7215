#include "plots/spectrogram_plot.h"

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

void SpectrogramPlot::clear()
{
    frames_ = 0;
    bins_ = 0;
    dataLower_ = 0.0;
    dataUpper_ = 0.0;
    items_->map->data()->clear();
    items_->scale->setVisible(false);  // its column stays, so the time axes still line up
    PlotWidget::clear();
}

} // namespace espalier::widgets
