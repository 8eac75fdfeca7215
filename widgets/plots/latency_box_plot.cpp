#include "widgets/plots/latency_box_plot.h"

#include <qcustomplot.h>

#include <algorithm>

namespace espalier::widgets {

namespace {

double quantile(const QVector<double>& sorted, double q)
{
    const double at = q * double(sorted.size() - 1);
    const int lo = int(at);
    const int hi = std::min(lo + 1, int(sorted.size()) - 1);
    return sorted[lo] + (sorted[hi] - sorted[lo]) * (at - lo);
}

// A distinct colour per box, the first (the baseline) grey-blue like the Train page's curves.
QColor boxColour(int i)
{
    static const QColor colours[] = {QColor(70, 110, 170), QColor(214, 120, 40), QColor(60, 150, 90),
                                     QColor(160, 80, 160), QColor(180, 60, 60), QColor(110, 110, 110)};
    return colours[i % 6];
}

} // namespace

BoxStats boxStats(QVector<double> samples)
{
    BoxStats s;
    if (samples.isEmpty())
        return s;
    std::sort(samples.begin(), samples.end());
    s.lowerQuartile = quantile(samples, 0.25);
    s.median = quantile(samples, 0.5);
    s.upperQuartile = quantile(samples, 0.75);
    const double reach = 1.5 * (s.upperQuartile - s.lowerQuartile);
    s.whiskerLow = s.lowerQuartile;
    s.whiskerHigh = s.upperQuartile;
    for (const double v : samples) {
        if (v < s.lowerQuartile - reach || v > s.upperQuartile + reach)
            s.outliers.append(v);
        else {
            s.whiskerLow = std::min(s.whiskerLow, v);
            s.whiskerHigh = std::max(s.whiskerHigh, v);
        }
    }
    return s;
}

struct LatencyBoxPlot::Items {
    QVector<QCPStatisticalBox*> boxes;
};

LatencyBoxPlot::LatencyBoxPlot(QWidget* parent) : PlotWidget(parent), items_(new Items)
{
    customPlot()->setInteractions(QCP::Interactions());
    retranslate();
    clear();
}

LatencyBoxPlot::~LatencyBoxPlot()
{
    delete items_;
}

void LatencyBoxPlot::retranslate()
{
    setAxisLabels(QString(), tr("Latency (ms)"));
    setPlaceholderText(tr("No benchmark yet: pick a device and models, then Run"));
}

void LatencyBoxPlot::clear()
{
    for (QCPStatisticalBox* b : items_->boxes)
        customPlot()->removePlottable(b);
    items_->boxes.clear();
    labels_.clear();
    stats_.clear();
    PlotWidget::clear();
}

void LatencyBoxPlot::setDistributions(const QStringList& labels, const QVector<QVector<double>>& samples)
{
    clear();
    QCustomPlot* plot = customPlot();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    double low = 0.0, high = 0.0;
    bool any = false;
    for (int i = 0; i < labels.size(); ++i) {
        const QVector<double> data = i < samples.size() ? samples[i] : QVector<double>{};
        const BoxStats s = boxStats(data);
        labels_.append(labels[i]);
        stats_.append(s);
        ticker->addTick(i, labels[i] + (data.isEmpty() ? QString() : QStringLiteral("\n%1 ms").arg(s.median, 0, 'f', 2)));
        if (data.isEmpty())
            continue;
        auto* box = new QCPStatisticalBox(plot->xAxis, plot->yAxis);
        box->setName(labels[i]);
        const QColor c = boxColour(i);
        box->setPen(QPen(c.darker(130), 1.2));
        box->setBrush(QColor(c.red(), c.green(), c.blue(), 90));
        box->setMedianPen(QPen(c.darker(160), 2.0));
        box->setWidth(0.5);
        box->setOutlierStyle(QCPScatterStyle(QCPScatterStyle::ssCircle, c.darker(130), 4));
        box->addData(i, s.whiskerLow, s.lowerQuartile, s.median, s.upperQuartile, s.whiskerHigh, s.outliers);
        items_->boxes.append(box);
        const double lo = s.outliers.isEmpty() ? s.whiskerLow : std::min(s.whiskerLow, *std::min_element(s.outliers.begin(), s.outliers.end()));
        const double hi = s.outliers.isEmpty() ? s.whiskerHigh : std::max(s.whiskerHigh, *std::max_element(s.outliers.begin(), s.outliers.end()));
        low = any ? std::min(low, lo) : lo;
        high = any ? std::max(high, hi) : hi;
        any = true;
    }
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setSubTicks(false);
    plot->xAxis->setTickLength(0, 4);
    const double pad = std::max(0.05 * (high - low), 0.01 * std::max(1.0, high));
    plot->yAxis->setRange(std::max(0.0, low - pad), high + pad);
    setXBounds(-0.6, double(labels.size()) - 0.4);
    resetXRange();
    setHasData(any);
}

} // namespace espalier::widgets
