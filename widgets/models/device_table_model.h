#pragma once
// The project's devices (devices.yaml) with what their last probe found: one row per device.
#include "core/deploy/device.h"
#include "core/deploy/probe.h"
#include "widgets/models/table_model.h"

#include <optional>
#include <vector>

namespace espalier::widgets {

class DeviceTableModel : public TableModel {
    Q_OBJECT
public:
    enum Column { Name, Kind, Address, Cpu, System, ColumnCount };
    Q_ENUM(Column)
    static constexpr int NameRole = Qt::UserRole;  // QString: the device's name

    struct Row {
        deploy::DeviceSpec device;
        std::optional<deploy::DeviceProbe> probe;
    };

    explicit DeviceTableModel(QObject* parent = nullptr);

    void setRows(std::vector<Row> rows);
    const std::vector<Row>& rows() const { return rows_; }
    int rowOf(const QString& name) const;  // -1 when absent
    const Row* find(const QString& name) const;

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

public slots:

private:
    std::vector<Row> rows_;
};

// "ssh", "adb", "emulated aarch64", "this machine", translated.
QString deviceKindText(const deploy::DeviceSpec& device);
// How the device is reached, translated: "ssh linaro@192.168.1.20:22", "this machine", ...
QString deviceDescriptionText(const deploy::DeviceSpec& device);

} // namespace espalier::widgets
