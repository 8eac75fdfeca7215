#include "widgets/models/run_table_model.h"

#include <QBrush>
#include <QColor>

#include <set>

namespace espalier::widgets {

QString formatCer(double fraction)
{
    return QString::number(100.0 * fraction, 'f', 2) + " %";
}

RunTableModel::RunTableModel(QObject* parent) : TableModel(parent) {}

void RunTableModel::setIndexedRuns(std::vector<project::IndexedRun> runs)
{
    std::vector<train::RunRecord> records;
    for (const auto& run : runs)
        records.push_back(run.record);
    beginResetModel();
    store_ = std::move(runs);
    resetRecords(std::move(records));
    endResetModel();
}

void RunTableModel::setRuns(std::vector<train::RunRecord> runs)
{
    beginResetModel();
    store_.clear();  // plain records: no store columns
    resetRecords(std::move(runs));
    endResetModel();
}

void RunTableModel::resetRecords(std::vector<train::RunRecord> runs)
{
    runs_ = std::move(runs);
    std::set<std::string> names;
    for (const train::RunRecord& run : runs_)
        for (const auto& [name, result] : run.tests)
            names.insert(name);
    testSets_.clear();
    for (const std::string& name : names)
        testSets_ << QString::fromStdString(name);
}

int RunTableModel::rowOf(const QString& dir) const
{
    for (size_t i = 0; i < runs_.size(); ++i)
        if (QString::fromStdString(runs_[i].dir) == dir)
            return int(i);
    return -1;
}

void RunTableModel::setActiveRun(const QString& dir)
{
    activeRun_ = dir;
    if (!runs_.empty())
        emit dataChanged(index(0, State), index(rowCount() - 1, State));
}

int RunTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(runs_.size());
}

int RunTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : FixedColumnCount + int(testSets_.size()) + (store_.empty() ? 0 : StoreColumnCount);
}

QVariant RunTableModel::storeData(const project::IndexedRun& run, int column) const
{
    switch (column) {
    case Kind: return run.kind == "prune" ? tr("prune") : tr("train");
    case Tags: {
        QStringList tags;
        for (const auto& t : run.tags)
            tags << QString::fromStdString(t);
        return tags.join(", ");
    }
    case Note: return QString::fromStdString(run.note);
    }
    return {};
}

QVariant RunTableModel::sortValue(const train::RunRecord& run, int column) const
{
    switch (column) {
    case Sparsity: return run.sparsity.value_or(0.0);
    case Steps: return run.stepsDone;
    case DevCer: return run.bestDevCer.value_or(1e9);
    default:
        if (column >= FixedColumnCount && column < FixedColumnCount + int(testSets_.size())) {
            const auto it = run.tests.find(testSets_.value(column - FixedColumnCount).toStdString());
            return it == run.tests.end() ? 1e9 : it->second.cer;
        }
        return {};
    }
}

QString RunTableModel::stateText(const train::RunRecord& run) const
{
    if (!activeRun_.isEmpty() && QString::fromStdString(run.dir) == activeRun_)
        return tr("running");
    switch (run.state) {
    case train::RunState::Empty: return tr("not started");
    case train::RunState::Stopped: return tr("paused");
    case train::RunState::Finished: return tr("finished");
    }
    return {};
}

QVariant RunTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= rowCount())
        return {};
    const train::RunRecord& run = runs_[size_t(index.row())];
    if (role == RunDirRole)
        return QString::fromStdString(run.dir);
    if (role == RunIdRole)
        return QString::fromStdString(run.id);
    const int storeColumn = index.column() - FixedColumnCount - int(testSets_.size());
    if (role == SortRole) {
        const QVariant number = sortValue(run, index.column());
        return number.isValid() ? number : data(index, Qt::DisplayRole);
    }
    if (role == Qt::DisplayRole && storeColumn >= 0 && !store_.empty())
        return storeData(store_[size_t(index.row())], storeColumn);
    if (role == Qt::TextAlignmentRole && storeColumn >= 0)
        return {};
    if (role == Qt::ToolTipRole)
        return run.problem.empty() ? QString::fromStdString(run.dir) : QString::fromStdString(run.problem);
    if (role == Qt::ForegroundRole && !run.problem.empty())
        return QBrush(QColor(180, 40, 40));
    if (role == Qt::TextAlignmentRole && index.column() >= Sparsity && index.column() != State)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Run: return QString::fromStdString(run.id);
    case Model: return QString::fromStdString(run.model);
    case Precision: return QString::fromStdString(run.precision);
    case Sparsity: return run.sparsity ? QString::number(100.0 * *run.sparsity, 'f', 1) + " %" : tr("dense");
    case Steps:
        return run.plannedSteps > 0 ? QStringLiteral("%1 / %2").arg(run.stepsDone).arg(run.plannedSteps)
                                    : QString::number(run.stepsDone);
    case State: return stateText(run);
    case DevCer: return run.bestDevCer ? formatCer(*run.bestDevCer) : QString();
    default: {
        const int test = index.column() - FixedColumnCount;
        const auto it = run.tests.find(testSets_.value(test).toStdString());
        return it == run.tests.end() ? QString() : formatCer(it->second.cer);
    }
    }
}

QVariant RunTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Run: return tr("Run");
    case Model: return tr("Model");
    case Precision: return tr("Precision");
    case Sparsity: return tr("Sparsity");
    case Steps: return tr("Steps");
    case State: return tr("State");
    case DevCer: return tr("Best dev CER");
    default:
        if (section - FixedColumnCount < int(testSets_.size()))
            return tr("CER %1").arg(testSets_.value(section - FixedColumnCount));
        switch (section - FixedColumnCount - int(testSets_.size())) {
        case Kind: return tr("Kind");
        case Tags: return tr("Tags");
        case Note: return tr("Note");
        }
        return {};
    }
}

} // namespace espalier::widgets
