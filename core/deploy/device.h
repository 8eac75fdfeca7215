#pragma once
// The devices a project benchmarks on (devices.yaml in the project folder, docs/formats/devices.md):
// this machine, a board over SSH, a phone over ADB, or an emulated aarch64 device (qemu-user) for
// anyone without a board. Every field is checked when it is read or added, so a device's name, host,
// user or serial can never be taken for an option or a shell word.
#include "core/runtime/enum_names.h"

#include <string>
#include <vector>

namespace espalier::deploy {

enum class DeviceKind { Local, Ssh, Adb, Emulated };
const EnumNames<DeviceKind>& deviceKindNames();  // "local", "ssh", "adb", "emulated"

struct DeviceSpec {
    std::string name;           // [A-Za-z0-9_.-], 1 to 64 characters
    DeviceKind kind = DeviceKind::Local;
    std::string host;           // ssh
    int port = 22;
    std::string user;
    std::string keyFile;        // ssh private key on this machine ("" : ssh's default keys)
    std::string serial;         // adb ("" : the only device attached)
    std::string arch = "aarch64";  // emulated
    std::string workDir;        // on the device, absolute; "" : the kind's default (effectiveWorkDir)
    std::string cpus;           // default CPUs to pin benchmarks to ("" : none), e.g. "4-7"

    // The work folder: workDir, else for SSH .cache/espalier in the login's home (a relative path:
    // ssh starts commands there), for ADB /data/local/tmp/espalier, and "" for the local and emulated
    // devices (the project's state folder holds theirs).
    std::string effectiveWorkDir() const;
    // "ssh linaro@192.168.1.20:22", "adb 28021FDH2000F1", "emulated aarch64 (qemu-user)", "this machine".
    std::string describe() const;
};

// Throws InputError naming the field for anything that could be misread downstream (a leading '-',
// whitespace, shell characters, a relative work folder, a port out of range).
void validateDevice(const DeviceSpec& device);

// The espalier-cli command that registers the device (the GUI shows it beside its Add device form).
std::vector<std::string> deviceAddCommand(const DeviceSpec& device, const std::string& projectDir);

// devices.yaml: read with file:line errors, written atomically.
class DeviceRegistry {
public:
    static constexpr const char* kFileName = "devices.yaml";

    // The project's registry; an absent file is an empty registry. FormatError for a malformed one.
    static DeviceRegistry load(const std::string& projectDir);
    void save() const;

    const std::vector<DeviceSpec>& devices() const { return devices_; }
    const DeviceSpec* find(const std::string& name) const;
    // The device or an InputError listing the names there are.
    const DeviceSpec& get(const std::string& name) const;
    // Adds (validated; InputError on a duplicate name) or replaces a device of the same name.
    void add(const DeviceSpec& device);
    void replace(const DeviceSpec& device);
    void remove(const std::string& name);  // InputError when absent

    const std::string& projectDir() const { return projectDir_; }
    std::string filePath() const;
    // Where this project keeps what it learns of its devices: probe results, pinned SSH host keys,
    // the local and emulated devices' work folders, benchmark sessions.
    std::string stateDir() const;
    std::string knownHostsFile() const;

private:
    std::string projectDir_;
    std::vector<DeviceSpec> devices_;
};

} // namespace espalier::deploy
