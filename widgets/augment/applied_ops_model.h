#pragma once
// What one preview run did, one row per op of the pipeline: a lock check box (a locked op
// re-applies its recorded draw while the others redraw), the op, and what it drew or "skipped".
#include "core/augment/applied_op.h"
#include "widgets/models/table_model.h"

#include <vector>

namespace espalier::widgets {

class AppliedOpsModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Lock, Op, Draw, ColumnCount };
    Q_ENUM(Column)
    enum Role {
        AppliedRole = Qt::UserRole,  // bool: false when the op was skipped
        TypeRole,                    // the op's type id
    };

    explicit AppliedOpsModel(QObject* parent = nullptr);

    // One record per op, in order; locked[i] says whether op i is locked (missing entries: no).
    void setRecords(std::vector<augment::AppliedOp> records, std::vector<bool> locked);
    void clear();
    const std::vector<augment::AppliedOp>& records() const { return records_; }
    bool isLocked(int row) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

signals:
    // The user (un)checked op row's lock.
    void lockToggled(int row, bool locked);

private:
    std::vector<augment::AppliedOp> records_;
    std::vector<bool> locked_;
};

} // namespace espalier::widgets
