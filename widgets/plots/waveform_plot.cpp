#include "widgets/plots/waveform_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>

namespace espalier::widgets {

namespace {
constexpr size_t kBlock = 256;
} // namespace

struct WaveformPlot::Items {
    QCPGraph* upper = nullptr;   // the samples, or the envelope's maximum
    QCPGraph* lower = nullptr;   // the envelope's minimum (empty when not decimated)
    QCPItemStraightLine* playhead = nullptr;
};

WaveformPlot::WaveformPlot(QWidget* parent) : PlotWidget(parent), items_(new Items)
{
    QCustomPlot* plot = customPlot();
    const QColor colour(31, 119, 180);
    items_->lower = plot->addGraph();
    items_->lower->setPen(QPen(colour, 1));
    items_->upper = plot->addGraph();
    items_->upper->setPen(QPen(colour, 1));
    QColor fill = colour;
    fill.setAlpha(200);
    items_->upper->setBrush(fill);
    items_->upper->setChannelFillGraph(items_->lower);
    items_->upper->setAdaptiveSampling(false);
    items_->lower->setAdaptiveSampling(false);

    items_->playhead = new QCPItemStraightLine(plot);
    items_->playhead->setPen(QPen(QColor(214, 39, 40), 1.5));
    items_->playhead->setVisible(false);
    items_->playhead->setSelectable(false);

    plot->yAxis->setRange(-1.0, 1.0);
    // The axis rect learns its width during the replot's layout pass: re-decimate then, before
    // drawing, when the width the envelope was made for is out of date.
    connect(plot, &QCustomPlot::afterLayout, this, [this] {
        if (hasData() && columnCount() != envelopeColumns_)
            rebuildEnvelope(xLower(), xUpper());
    });
    retranslate();
    setHasData(false);
}

WaveformPlot::~WaveformPlot()
{
    delete items_;
}

void WaveformPlot::retranslate()
{
    setAxisLabels(tr("Time (s)"), tr("Amplitude"));
    setPlaceholderText(tr("No audio"));
}

double WaveformPlot::duration() const
{
    return sampleRate_ > 0 ? double(samples_.size()) / sampleRate_ : 0.0;
}

void WaveformPlot::setSamples(const std::vector<float>& samples, int sampleRate)
{
    samples_ = samples;
    adoptSamples(sampleRate);
}

void WaveformPlot::setSamples(std::vector<float>&& samples, int sampleRate)
{
    samples_ = std::move(samples);
    adoptSamples(sampleRate);
}

void WaveformPlot::adoptSamples(int sampleRate)
{
    if (sampleRate <= 0 || samples_.empty()) {
        clear();
        return;
    }
    sampleRate_ = sampleRate;
    const size_t blocks = (samples_.size() + kBlock - 1) / kBlock;
    blockMin_.assign(blocks, 0.0f);
    blockMax_.assign(blocks, 0.0f);
    float peak = 0.0f;
    for (size_t b = 0; b < blocks; ++b) {
        const auto first = samples_.begin() + std::ptrdiff_t(b * kBlock);
        const auto last = samples_.begin() + std::ptrdiff_t(std::min(samples_.size(), (b + 1) * kBlock));
        const auto [lo, hi] = std::minmax_element(first, last);
        blockMin_[b] = *lo;
        blockMax_[b] = *hi;
        peak = std::max({peak, std::abs(*lo), std::abs(*hi)});
    }
    // Symmetric around zero so silence sits in the middle; at least +-0.01 so noise is not magnified.
    const double yLimit = std::clamp(double(peak) * 1.1, 0.01, 1.1);
    customPlot()->yAxis->setRange(-yLimit, yLimit);

    setHasData(true);
    setXBounds(0.0, duration());
    const double lower = xLower();
    const double upper = xUpper();
    resetXRange();
    // resetXRange() rebuilds the envelope through onXRangeChanged unless the range was already right.
    if (xLower() == lower && xUpper() == upper)
        rebuildEnvelope(xLower(), xUpper());
    customPlot()->replot(QCustomPlot::rpQueuedReplot);
}

void WaveformPlot::clear()
{
    samples_.clear();
    samples_.shrink_to_fit();
    blockMin_.clear();
    blockMax_.clear();
    sampleRate_ = 0;
    envelope_ = {};
    items_->upper->data()->clear();
    items_->lower->data()->clear();
    items_->playhead->setVisible(false);
    customPlot()->yAxis->setRange(-1.0, 1.0);
    PlotWidget::clear();
}

void WaveformPlot::setPlayhead(double seconds)
{
    const bool visible = seconds >= 0.0 && hasData();
    items_->playhead->setVisible(visible);
    if (visible) {
        items_->playhead->point1->setCoords(seconds, -1.0);
        items_->playhead->point2->setCoords(seconds, 1.0);
    }
    customPlot()->replot(QCustomPlot::rpQueuedReplot);
}

int WaveformPlot::columnCount() const
{
    int pixels = axisRect()->width();
    if (pixels < 16)
        pixels = std::max(16, width() - 100);
    return pixels;
}

void WaveformPlot::onXRangeChanged(double lower, double upper)
{
    rebuildEnvelope(lower, upper);
}

void WaveformPlot::rebuildEnvelope(double lower, double upper)
{
    envelope_ = {};
    items_->upper->data()->clear();
    items_->lower->data()->clear();
    if (samples_.empty() || sampleRate_ <= 0)
        return;

    const double rate = sampleRate_;
    const size_t total = samples_.size();
    const auto first = size_t(std::clamp(std::floor(lower * rate), 0.0, double(total - 1)));
    const auto last = size_t(std::clamp(std::ceil(upper * rate) + 1.0, double(first + 1), double(total)));
    const size_t count = last - first;
    const auto columns = size_t(std::max(1, columnCount()));
    envelopeColumns_ = int(columns);

    if (count <= 2 * columns) {
        envelope_.time.reserve(count);
        for (size_t i = first; i < last; ++i) {
            envelope_.time.push_back(double(i) / rate);
            envelope_.minimum.push_back(samples_[i]);
            envelope_.maximum.push_back(samples_[i]);
        }
        items_->upper->setBrush(Qt::NoBrush);
        items_->upper->setData(QVector<double>(envelope_.time.begin(), envelope_.time.end()),
                               QVector<double>(envelope_.maximum.begin(), envelope_.maximum.end()), true);
        return;
    }

    envelope_.decimated = true;
    envelope_.time.reserve(columns);
    envelope_.minimum.reserve(columns);
    envelope_.maximum.reserve(columns);
    const double perColumn = double(count) / double(columns);
    const bool useBlocks = perColumn >= 4.0 * kBlock;
    for (size_t c = 0; c < columns; ++c) {
        size_t begin = first + size_t(double(c) * perColumn);
        size_t end = std::min(last, first + size_t(double(c + 1) * perColumn));
        if (end <= begin)
            continue;
        float lo = 0.0f;
        float hi = 0.0f;
        if (useBlocks) {
            // Whole blocks only: neighbouring columns may share a block (a fraction of a pixel),
            // but no sample is skipped.
            const size_t b0 = begin / kBlock;
            const size_t b1 = std::min(blockMin_.size(), (end + kBlock - 1) / kBlock);
            lo = *std::min_element(blockMin_.begin() + std::ptrdiff_t(b0), blockMin_.begin() + std::ptrdiff_t(b1));
            hi = *std::max_element(blockMax_.begin() + std::ptrdiff_t(b0), blockMax_.begin() + std::ptrdiff_t(b1));
        } else {
            const auto [l, h] = std::minmax_element(samples_.begin() + std::ptrdiff_t(begin),
                                                    samples_.begin() + std::ptrdiff_t(end));
            lo = *l;
            hi = *h;
        }
        envelope_.time.push_back(0.5 * double(begin + end) / rate);
        envelope_.minimum.push_back(lo);
        envelope_.maximum.push_back(hi);
    }
    QColor fill = items_->upper->pen().color();
    fill.setAlpha(200);
    items_->upper->setBrush(fill);
    const QVector<double> keys(envelope_.time.begin(), envelope_.time.end());
    items_->upper->setData(keys, QVector<double>(envelope_.maximum.begin(), envelope_.maximum.end()), true);
    items_->lower->setData(keys, QVector<double>(envelope_.minimum.begin(), envelope_.minimum.end()), true);
}

} // namespace espalier::widgets
