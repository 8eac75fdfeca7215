#include "widgets/models/split_stats_model.h"

#include <QFont>
#include <QLocale>

#include <cmath>

namespace espalier::widgets {

SplitStatsModel::SplitStatsModel(QObject* parent) : TableModel(parent) {}

void SplitStatsModel::setStats(const data::CorpusStats& stats)
{
    beginResetModel();
    stats_ = stats;
    endResetModel();
}

void SplitStatsModel::clear()
{
    beginResetModel();
    stats_ = {};
    endResetModel();
}

int SplitStatsModel::totalRow() const
{
    return stats_.splits.empty() ? -1 : int(stats_.splits.size());
}

const data::SplitStats& SplitStatsModel::splitAt(int row) const
{
    return row >= 0 && row < int(stats_.splits.size()) ? stats_.splits[size_t(row)] : stats_.total;
}

int SplitStatsModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() || stats_.splits.empty() ? 0 : int(stats_.splits.size()) + 1;
}

int SplitStatsModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant SplitStatsModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const bool isTotal = index.row() == totalRow();
    const data::SplitStats& s = splitAt(index.row());

    if (role == IsTotalRole)
        return isTotal;
    if (role == Qt::FontRole && isTotal) {
        QFont font;
        font.setBold(true);
        return font;
    }
    if (role == Qt::TextAlignmentRole)
        return index.column() == Split ? int(Qt::AlignLeft | Qt::AlignVCenter)
                                       : int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == MeanDuration)
        return tr("Shortest %1 s, longest %2 s").arg(s.minDuration, 0, 'f', 2).arg(s.maxDuration, 0, 'f', 2);
    if (role == Qt::ToolTipRole && index.column() == Hours) {
        const auto seconds = qlonglong(std::llround(s.hours * 3600.0));
        return QStringLiteral("%1:%2:%3")
            .arg(seconds / 3600)
            .arg(seconds / 60 % 60, 2, 10, QLatin1Char('0'))
            .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    }

    if (role == RawValueRole) {
        switch (Column(index.column())) {
        case Split: return QString::fromStdString(s.name);
        case Utterances: return qulonglong(s.utterances);
        case Hours: return s.hours;
        case Characters: return qulonglong(s.characters);
        case Vocabulary: return qulonglong(s.vocabulary);
        case Speakers: return qulonglong(s.speakers);
        case MeanDuration: return s.meanDuration;
        case ColumnCount: break;
        }
        return {};
    }
    if (role == Qt::DisplayRole) {
        const QLocale locale;
        switch (Column(index.column())) {
        case Split: return isTotal ? tr("Total") : QString::fromStdString(s.name);
        case Utterances: return locale.toString(qulonglong(s.utterances));
        case Hours:
            if (s.hours > 0.0 && s.hours < 0.001)
                return QStringLiteral("< %1").arg(locale.toString(0.001, 'f', 3));
            return locale.toString(s.hours, 'f', s.hours < 10.0 ? 3 : 1);
        case Characters: return locale.toString(qulonglong(s.characters));
        case Vocabulary: return locale.toString(qulonglong(s.vocabulary));
        case Speakers: return s.speakers > 0 ? locale.toString(qulonglong(s.speakers)) : QStringLiteral("–");
        case MeanDuration: return tr("%1 s").arg(locale.toString(s.meanDuration, 'f', 2));
        case ColumnCount: break;
        }
    }
    return {};
}

QVariant SplitStatsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal)
        return QAbstractTableModel::headerData(section, orientation, role);
    if (role == Qt::ToolTipRole) {
        switch (Column(section)) {
        case Characters: return tr("Transcript characters after normalisation");
        case Vocabulary: return tr("Distinct characters after normalisation");
        case Speakers: return tr("Distinct speakers (– when the manifest does not say)");
        default: return {};
        }
    }
    if (role != Qt::DisplayRole)
        return {};
    switch (Column(section)) {
    case Split: return tr("Split");
    case Utterances: return tr("Utterances");
    case Hours: return tr("Hours");
    case Characters: return tr("Characters");
    case Vocabulary: return tr("Vocabulary");
    case Speakers: return tr("Speakers");
    case MeanDuration: return tr("Mean duration");
    case ColumnCount: break;
    }
    return {};
}

} // namespace espalier::widgets
