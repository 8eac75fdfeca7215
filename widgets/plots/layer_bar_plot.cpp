#include "widgets/plots/layer_bar_plot.h"

#include <qcustomplot.h>

#include <algorithm>

namespace espalier::widgets {

namespace {

QColor seriesColour(int i)
{
    static const QColor colours[] = {QColor(70, 110, 170), QColor(214, 120, 40), QColor(60, 150, 90),
                                     QColor(160, 80, 160), QColor(180, 60, 60), QColor(110, 110, 110)};
    return colours[i % 6];
}

} // namespace

struct LayerBarPlot::Items {
    QCPBarsGroup* group = nullptr;
    QVector<QCPBars*> bars;
};

LayerBarPlot::LayerBarPlot(QWidget* parent) : PlotWidget(parent), items_(new Items)
{
    items_->group = new QCPBarsGroup(customPlot());
    items_->group->setSpacingType(QCPBarsGroup::stAbsolute);
    items_->group->setSpacing(1);
    customPlot()->legend->setVisible(false);
    customPlot()->legend->setBrush(QColor(255, 255, 255, 210));
    customPlot()->axisRect()->insetLayout()->setInsetAlignment(0, Qt::AlignTop | Qt::AlignRight);
    retranslate();
    clear();
}

LayerBarPlot::~LayerBarPlot()
{
    delete items_;
}

void LayerBarPlot::retranslate()
{
    setAxisLabels(QString(), valueLabel_.isEmpty() ? tr("ms per inference") : valueLabel_);
    setPlaceholderText(emptyText_.isEmpty() ? tr("The time per layer appears after a benchmark") : emptyText_);
}

void LayerBarPlot::setValueLabel(const QString& label, const QString& emptyText)
{
    valueLabel_ = label;
    emptyText_ = emptyText;
    retranslate();
}

void LayerBarPlot::clear()
{
    for (QCPBars* b : items_->bars) {
        items_->group->remove(b);
        customPlot()->removePlottable(b);
    }
    items_->bars.clear();
    layers_.clear();
    series_.clear();
    customPlot()->legend->setVisible(false);
    PlotWidget::clear();
}

void LayerBarPlot::setBars(const QStringList& layers, const QStringList& series, const QVector<QVector<double>>& values)
{
    clear();
    layers_ = layers;
    series_ = series;
    QCustomPlot* plot = customPlot();
    QSharedPointer<QCPAxisTickerText> ticker(new QCPAxisTickerText);
    QVector<double> keys;
    for (int l = 0; l < layers.size(); ++l) {
        ticker->addTick(l, layers[l]);
        keys.append(l);
    }
    const double width = 0.8 / std::max<qsizetype>(1, series.size());
    double top = 0.0;
    for (int s = 0; s < series.size(); ++s) {
        auto* bars = new QCPBars(plot->xAxis, plot->yAxis);
        bars->setName(series[s]);
        bars->setWidth(width);
        const QColor c = seriesColour(s);
        bars->setPen(QPen(c.darker(130)));
        bars->setBrush(c);
        const QVector<double> v = s < values.size() ? values[s] : QVector<double>(layers.size(), 0.0);
        bars->setData(keys, v.mid(0, layers.size()));
        items_->group->append(bars);
        items_->bars.append(bars);
        for (const double x : v)
            top = std::max(top, x);
    }
    plot->xAxis->setTicker(ticker);
    plot->xAxis->setTickLabelRotation(layers.size() > 6 ? 40 : 0);
    plot->xAxis->setSubTicks(false);
    plot->yAxis->setRange(0.0, top > 0 ? top * 1.12 : 1.0);
    plot->legend->setVisible(series.size() > 1);
    setXBounds(-0.6, double(layers.size()) - 0.4);
    resetXRange();
    setHasData(!layers.isEmpty() && !series.isEmpty());
}

} // namespace espalier::widgets
