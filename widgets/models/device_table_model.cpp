#include "widgets/models/device_table_model.h"

namespace espalier::widgets {

DeviceTableModel::DeviceTableModel(QObject* parent) : TableModel(parent) {}

QString deviceKindText(const deploy::DeviceSpec& d)
{
    switch (d.kind) {
    case deploy::DeviceKind::Local: return DeviceTableModel::tr("this machine");
    case deploy::DeviceKind::Ssh: return DeviceTableModel::tr("SSH");
    case deploy::DeviceKind::Adb: return DeviceTableModel::tr("ADB");
    case deploy::DeviceKind::Emulated: return DeviceTableModel::tr("emulated %1").arg(QString::fromStdString(d.arch));
    }
    return {};
}

QString deviceDescriptionText(const deploy::DeviceSpec& d)
{
    switch (d.kind) {
    case deploy::DeviceKind::Local: return DeviceTableModel::tr("this machine");
    case deploy::DeviceKind::Emulated:
        return DeviceTableModel::tr("emulated %1 (qemu-user)").arg(QString::fromStdString(d.arch));
    default: return QString::fromStdString(d.describe());  // the address, as the user wrote it
    }
}

void DeviceTableModel::setRows(std::vector<Row> rows)
{
    beginResetModel();
    rows_ = std::move(rows);
    endResetModel();
}

int DeviceTableModel::rowOf(const QString& name) const
{
    for (size_t i = 0; i < rows_.size(); ++i)
        if (QString::fromStdString(rows_[i].device.name) == name)
            return int(i);
    return -1;
}

const DeviceTableModel::Row* DeviceTableModel::find(const QString& name) const
{
    const int r = rowOf(name);
    return r < 0 ? nullptr : &rows_[size_t(r)];
}

int DeviceTableModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(rows_.size());
}

int DeviceTableModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant DeviceTableModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= int(rows_.size()))
        return {};
    const Row& r = rows_[size_t(index.row())];
    if (role == NameRole)
        return QString::fromStdString(r.device.name);
    if (role == Qt::ToolTipRole && index.column() == Cpu && r.probe)
        return tr("Probed %1 with %2").arg(QString::fromStdString(r.probe->probedAt), QString::fromStdString(r.probe->runner));
    if (role != Qt::DisplayRole)
        return {};
    switch (index.column()) {
    case Name: return QString::fromStdString(r.device.name);
    case Kind: return deviceKindText(r.device);
    case Address:
        switch (r.device.kind) {
        case deploy::DeviceKind::Ssh:
            return QString::fromStdString((r.device.user.empty() ? "" : r.device.user + "@") + r.device.host + ":"
                                          + std::to_string(r.device.port));
        case deploy::DeviceKind::Adb: return QString::fromStdString(r.device.serial);
        default: return QString();
        }
    case Cpu: return r.probe ? QString::fromStdString(r.probe->info.cpu) : tr("not probed");
    case System: return r.probe ? QString::fromStdString(r.probe->info.os) : QString();
    }
    return {};
}

QVariant DeviceTableModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Name: return tr("Device");
    case Kind: return tr("Kind");
    case Address: return tr("Address");
    case Cpu: return tr("CPU");
    case System: return tr("System");
    }
    return {};
}

} // namespace espalier::widgets
