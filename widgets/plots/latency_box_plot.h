#pragma once
// Latency distributions side by side, one box per model (Tukey's: quartiles, median, whiskers to the
// farthest sample within 1.5 IQR, outliers as dots) — how a device benchmark's dense and sparse runs
// compare, updated as samples stream in.
#include "widgets/plots/plot_widget.h"

#include <QStringList>
#include <QVector>

namespace espalier::widgets {

// The five numbers of a box and its outliers.
struct BoxStats {
    double whiskerLow = 0.0, lowerQuartile = 0.0, median = 0.0, upperQuartile = 0.0, whiskerHigh = 0.0;
    QVector<double> outliers;
};
BoxStats boxStats(QVector<double> samples);  // empty samples: all zero

class LatencyBoxPlot : public PlotWidget {
    Q_OBJECT
public:
    explicit LatencyBoxPlot(QWidget* parent = nullptr);
    ~LatencyBoxPlot() override;

    // One box per label (samples in ms); a label with no samples keeps its place, empty.
    void setDistributions(const QStringList& labels, const QVector<QVector<double>>& samples);
    void clear() override;

    int boxCount() const { return labels_.size(); }
    const BoxStats& stats(int box) const { return stats_.at(box); }

protected:
    void retranslate() override;

private:
    QStringList labels_;
    QVector<BoxStats> stats_;
    struct Items;
    Items* items_;
};

} // namespace espalier::widgets
