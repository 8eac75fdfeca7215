#include "widgets/models/latency_table_model.h"

#include "widgets/models/run_table_model.h"

#include <QColor>

namespace espalier::widgets {

LatencyTableModel::LatencyTableModel(QObject* parent) : TableModel(parent) {}

void LatencyTableModel::setTable(deploy::LatencyTable table)
{
    beginResetModel();
    table_ = std::move(table);
    columns_.clear();
    for (int m = 0; m < int(table_.models.size()); ++m) {
        columns_.push_back({m, Cer});
        columns_.push_back({m, MedianMs});
        if (m > 0)
            columns_.push_back({m, Ratio});
    }
    endResetModel();
}

int LatencyTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(table_.inputs.size());
}

int LatencyTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FixedColumnCount + int(columns_.size());
}

QVariant LatencyTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(table_.inputs.size()))
        return {};
    const int column = index.column();
    if (column == Input)
        return role == Qt::DisplayRole ? QString::fromStdString(table_.inputs[size_t(index.row())]) : QVariant();
    if (column - FixedColumnCount >= int(columns_.size()))
        return {};
    const auto [model, part] = columns_[size_t(column - FixedColumnCount)];
    const deploy::LatencyCell& c = table_.cells[size_t(index.row())][size_t(model)];
    if (role == Qt::TextAlignmentRole)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && part == MedianMs && c.samples > 0)
        return tr("median of %1 samples; p90 %2 ms").arg(c.samples).arg(c.p90Ms, 0, 'f', 2);
    if (role == Qt::ForegroundRole && part == Ratio && c.ratio)
        return *c.ratio < 1.0 ? QColor(30, 130, 60) : QColor(180, 50, 40);
    if (role != Qt::DisplayRole)
        return {};
    switch (part) {
    case Cer: return c.cer ? formatCer(*c.cer) : QStringLiteral("—");
    case MedianMs: return c.samples > 0 ? QString::number(c.medianMs, 'f', 2) : QStringLiteral("—");
    case Ratio: return c.ratio ? QStringLiteral("%1×").arg(*c.ratio, 0, 'f', 2) : QStringLiteral("—");
    }
    return {};
}

QVariant LatencyTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    if (section == Input)
        return tr("Input");
    if (section - FixedColumnCount >= int(columns_.size()))
        return {};
    const auto [model, part] = columns_[size_t(section - FixedColumnCount)];
    const QString name = QString::fromStdString(table_.models[size_t(model)]);
    switch (part) {
    case Cer: return tr("%1 CER").arg(name);
    case MedianMs: return tr("%1 ms").arg(name);
    case Ratio: return tr("%1 vs %2").arg(name, QString::fromStdString(table_.models.front()));
    }
    return {};
}

} // namespace espalier::widgets
