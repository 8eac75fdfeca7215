#pragma once
// Per-split statistics of a corpus (data::corpusStats) as a table, one row per split plus a total row.
#include "core/data/corpus.h"
#include "widgets/models/table_model.h"

namespace espalier::widgets {

class SplitStatsModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Split, Utterances, Hours, Characters, Vocabulary, Speakers, MeanDuration, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        RawValueRole = Qt::UserRole,  // unformatted value: QString for Split, qulonglong or double otherwise
        IsTotalRole,                  // bool: the row is the total over all splits
    };

    explicit SplitStatsModel(QObject* parent = nullptr);

    void setStats(const data::CorpusStats& stats);
    void clear();
    const data::CorpusStats& stats() const { return stats_; }
    // The split shown on row, or the total for the last row.
    const data::SplitStats& splitAt(int row) const;
    int totalRow() const;  // -1 when empty

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

private:
    data::CorpusStats stats_;
};

} // namespace espalier::widgets
