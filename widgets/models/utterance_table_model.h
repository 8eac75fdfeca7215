#pragma once
// The utterances of one manifest as a table (key, transcript, duration, speaker).
#include "core/data/utterance.h"
#include "widgets/models/table_model.h"

namespace espalier::widgets {

class UtteranceTableModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Key, Text, Duration, Speaker, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        RawValueRole = Qt::UserRole,  // QString, or double seconds for Duration (for sorting)
    };

    explicit UtteranceTableModel(QObject* parent = nullptr);

    void setUtterances(data::UtteranceList utterances);
    void clear();
    const data::UtteranceList& utterances() const { return utterances_; }
    // The utterance on row (0 <= row < rowCount()).
    const data::Utterance& utterance(int row) const { return utterances_.at(size_t(row)); }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

private:
    data::UtteranceList utterances_;
};

} // namespace espalier::widgets
