#pragma once
// The project's training runs (train::RunRecord) as a table: one row per run, newest first; fixed
// columns, then one CER column per test set found in any run, so runs line up for comparison.
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
    static constexpr int RunDirRole = Qt::UserRole;  // QString: the run folder

    explicit RunTableModel(QObject* parent = nullptr);

    void setRuns(std::vector<train::RunRecord> runs);
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

public slots:

private:
    QString stateText(const train::RunRecord& run) const;

    std::vector<train::RunRecord> runs_;
    QStringList testSets_;
    QString activeRun_;
};

// "12.34 %" for a CER fraction.
QString formatCer(double fraction);

} // namespace espalier::widgets
