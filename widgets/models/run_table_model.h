#pragma once
// The project's training runs (train::RunRecord) as a table: one row per run, newest first; fixed
// columns, then one CER column per test set found in any run, so runs line up for comparison. Given
// the run store's runs (project::IndexedRun), it adds their kind, tags and note.
#include "core/project/run_index.h"
#include "core/train/run_record.h"
#include "widgets/models/table_model.h"

#include <QStringList>

#include <vector>

namespace espalier::widgets {

class RunTableModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Run, Model, Precision, Sparsity, Steps, State, DevCer, FixedColumnCount };
    Q_ENUM(Column)
    enum StoreColumn { Kind, Tags, Note, StoreColumnCount };  // after the test sets, store runs only
    static constexpr int RunDirRole = Qt::UserRole;      // QString: the run folder
    static constexpr int RunIdRole = Qt::UserRole + 1;   // QString: the run id
    static constexpr int SortRole = Qt::UserRole + 2;    // numbers as numbers, for a sorting proxy

    explicit RunTableModel(QObject* parent = nullptr);

    void setRuns(std::vector<train::RunRecord> runs);
    void setIndexedRuns(std::vector<project::IndexedRun> runs);
    const std::vector<project::IndexedRun>& indexedRuns() const { return store_; }
    const std::vector<train::RunRecord>& runs() const { return runs_; }
    // The row of the run in folder dir, or -1.
    int rowOf(const QString& dir) const;
    const train::RunRecord& runAt(int row) const { return runs_.at(size_t(row)); }
    // The run training now (shown as "running" whatever its folder says); "" for none.
    void setActiveRun(const QString& dir);
    QStringList testSets() const { return testSets_; }

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    void resetRecords(std::vector<train::RunRecord> runs);  // between begin/endResetModel
    QString stateText(const train::RunRecord& run) const;
    QVariant storeData(const project::IndexedRun& run, int column) const;
    QVariant sortValue(const train::RunRecord& run, int column) const;

    std::vector<train::RunRecord> runs_;
    std::vector<project::IndexedRun> store_;  // empty unless set by setIndexedRuns
    QStringList testSets_;
    QString activeRun_;
};

// "12.34 %" for a CER fraction.
QString formatCer(double fraction);

} // namespace espalier::widgets
