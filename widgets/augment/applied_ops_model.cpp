#include "widgets/augment/applied_ops_model.h"

#include "widgets/augment/param_text.h"

#include <QApplication>
#include <QBrush>
#include <QFont>
#include <QPalette>

namespace espalier::widgets {

AppliedOpsModel::AppliedOpsModel(QObject* parent) : TableModel(parent) {}

void AppliedOpsModel::setRecords(std::vector<augment::AppliedOp> records, std::vector<bool> locked)
{
    beginResetModel();
    records_ = std::move(records);
    locked_ = std::move(locked);
    locked_.resize(records_.size(), false);
    endResetModel();
}

void AppliedOpsModel::clear()
{
    setRecords({}, {});
}

bool AppliedOpsModel::isLocked(int row) const
{
    return row >= 0 && row < int(locked_.size()) && locked_[size_t(row)];
}

int AppliedOpsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(records_.size());
}

int AppliedOpsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant AppliedOpsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const augment::AppliedOp& record = records_[size_t(index.row())];
    if (role == AppliedRole)
        return record.applied;
    if (role == TypeRole)
        return QString::fromStdString(record.type);
    if (role == Qt::ToolTipRole)
        return index.column() == Lock ? tr("Locked: this op re-applies the draw shown while the others draw anew")
                                      : AugmentText::details(record);
    if (role == Qt::ForegroundRole && !record.applied && index.column() != Lock)
        return QApplication::palette().brush(QPalette::Disabled, QPalette::Text);
    switch (index.column()) {
    case Lock:
        if (role == Qt::CheckStateRole)
            return isLocked(index.row()) ? Qt::Checked : Qt::Unchecked;
        break;
    case Op:
        if (role == Qt::DisplayRole)
            return QStringLiteral("%1. %2").arg(record.index + 1).arg(AugmentText::opName(record.type));
        break;
    case Draw:
        if (role == Qt::DisplayRole)
            return AugmentText::draw(record);
        if (role == Qt::FontRole && !record.applied) {
            QFont font = QApplication::font();
            font.setItalic(true);
            return font;
        }
        break;
    default:
        break;
    }
    return {};
}

bool AppliedOpsModel::setData(const QModelIndex& index, const QVariant& value, int role)
{
    if (!index.isValid() || index.column() != Lock || role != Qt::CheckStateRole || index.row() >= rowCount())
        return false;
    const bool lock = Qt::CheckState(value.toInt()) == Qt::Checked;
    if (lock == isLocked(index.row()))
        return true;
    locked_[size_t(index.row())] = lock;
    emit dataChanged(index, index, {Qt::CheckStateRole});
    emit lockToggled(index.row(), lock);
    return true;
}

Qt::ItemFlags AppliedOpsModel::flags(const QModelIndex& index) const
{
    Qt::ItemFlags flags = QAbstractTableModel::flags(index);
    if (index.isValid() && index.column() == Lock)
        flags |= Qt::ItemIsUserCheckable;
    return flags;
}

QVariant AppliedOpsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole && section == Lock)
        return tr("Lock an op to keep its draw while stepping through the others'");
    if (role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Lock:
        return tr("Lock");
    case Op:
        return tr("Op");
    case Draw:
        return tr("Drawn this time");
    default:
        return {};
    }
}

} // namespace espalier::widgets
