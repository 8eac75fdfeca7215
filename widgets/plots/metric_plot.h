#pragma once
// One training metric against the optimiser step (loss, learning rate, loss scale, throughput, dev
// CER): a line that grows as points arrive, the latest value printed beside the plot, and the view
// following the newest step unless the user has zoomed into the past.
#include "widgets/plots/plot_widget.h"

#include <QVector>

namespace espalier::widgets {

class MetricPlot : public PlotWidget {
    Q_OBJECT
public:
    enum class ValueFormat { Plain, Percent };  // Percent: values are fractions, shown as %

    explicit MetricPlot(QWidget* parent = nullptr);
    ~MetricPlot() override;

    // The y label; the x label is "Step" unless set (a sensitivity curve's "Sparsity (%)").
    void setValueLabel(const QString& label);
    void setStepLabel(const QString& label);
    void setValueFormat(ValueFormat format);
    void setLogScale(bool on);
    // What the plot says while it has no points (default "No data yet").
    void setEmptyText(const QString& text);  // for values spanning decades (the fp16 loss scale)
    bool logScale() const { return logScale_; }

    void setPoints(const QVector<double>& steps, const QVector<double>& values);
    void addPoint(double step, double value);
    // A second, dashed grey line to compare against (the schedule's target sparsity).
    void setReferencePoints(const QVector<double>& steps, const QVector<double>& values);
    void addReferencePoint(double step, double value);
    // A third, orange line: what a run achieved against the schedule drawn above (empty: none).
    void setOverlayPoints(const QVector<double>& steps, const QVector<double>& values);
    int overlayPointCount() const { return overlaySteps_.size(); }
    // Points the user can drag (the schedule's begin and end): drawn as squares; dragging one emits
    // handleDragged with its new position (values as fractions under the Percent format) instead of
    // panning the view. Empty: none.
    void setHandles(const QVector<QPointF>& handles);

signals:
    void handleDragged(int index, double step, double value);

public:
    void clear() override;

    int pointCount() const { return steps_.size(); }
    const QVector<double>& steps() const { return steps_; }
    const QVector<double>& referenceSteps() const { return referenceSteps_; }
    double lastValue() const { return values_.isEmpty() ? 0.0 : values_.back(); }
    double lastStep() const { return steps_.isEmpty() ? 0.0 : steps_.back(); }

protected:
    void onXRangeChanged(double lower, double upper) override;
    void retranslate() override;

private:
    void refresh(bool followNewest);
    void fitValueAxis(double lower, double upper);
    QString formatValue(double value) const;

    QVector<double> steps_;
    QVector<double> values_;
    QVector<double> referenceSteps_;
    QVector<double> referenceValues_;
    QVector<double> overlaySteps_;
    QVector<double> overlayValues_;
    QVector<QPointF> handles_;
    int dragging_ = -1;
    QString valueLabel_;
    QString stepLabel_;
    QString emptyText_;
    ValueFormat format_ = ValueFormat::Plain;
    bool logScale_ = false;
    struct Items;
    Items* items_;  // owned by the QCustomPlot
};

} // namespace espalier::widgets
