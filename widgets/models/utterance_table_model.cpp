#include "widgets/models/utterance_table_model.h"

#include <QLocale>

namespace espalier::widgets {

UtteranceTableModel::UtteranceTableModel(QObject* parent) : TableModel(parent) {}

void UtteranceTableModel::setUtterances(data::UtteranceList utterances)
{
    beginResetModel();
    utterances_ = std::move(utterances);
    endResetModel();
}

void UtteranceTableModel::clear()
{
    setUtterances({});
}

int UtteranceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(utterances_.size());
}

int UtteranceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant UtteranceTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const data::Utterance& u = utterances_[size_t(index.row())];
    switch (role) {
    case Qt::DisplayRole:
        switch (Column(index.column())) {
        case Key: return QString::fromStdString(u.key);
        case Text: return QString::fromStdString(u.text);
        case Duration: return u.duration > 0.0 ? QLocale().toString(u.duration, 'f', 2) : QStringLiteral("–");
        case Speaker: return QString::fromStdString(u.speaker);
        case ColumnCount: break;
        }
        return {};
    case RawValueRole:
        switch (Column(index.column())) {
        case Key: return QString::fromStdString(u.key);
        case Text: return QString::fromStdString(u.text);
        case Duration: return u.duration;
        case Speaker: return QString::fromStdString(u.speaker);
        case ColumnCount: break;
        }
        return {};
    case Qt::ToolTipRole:
        if (index.column() == Key)
            return QString::fromStdString(u.audioPath);
        if (index.column() == Text)
            return QString::fromStdString(u.text);
        return {};
    case Qt::TextAlignmentRole:
        return index.column() == Duration ? int(Qt::AlignRight | Qt::AlignVCenter)
                                          : int(Qt::AlignLeft | Qt::AlignVCenter);
    default:
        return {};
    }
}

QVariant UtteranceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return QAbstractTableModel::headerData(section, orientation, role);
    switch (Column(section)) {
    case Key: return tr("Key");
    case Text: return tr("Transcript");
    case Duration: return tr("Duration (s)");
    case Speaker: return tr("Speaker");
    case ColumnCount: break;
    }
    return {};
}

} // namespace espalier::widgets
