#pragma once
// The form that adds (or edits) a device: name and kind, then what the kind needs — an SSH board's
// host, port, user and key file, an ADB phone's serial — a work folder and default CPUs. Checked as
// the engine checks devices.yaml, with the reason shown beside OK; Show command gives the
// espalier-cli line that adds the same device.
#include "core/deploy/device.h"

#include <QDialog>

class QComboBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QSpinBox;
class QStackedWidget;

namespace espalier::widgets {

class DeviceDialog : public QDialog {
    Q_OBJECT
public:
    DeviceDialog(QString projectDir, QWidget* parent = nullptr);

    void setDevice(const deploy::DeviceSpec& device);  // edit: the name stays
    // The device as filled in; problem() says why it is not valid ("" when it is).
    deploy::DeviceSpec device() const;
    QString problem() const;
    QString command() const;

    // Test hooks.
    QComboBox* kindBox() const { return kind_; }
    QLineEdit* nameEdit() const { return name_; }
    QLineEdit* hostEdit() const { return host_; }

private:
    void update();

    QString projectDir_;
    QLineEdit* name_;
    QComboBox* kind_;
    QStackedWidget* pages_;
    QLineEdit* host_;
    QSpinBox* port_;
    QLineEdit* user_;
    QLineEdit* key_;
    QLineEdit* serial_;
    QLineEdit* workDir_;
    QLineEdit* cpus_;
    QLabel* problem_;
    QDialogButtonBox* buttons_;
};

} // namespace espalier::widgets
