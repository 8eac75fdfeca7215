#pragma once
// The seed's per-device table (deploy::LatencyTable) as a table model: one row per input (test set or
// feature length), then per model its CER there and its median latency, and for each model after the
// first (the baseline) that latency as a fraction of the baseline's.
#include "core/deploy/latency_table.h"
#include "widgets/models/table_model.h"

#include <vector>

namespace espalier::widgets {

class LatencyTableModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Input, FixedColumnCount };  // then each model's columns
    enum ModelColumn { Cer, MedianMs, Ratio };

    explicit LatencyTableModel(QObject* parent = nullptr);

    void setTable(deploy::LatencyTable table);
    const deploy::LatencyTable& table() const { return table_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

private:
    struct Cell {
        int model;
        ModelColumn part;
    };
    deploy::LatencyTable table_;
    std::vector<Cell> columns_;  // after Input
};

} // namespace espalier::widgets
