#include "widgets/devices/device_dialog.h"

#include "core/job/shell_quote.h"
#include "core/job/job.h"
#include "widgets/command_dialog.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QDir>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QSpinBox>
#include <QStackedWidget>
#include <QToolButton>
#include <QVBoxLayout>

namespace espalier::widgets {

namespace {
// The kinds in the combo box's order.
const deploy::DeviceKind kKinds[] = {deploy::DeviceKind::Ssh, deploy::DeviceKind::Adb, deploy::DeviceKind::Emulated,
                                     deploy::DeviceKind::Local};
} // namespace

DeviceDialog::DeviceDialog(QString projectDir, QWidget* parent) : QDialog(parent), projectDir_(std::move(projectDir))
{
    setWindowTitle(tr("Add device"));
    name_ = new QLineEdit(this);
    name_->setObjectName("deviceName");
    name_->setPlaceholderText(tr("e.g. rk3588 or pixel-7"));
    kind_ = new QComboBox(this);
    kind_->setObjectName("deviceKind");
    kind_->addItem(tr("Board over SSH"));
    kind_->addItem(tr("Android phone over ADB"));
    kind_->addItem(tr("Emulated aarch64 (qemu-user)"));
    kind_->addItem(tr("This machine"));

    pages_ = new QStackedWidget(this);
    auto* ssh = new QWidget(pages_);
    auto* sshForm = new QFormLayout(ssh);
    sshForm->setContentsMargins(0, 0, 0, 0);
    host_ = new QLineEdit(ssh);
    host_->setObjectName("deviceHost");
    host_->setPlaceholderText(tr("host name or address"));
    port_ = new QSpinBox(ssh);
    port_->setRange(1, 65535);
    port_->setValue(22);
    user_ = new QLineEdit(ssh);
    user_->setPlaceholderText(tr("login (default: yours)"));
    key_ = new QLineEdit(ssh);
    key_->setPlaceholderText(tr("private key (default: ssh's own keys)"));
    auto* browse = new QToolButton(ssh);
    browse->setText(QStringLiteral("…"));
    auto* keyRow = new QHBoxLayout;
    keyRow->addWidget(key_, 1);
    keyRow->addWidget(browse);
    sshForm->addRow(tr("Host"), host_);
    sshForm->addRow(tr("Port"), port_);
    sshForm->addRow(tr("User"), user_);
    sshForm->addRow(tr("Key file"), keyRow);
    auto* sshNote = new QLabel(tr("OpenSSH in batch mode: a key, never a password prompt. The host key is pinned "
                                  "in the project on first connection and checked after."), ssh);
    sshNote->setWordWrap(true);
    sshForm->addRow(sshNote);
    pages_->addWidget(ssh);

    auto* adb = new QWidget(pages_);
    auto* adbForm = new QFormLayout(adb);
    adbForm->setContentsMargins(0, 0, 0, 0);
    serial_ = new QLineEdit(adb);
    serial_->setPlaceholderText(tr("adb serial (empty: the only device attached)"));
    adbForm->addRow(tr("Serial"), serial_);
    pages_->addWidget(adb);

    auto* emulated = new QLabel(tr("Runs the aarch64 runner under qemu-user on this machine: every step of the "
                                   "deployment works without a board, but its timings are the emulator's, not a "
                                   "board's."), pages_);
    emulated->setWordWrap(true);
    pages_->addWidget(emulated);
    auto* local = new QLabel(tr("Benchmarks this machine with its own runner."), pages_);
    local->setWordWrap(true);
    pages_->addWidget(local);

    workDir_ = new QLineEdit(this);
    workDir_->setPlaceholderText(tr("default: /tmp/espalier-USER (SSH), /data/local/tmp/espalier (ADB)"));
    cpus_ = new QLineEdit(this);
    cpus_->setPlaceholderText(tr("e.g. 4-7 (empty: let the OS choose)"));

    problem_ = new QLabel(this);
    problem_->setObjectName("deviceProblem");
    problem_->setWordWrap(true);
    problem_->setStyleSheet("color: #b42828;");
    buttons_ = new QDialogButtonBox(QDialogButtonBox::Ok | QDialogButtonBox::Cancel, this);
    QPushButton* showCommand = buttons_->addButton(tr("Show command"), QDialogButtonBox::HelpRole);

    auto* form = new QFormLayout;
    form->addRow(tr("Name"), name_);
    form->addRow(tr("Kind"), kind_);
    form->addRow(pages_);
    form->addRow(tr("Work folder"), workDir_);
    form->addRow(tr("Default CPUs"), cpus_);
    auto* layout = new QVBoxLayout(this);
    layout->addLayout(form);
    layout->addWidget(problem_);
    layout->addWidget(buttons_);

    connect(kind_, &QComboBox::currentIndexChanged, this, [this](int i) {
        pages_->setCurrentIndex(i);
        update();
    });
    for (QLineEdit* e : {name_, host_, user_, key_, serial_, workDir_, cpus_})
        connect(e, &QLineEdit::textChanged, this, &DeviceDialog::update);
    connect(port_, &QSpinBox::valueChanged, this, &DeviceDialog::update);
    connect(browse, &QToolButton::clicked, this, [this] {
        const QString file = QFileDialog::getOpenFileName(this, tr("SSH private key"), QDir::homePath() + "/.ssh");
        if (!file.isEmpty())
            key_->setText(file);
    });
    connect(showCommand, &QPushButton::clicked, this, [this] { showCommandDialog(this, command()); });
    connect(buttons_, &QDialogButtonBox::accepted, this, [this] {
        if (problem().isEmpty())
            accept();
    });
    connect(buttons_, &QDialogButtonBox::rejected, this, &QDialog::reject);
    update();
}

void DeviceDialog::setDevice(const deploy::DeviceSpec& d)
{
    setWindowTitle(tr("Edit device"));
    name_->setText(QString::fromStdString(d.name));
    name_->setReadOnly(true);
    for (int i = 0; i < 4; ++i)
        if (kKinds[i] == d.kind)
            kind_->setCurrentIndex(i);
    host_->setText(QString::fromStdString(d.host));
    port_->setValue(d.port);
    user_->setText(QString::fromStdString(d.user));
    key_->setText(QString::fromStdString(d.keyFile));
    serial_->setText(QString::fromStdString(d.serial));
    workDir_->setText(QString::fromStdString(d.workDir));
    cpus_->setText(QString::fromStdString(d.cpus));
    update();
}

deploy::DeviceSpec DeviceDialog::device() const
{
    deploy::DeviceSpec d;
    d.name = name_->text().trimmed().toStdString();
    d.kind = kKinds[std::max(0, kind_->currentIndex())];
    if (d.kind == deploy::DeviceKind::Ssh) {
        d.host = host_->text().trimmed().toStdString();
        d.port = port_->value();
        d.user = user_->text().trimmed().toStdString();
        d.keyFile = key_->text().trimmed().toStdString();
    }
    if (d.kind == deploy::DeviceKind::Adb)
        d.serial = serial_->text().trimmed().toStdString();
    d.workDir = workDir_->text().trimmed().toStdString();
    d.cpus = cpus_->text().trimmed().toStdString();
    return d;
}

QString DeviceDialog::problem() const
{
    try {
        deploy::validateDevice(device());
    } catch (const std::exception& e) {
        return QString::fromUtf8(e.what());
    }
    return {};
}

QString DeviceDialog::command() const
{
    std::vector<std::string> argv = deploy::deviceAddCommand(device(), projectDir_.toStdString());
    if (name_->isReadOnly())  // editing: the same name, replaced
        argv.push_back("--replace");
    return QString::fromStdString(job::shellJoin(argv));
}

void DeviceDialog::update()
{
    const QString p = problem();
    problem_->setText(p);
    problem_->setVisible(!p.isEmpty());
    buttons_->button(QDialogButtonBox::Ok)->setEnabled(p.isEmpty());
}

} // namespace espalier::widgets
