#include "widgets/plots/plot_widget.h"

#include <qcustomplot.h>

#include <QEvent>
#include <QVBoxLayout>

#include <algorithm>
#include <cmath>

namespace espalier::widgets {

namespace {
// Fixed so that the axis rects of stacked plots start and end at the same x.
constexpr int kLeftMargin = 64;
constexpr int kRightMargin = 10;
constexpr int kSideColumnWidth = 90;
} // namespace

struct PlotWidget::Impl {
    QCustomPlot* plot = nullptr;
    QCPLayoutGrid* sideColumn = nullptr;  // fixed width, holds side
    QCPLayoutElement* side = nullptr;
    QCPItemText* placeholder = nullptr;
    double boundLower = 0.0;
    double boundUpper = 0.0;
    bool bounded = false;
    bool adjusting = false;

    QCPRange clamp(QCPRange range) const
    {
        if (!bounded)
            return range;
        const double span = boundUpper - boundLower;
        if (range.size() >= span)
            return QCPRange(boundLower, boundUpper);
        if (range.lower < boundLower)
            range = QCPRange(boundLower, boundLower + range.size());
        if (range.upper > boundUpper)
            range = QCPRange(boundUpper - range.size(), boundUpper);
        return range;
    }
};

PlotWidget::PlotWidget(QWidget* parent) : QWidget(parent), d_(std::make_unique<Impl>())
{
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    d_->plot = new QCustomPlot(this);
    d_->plot->setObjectName("customPlot");
    layout->addWidget(d_->plot);

    QCustomPlot* plot = d_->plot;
    plot->setInteractions(QCP::iRangeDrag | QCP::iRangeZoom);
    plot->setNoAntialiasingOnDrag(true);
    plot->setPlottingHint(QCP::phFastPolylines, true);
    QCPAxisRect* rect = plot->axisRect();
    rect->setRangeDrag(Qt::Horizontal);
    rect->setRangeZoom(Qt::Horizontal);
    rect->setAutoMargins(QCP::msTop | QCP::msBottom);
    rect->setMargins(QMargins(kLeftMargin, 0, kRightMargin, 0));
    plot->xAxis->setRange(0.0, 1.0);
    // The side column has a fixed outer width whatever it holds (a colour scale sizes itself).
    QCPLayoutGrid* grid = plot->plotLayout();
    grid->setColumnSpacing(0);
    d_->sideColumn = new QCPLayoutGrid;
    d_->sideColumn->setSizeConstraintRect(QCPLayoutElement::scrOuterRect);
    d_->sideColumn->setMinimumSize(kSideColumnWidth, 0);
    d_->sideColumn->setMaximumSize(kSideColumnWidth, QWIDGETSIZE_MAX);
    grid->addElement(0, 1, d_->sideColumn);
    grid->setColumnStretchFactor(0, 1.0);
    grid->setColumnStretchFactor(1, 0.001);
    // An empty grid would cap the row height; an empty element does not.
    setSideElement(new QCPLayoutElement(plot));

    d_->placeholder = new QCPItemText(plot);
    d_->placeholder->position->setType(QCPItemPosition::ptAxisRectRatio);
    d_->placeholder->position->setCoords(0.5, 0.5);
    d_->placeholder->setPositionAlignment(Qt::AlignCenter);
    d_->placeholder->setColor(palette().color(QPalette::Disabled, QPalette::Text));
    d_->placeholder->setSelectable(false);

    connect(plot->xAxis, qOverload<const QCPRange&>(&QCPAxis::rangeChanged), this, [this](const QCPRange& range) {
        if (d_->adjusting)
            return;
        const QCPRange clamped = d_->clamp(range);
        if (clamped != range) {
            d_->adjusting = true;
            d_->plot->xAxis->setRange(clamped);
            d_->adjusting = false;
        }
        onXRangeChanged(clamped.lower, clamped.upper);
        d_->plot->replot(QCustomPlot::rpQueuedReplot);
        emit rangeChanged(clamped.lower, clamped.upper);
    });
    connect(plot, &QCustomPlot::mouseDoubleClick, this, [this] { resetXRange(); });
}

PlotWidget::~PlotWidget() = default;

QCustomPlot* PlotWidget::customPlot() const
{
    return d_->plot;
}

QCPAxisRect* PlotWidget::axisRect() const
{
    return d_->plot->axisRect();
}

void PlotWidget::setSideElement(QCPLayoutElement* element)
{
    if (d_->side) {
        d_->sideColumn->take(d_->side);
        delete d_->side;
    }
    d_->side = element;
    d_->sideColumn->addElement(0, 0, element);
}

void PlotWidget::setAxisLabels(const QString& xLabel, const QString& yLabel)
{
    d_->plot->xAxis->setLabel(xLabel);
    d_->plot->yAxis->setLabel(yLabel);
    d_->plot->replot(QCustomPlot::rpQueuedReplot);
}

void PlotWidget::setPlaceholderText(const QString& text)
{
    d_->placeholder->setText(text);
    d_->plot->replot(QCustomPlot::rpQueuedReplot);
}

QString PlotWidget::placeholderText() const
{
    return d_->placeholder->text();
}

double PlotWidget::xLower() const
{
    return d_->plot->xAxis->range().lower;
}

double PlotWidget::xUpper() const
{
    return d_->plot->xAxis->range().upper;
}

void PlotWidget::setXBounds(double lower, double upper)
{
    if (!(upper > lower))
        upper = lower + 1.0;
    d_->boundLower = lower;
    d_->boundUpper = upper;
    d_->bounded = true;
}

void PlotWidget::setXRange(double lower, double upper)
{
    if (!(upper > lower))
        return;
    const QCPRange target = d_->clamp(QCPRange(lower, upper));
    const QCPRange current = d_->plot->xAxis->range();
    const double tolerance = 1e-9 * std::max(1.0, std::abs(target.size()));
    if (std::abs(current.lower - target.lower) <= tolerance && std::abs(current.upper - target.upper) <= tolerance)
        return;
    d_->plot->xAxis->setRange(target);
}

void PlotWidget::resetXRange()
{
    if (d_->bounded)
        setXRange(d_->boundLower, d_->boundUpper);
}

void PlotWidget::clear()
{
    d_->bounded = false;
    setHasData(false);
}

void PlotWidget::setHasData(bool hasData)
{
    hasData_ = hasData;
    d_->placeholder->setVisible(!hasData);
    d_->plot->replot(QCustomPlot::rpQueuedReplot);
}

QSize PlotWidget::sizeHint() const
{
    return {560, 220};
}

QSize PlotWidget::minimumSizeHint() const
{
    return {240, 120};
}

void PlotWidget::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    else if (event->type() == QEvent::PaletteChange)
        d_->placeholder->setColor(palette().color(QPalette::Disabled, QPalette::Text));
    QWidget::changeEvent(event);
}

} // namespace espalier::widgets
