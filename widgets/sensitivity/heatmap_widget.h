#pragma once
// The sensitivity heatmap: rows (tensors, groups, channel groups or blocks) grouped and labelled by
// block and role, levels as columns, each cell coloured by the chosen metric on a diverging scale
// centred on zero for the deltas (blue below, red above) and a sequential one for KL and latency
// gain; the 95th percentile of |value| saturates it. Cells fill in as they are computed; hovering shows every number of the cell; clicking a row
// selects it; an allocation's chosen sparsity is drawn as a black mark on every row. Paints only
// the rows in view, so 500 rows × 20 levels scroll, hover and recolour smoothly.
#include "core/analysis/sensitivity_result.h"

#include <QWidget>

#include <vector>

namespace espalier::widgets {

class HeatmapWidget : public QWidget {
    Q_OBJECT
public:
    enum class Metric { DeltaLoss, Kl, DeltaCer, LatencyGain, Magnitude };
    Q_ENUM(Metric)

    explicit HeatmapWidget(QWidget* parent = nullptr);

    void setResult(const analysis::SensitivityResult& result);
    const analysis::SensitivityResult& result() const { return result_; }
    // One computed cell, from the running analysis: the row by name (appended when new).
    void setCell(const QString& row, int level, const analysis::SensitivityCell& cell);
    void setMetric(Metric metric);
    Metric metric() const { return metric_; }
    // Per row, the sparsity an allocation chose (empty: none drawn).
    void setChosen(const std::vector<double>& sparsity);
    void setSelectedRow(int row);
    int selectedRow() const { return selected_; }

    // What a cell shows: its value under the metric (NaN when it has none), colour and tooltip.
    double value(int row, int level) const;
    QColor color(int row, int level) const;
    QString toolTipText(int row, int level) const;
    QRect cellRect(int row, int level) const;
    QString rowLabel(int row) const;
    static QString metricName(Metric metric);

    QSize sizeHint() const override;

signals:
    void rowClicked(int row);

protected:
    void paintEvent(QPaintEvent* event) override;
    bool event(QEvent* event) override;
    void mousePressEvent(QMouseEvent* event) override;

private:
    void rescale();
    int labelWidth() const;
    int rowAt(int y) const;
    int levelAt(int x) const;

    analysis::SensitivityResult result_;
    Metric metric_ = Metric::DeltaLoss;
    std::vector<double> chosen_;
    double scale_ = 1.0;  // |value| that saturates the colour (the 95th percentile)
    int selected_ = -1;
    int rowHeight_ = 16;
    int cellWidth_ = 44;
    int headerHeight_ = 22;
};

} // namespace espalier::widgets
