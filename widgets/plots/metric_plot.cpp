#include "widgets/plots/metric_plot.h"

#include <qcustomplot.h>

#include <algorithm>
#include <cmath>
#include <limits>

namespace espalier::widgets {

struct MetricPlot::Items {
    QCPGraph* line = nullptr;
    QCPGraph* reference = nullptr;
    QCPGraph* overlay = nullptr;
    QCPGraph* handles = nullptr;
    QCPTextElement* latest = nullptr;  // in the side column
};

MetricPlot::MetricPlot(QWidget* parent) : PlotWidget(parent), items_(new Items)
{
    QCustomPlot* plot = customPlot();
    items_->reference = plot->addGraph();
    items_->reference->setPen(QPen(QColor(120, 120, 120), 1.2, Qt::DashLine));
    items_->overlay = plot->addGraph();
    items_->overlay->setPen(QPen(QColor(230, 120, 20), 1.3));
    items_->line = plot->addGraph();
    items_->line->setPen(QPen(QColor(31, 119, 180), 1.5));
    items_->handles = plot->addGraph();
    items_->handles->setLineStyle(QCPGraph::lsNone);
    items_->handles->setScatterStyle(QCPScatterStyle(QCPScatterStyle::ssSquare, QColor(31, 119, 180), Qt::white, 9));
    // Dragging a handle moves it instead of panning.
    connect(plot, &QCustomPlot::mousePress, this, [this, plot](QMouseEvent* event) {
        dragging_ = -1;
        const double factor = format_ == ValueFormat::Percent ? 100.0 : 1.0;
        for (int i = 0; i < handles_.size(); ++i) {
            const double px = plot->xAxis->coordToPixel(handles_[i].x());
            const double py = plot->yAxis->coordToPixel(handles_[i].y() * factor);
            if (std::hypot(px - event->position().x(), py - event->position().y()) <= 8.0)
                dragging_ = i;
        }
        plot->setInteraction(QCP::iRangeDrag, dragging_ < 0);
    });
    connect(plot, &QCustomPlot::mouseMove, this, [this, plot](QMouseEvent* event) {
        if (dragging_ < 0 || !(event->buttons() & Qt::LeftButton))
            return;
        const double factor = format_ == ValueFormat::Percent ? 100.0 : 1.0;
        emit handleDragged(dragging_, plot->xAxis->pixelToCoord(event->position().x()),
                           plot->yAxis->pixelToCoord(event->position().y()) / factor);
    });
    connect(plot, &QCustomPlot::mouseRelease, this, [this, plot] {
        dragging_ = -1;
        plot->setInteraction(QCP::iRangeDrag, true);
    });
    items_->line->setAdaptiveSampling(true);
    items_->latest = new QCPTextElement(plot, QString(), QFont(font().family(), font().pointSize() + 1, QFont::Bold));
    items_->latest->setTextColor(QColor(31, 119, 180));
    // A text element caps its row's height at the text's; an empty element under it takes the rest.
    auto* side = new QCPLayoutGrid;
    side->addElement(0, 0, items_->latest);
    side->addElement(1, 0, new QCPLayoutElement(plot));
    side->setRowStretchFactor(0, 0.001);
    side->setRowStretchFactor(1, 1.0);
    setSideElement(side);
    retranslate();
    setHasData(false);
}

MetricPlot::~MetricPlot()
{
    delete items_;
}

void MetricPlot::retranslate()
{
    setAxisLabels(stepLabel_.isEmpty() ? tr("Step") : stepLabel_, valueLabel_);
    setPlaceholderText(emptyText_.isEmpty() ? tr("No data yet") : emptyText_);
}

void MetricPlot::setStepLabel(const QString& label)
{
    stepLabel_ = label;
    retranslate();
}

void MetricPlot::setEmptyText(const QString& text)
{
    emptyText_ = text;
    retranslate();
}

void MetricPlot::setValueLabel(const QString& label)
{
    valueLabel_ = label;
    retranslate();
}

void MetricPlot::setValueFormat(ValueFormat format)
{
    format_ = format;
    refresh(false);
}

void MetricPlot::setLogScale(bool on)
{
    logScale_ = on;
    QCPAxis* y = customPlot()->yAxis;
    y->setScaleType(on ? QCPAxis::stLogarithmic : QCPAxis::stLinear);
    if (on)
        y->setTicker(QSharedPointer<QCPAxisTickerLog>(new QCPAxisTickerLog));
    else
        y->setTicker(QSharedPointer<QCPAxisTicker>(new QCPAxisTicker));
    refresh(false);
}

void MetricPlot::setPoints(const QVector<double>& steps, const QVector<double>& values)
{
    steps_ = steps;
    values_ = values;
    values_.resize(steps_.size());
    refresh(true);
}

void MetricPlot::addPoint(double step, double value)
{
    // Follow the newest point only when the whole run is in view (the user has not zoomed in).
    const bool following = steps_.isEmpty() || xUpper() >= steps_.back() - 1e-9;
    steps_.push_back(step);
    values_.push_back(value);
    refresh(following);
}

void MetricPlot::setReferencePoints(const QVector<double>& steps, const QVector<double>& values)
{
    referenceSteps_ = steps;
    referenceValues_ = values;
    referenceValues_.resize(referenceSteps_.size());
    refresh(false);
}

void MetricPlot::addReferencePoint(double step, double value)
{
    referenceSteps_.push_back(step);
    referenceValues_.push_back(value);
    refresh(false);
}

void MetricPlot::setOverlayPoints(const QVector<double>& steps, const QVector<double>& values)
{
    overlaySteps_ = steps;
    overlayValues_ = values;
    overlayValues_.resize(overlaySteps_.size());
    refresh(true);  // a whole new series: show all of it
}

void MetricPlot::setHandles(const QVector<QPointF>& handles)
{
    handles_ = handles;
    refresh(false);
}

void MetricPlot::clear()
{
    handles_.clear();
    items_->handles->data()->clear();
    steps_.clear();
    values_.clear();
    referenceSteps_.clear();
    referenceValues_.clear();
    overlaySteps_.clear();
    overlayValues_.clear();
    items_->line->data()->clear();
    items_->reference->data()->clear();
    items_->overlay->data()->clear();
    items_->latest->setText(QString());
    PlotWidget::clear();
}

QString MetricPlot::formatValue(double value) const
{
    if (format_ == ValueFormat::Percent)
        return QString::number(100.0 * value, 'f', 2) + " %";
    const double magnitude = std::abs(value);
    if (magnitude != 0.0 && (magnitude < 1e-2 || magnitude >= 1e5))
        return QString::number(value, 'g', 3);
    return QString::number(value, 'f', magnitude < 10.0 ? 3 : 1);
}

void MetricPlot::refresh(bool followNewest)
{
    QCustomPlot* plot = customPlot();
    const double factor = format_ == ValueFormat::Percent ? 100.0 : 1.0;
    auto scaled = [factor](QVector<double> values) {
        for (double& v : values)
            v *= factor;
        return values;
    };
    items_->line->setData(steps_, scaled(values_), true);
    items_->reference->setData(referenceSteps_, scaled(referenceValues_), true);
    items_->overlay->setData(overlaySteps_, scaled(overlayValues_), true);
    QVector<double> handleSteps, handleValues;
    for (const QPointF& h : handles_) {
        handleSteps << h.x();
        handleValues << h.y();
    }
    items_->handles->setData(handleSteps, scaled(handleValues), true);
    if (steps_.isEmpty()) {
        PlotWidget::clear();
        return;
    }
    items_->latest->setText(formatValue(values_.back()));
    const double first = std::min(0.0, steps_.front());
    double last = std::max(steps_.back(), first + 1.0);
    if (!overlaySteps_.isEmpty())
        last = std::max(last, overlaySteps_.back());
    setXBounds(first, last);
    if (followNewest || !hasData())
        setXRange(first, last);
    setHasData(true);
    fitValueAxis(xLower(), xUpper());
    plot->replot(QCustomPlot::rpQueuedReplot);
}

void MetricPlot::onXRangeChanged(double lower, double upper)
{
    fitValueAxis(lower, upper);
}

// The y range of the points in [lower, upper], with a margin; positive values only on a log axis.
void MetricPlot::fitValueAxis(double lower, double upper)
{
    const double factor = format_ == ValueFormat::Percent ? 100.0 : 1.0;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    auto include = [&](const QVector<double>& steps, const QVector<double>& values) {
        for (int i = 0; i < steps.size(); ++i) {
            const double v = values[i] * factor;
            if (steps[i] < lower || steps[i] > upper || !std::isfinite(v) || (logScale_ && v <= 0.0))
                continue;
            lo = std::min(lo, v);
            hi = std::max(hi, v);
        }
    };
    include(steps_, values_);
    include(referenceSteps_, referenceValues_);
    include(overlaySteps_, overlayValues_);
    if (!std::isfinite(lo))
        return;
    QCPAxis* y = customPlot()->yAxis;
    if (logScale_) {
        y->setRange(lo / 2.0, hi * 2.0);
    } else {
        const double margin = hi > lo ? 0.06 * (hi - lo) : std::max(1e-9, 0.1 * std::abs(hi));
        y->setRange(format_ == ValueFormat::Percent || lo >= 0.0 ? std::max(0.0, lo - margin) : lo - margin, hi + margin);
    }
}

} // namespace espalier::widgets
