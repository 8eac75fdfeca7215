#pragma once
// Time per layer as grouped bars, one colour per model (dense beside sparse): where a model spends
// its inference and which layers sparsity sped up.
#include "widgets/plots/plot_widget.h"

#include <QStringList>
#include <QVector>

namespace espalier::widgets {

class LayerBarPlot : public PlotWidget {
    Q_OBJECT
public:
    explicit LayerBarPlot(QWidget* parent = nullptr);
    ~LayerBarPlot() override;

    // values[s][l]: series s (a model) on layer l, in ms.
    void setBars(const QStringList& layers, const QStringList& series, const QVector<QVector<double>>& values);
    void clear() override;
    // The value axis's label and the text shown without bars (default: time per layer, in ms).
    void setValueLabel(const QString& label, const QString& emptyText);

    int layerCount() const { return layers_.size(); }
    int seriesCount() const { return series_.size(); }

protected:
    void retranslate() override;

private:
    QStringList layers_, series_;
    QString valueLabel_, emptyText_;
    struct Items;
    Items* items_;
};

} // namespace espalier::widgets
