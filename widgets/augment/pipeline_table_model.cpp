#include "widgets/augment/pipeline_table_model.h"

#include "widgets/augment/param_text.h"

#include <QLocale>

namespace espalier::widgets {

PipelineTableModel::PipelineTableModel(QObject* parent) : TableModel(parent) {}

void PipelineTableModel::setPipeline(const augment::Pipeline& pipeline)
{
    beginResetModel();
    pipeline_ = pipeline;
    endResetModel();
}

int PipelineTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(pipeline_.size());
}

int PipelineTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant PipelineTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const augment::Op& op = pipeline_.op(size_t(index.row()));
    const QString type = QString::fromStdString(op.type());
    if (role == TypeRole)
        return type;
    switch (index.column()) {
    case Type:
        if (role == Qt::DisplayRole)
            return QStringLiteral("%1. %2").arg(index.row() + 1).arg(AugmentText::opName(op.type()));
        if (role == RawValueRole)
            return type;
        if (role == Qt::ToolTipRole)
            return QStringLiteral("%1: %2").arg(type, AugmentText::opDescription(op.type()));
        break;
    case Probability:
        if (role == Qt::DisplayRole)
            return QLocale().toString(op.probability(), 'g', 3);
        if (role == RawValueRole)
            return op.probability();
        if (role == Qt::TextAlignmentRole)
            return int(Qt::AlignRight | Qt::AlignVCenter);
        break;
    case Parameters:
        if (role == Qt::DisplayRole || role == Qt::ToolTipRole || role == RawValueRole)
            return AugmentText::params(op.params());
        break;
    default:
        break;
    }
    return {};
}

QVariant PipelineTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (section) {
    case Type:
        return tr("Op");
    case Probability:
        return tr("Probability");
    case Parameters:
        return tr("Parameters");
    default:
        return {};
    }
}

} // namespace espalier::widgets
