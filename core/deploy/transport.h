#pragma once
// How the deployment lab reaches a device: run a program there with exact arguments, and copy a file
// there. Four transports — this machine, OpenSSH's client in batch mode (host key pinned in the
// project on first use), adb, and qemu-user for the emulated aarch64 device — behind one interface,
// so probing and benchmarking are written once.
#include "core/deploy/device.h"
#include "core/deploy/process.h"

#include <memory>
#include <string>
#include <vector>

namespace espalier::deploy {

class Transport {
public:
    explicit Transport(DeviceSpec device) : device_(std::move(device)) {}
    virtual ~Transport() = default;

    const DeviceSpec& device() const { return device_; }
    // Runs argv on the device; each argument reaches the program as it is (quoted for the remote shell
    // where there is one). The result carries the program's exit code and output. IoError naming the
    // device when the connection fails, is lost, or the time limit passes; CancelledError on cancel.
    virtual ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) = 0;
    // Copies a local file to an absolute path on the device, executable when asked, through a temporary
    // name renamed at the end: a lost connection never leaves a half file under the final name.
    virtual void push(const std::string& localFile, const std::string& remotePath, bool executable,
                      const ProcessOptions& options) = 0;
    // The device's CPU architecture as the runners are named: "aarch64", "x86_64".
    virtual std::string architecture(const ProcessOptions& options);
    // The argv prefix that starts a program of the device's architecture ({"qemu-aarch64"} when emulated).
    virtual std::vector<std::string> launcher() const { return {}; }
    // The absolute folder on the device where runners, models and audio are kept.
    virtual std::string workDir() const = 0;

protected:
    // Fails with IoError "device 'name' (how): what: detail" for a timeout or transport failure.
    [[noreturn]] void fail(const std::string& what, const std::string& detail) const;
    void checkTimeout(const ProcessResult& r, const std::vector<std::string>& argv, const ProcessOptions& options) const;

private:
    DeviceSpec device_;
};

// The transport for a registered device (the registry gives the pinned host keys' file and the local
// work folders). IoError when its client program (ssh, adb, qemu-aarch64) is not installed.
std::unique_ptr<Transport> openTransport(const DeviceSpec& device, const DeviceRegistry& registry);

// "aarch64" for arm64/aarch64/armv8, "x86_64" for x86_64/amd64; InputError naming what was reported
// for an architecture there is no runner for.
std::string normalizeArchitecture(const std::string& reported, const std::string& deviceName);

// The ssh command line for a device (for tests and for the commands the GUI shows).
std::vector<std::string> sshCommand(const DeviceSpec& device, const std::string& knownHostsFile,
                                    const std::vector<std::string>& remoteArgv);

} // namespace espalier::deploy
