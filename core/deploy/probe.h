#pragma once
// What a device is, as its runner reports it (`espalier-run device --json`), kept per device in the
// project (devices/<name>/probe.json) so the GUI can show it and offer its clusters without a connection.
#include "core/runtime/device_info.h"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace espalier::deploy {

class DeviceRegistry;

struct DeviceProbe {
    std::string device;       // the registry name
    std::string probedAt;     // ISO 8601 UTC
    std::string runner;       // "espalier-run 0.1.0"
    std::string kernel;       // the sparse kernel it runs: "neon", "avx2", ...
    runtime::DeviceInfo info;
    runtime::MachineState state;
};

// Parses the runner's device JSON (FormatError naming source for anything malformed).
runtime::DeviceInfo parseDeviceInfo(const nlohmann::json& j, const std::string& source);
runtime::MachineState parseMachineState(const nlohmann::json& j, const std::string& source);
nlohmann::json deviceInfoJson(const runtime::DeviceInfo& info);
nlohmann::json machineStateJson(const runtime::MachineState& state);

DeviceProbe parseDeviceProbe(const std::string& runnerOutput, const std::string& deviceName);
nlohmann::json probeJson(const DeviceProbe& probe);

void saveProbe(const DeviceRegistry& registry, const DeviceProbe& probe);
std::optional<DeviceProbe> loadProbe(const DeviceRegistry& registry, const std::string& deviceName);

// Current UTC time as "2026-12-02T09:30:00Z", and as a file-name stamp "20261202-093000".
std::string utcTimestamp();
std::string fileStamp();

} // namespace espalier::deploy
