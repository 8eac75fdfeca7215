#pragma once
// One connection's worth of work on a device: its runner pushed once (the right architecture, kept
// under a checksum name so an unchanged runner or model is never copied twice), files staged, and the
// runner run with its JSON output handed back.
#include "core/deploy/device.h"
#include "core/deploy/probe.h"
#include "core/deploy/transport.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace espalier::job {
class CancellationToken;
}

namespace espalier::deploy {

class DeviceSession {
public:
    DeviceSession(const DeviceSpec& device, const DeviceRegistry& registry,
                  const job::CancellationToken* cancel = nullptr);
    ~DeviceSession();

    const DeviceSpec& device() const { return transport_->device(); }
    Transport& transport() { return *transport_; }

    // Architecture, runner pushed, `espalier-run device --json` parsed.
    DeviceProbe probe();
    // Copies a local file into <work dir>/<folder>/ as "<crc32>-<name>" unless that file is there already;
    // returns its path on the device.
    std::string stage(const std::string& localFile, const std::string& folder, bool executable = false);
    // Runs the device's runner with args (pushing it first if needed) and returns what it printed.
    // Its own errors come back as they are: InputError for its exit code 2, IoError otherwise, with
    // its message and the device named.
    std::string runRunner(const std::vector<std::string>& args, double timeoutSeconds);
    // The runner command line on the device (launcher, runner path, args) for display and logs.
    std::vector<std::string> runnerCommand(const std::vector<std::string>& args);

    // Time limit of the short commands (uname, test, mkdir).
    static constexpr double kShortTimeout = 30.0;

private:
    ProcessOptions options(double timeoutSeconds) const;
    const std::string& ensureRunner();

    std::unique_ptr<Transport> transport_;
    const job::CancellationToken* cancel_;
    std::string arch_;
    std::string runner_;  // on the device
    std::map<std::string, std::string> staged_;  // local file -> device path
};

} // namespace espalier::deploy
