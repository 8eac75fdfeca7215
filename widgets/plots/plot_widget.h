#pragma once
// Base of the workbench's plots: a QWidget that owns a QCustomPlot and takes plain data, so callers
// never include qcustomplot.h. Only the x axis pans and zooms (drag / wheel; double-click shows
// everything); stacked plots share a time axis through rangeChanged() -> setXRange().
#include <QWidget>

#include <memory>

class QCustomPlot;
class QCPAxisRect;
class QCPLayoutElement;

namespace espalier::widgets {

class PlotWidget : public QWidget {
    Q_OBJECT
public:
    explicit PlotWidget(QWidget* parent = nullptr);
    ~PlotWidget() override;

    void setAxisLabels(const QString& xLabel, const QString& yLabel);
    // Text shown in the middle of the plot while it has no data.
    void setPlaceholderText(const QString& text);
    QString placeholderText() const;

    double xLower() const;
    double xUpper() const;
    // The extent of the data: the x range is kept inside it and double-click returns to it.
    void setXBounds(double lower, double upper);
    bool hasData() const { return hasData_; }

    // Removes the data and shows the placeholder.
    virtual void clear();

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

public slots:
    // Shows [lower, upper] (clamped to the bounds); emits rangeChanged only when the range changes.
    void setXRange(double lower, double upper);
    // Shows the whole data extent.
    void resetXRange();

signals:
    void rangeChanged(double lower, double upper);

protected:
    QCustomPlot* customPlot() const;
    QCPAxisRect* axisRect() const;
    // Puts element in the fixed-width column to the right of the axis rect (a colour scale); every
    // plot has that column, so the time axes of stacked plots line up.
    void setSideElement(QCPLayoutElement* element);
    void setHasData(bool hasData);
    // Called after the visible x range changed (by the user or by setXRange), before the replot.
    virtual void onXRangeChanged(double lower, double upper) {}
    // Re-sets translated strings (axis labels); called on QEvent::LanguageChange.
    virtual void retranslate() {}
    void changeEvent(QEvent* event) override;

private:
    struct Impl;
    std::unique_ptr<Impl> d_;
    bool hasData_ = false;
};

} // namespace espalier::widgets
