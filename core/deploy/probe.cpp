#include "core/deploy/probe.h"

#include "core/deploy/device.h"
#include "core/io/json_fields.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <ctime>
#include <filesystem>

namespace fs = std::filesystem;

namespace espalier::deploy {

using io::jsonField;

namespace {

std::string stamp(const char* format)
{
    const std::time_t now = std::time(nullptr);
    std::tm tm{};
    gmtime_r(&now, &tm);
    char buf[32];
    std::strftime(buf, sizeof buf, format, &tm);
    return buf;
}

} // namespace

std::string utcTimestamp()
{
    return stamp("%Y-%m-%dT%H:%M:%SZ");
}

std::string fileStamp()
{
    return stamp("%Y%m%d-%H%M%S");
}

runtime::DeviceInfo parseDeviceInfo(const nlohmann::json& j, const std::string& source)
{
    if (!j.is_object())
        throw FormatError(source + ": 'device' is not an object");
    runtime::DeviceInfo info;
    info.arch = jsonField<std::string>(j, "arch", "", source);
    info.cpu = jsonField<std::string>(j, "cpu", "", source);
    info.cpuCount = jsonField<int>(j, "cpus", 0, source);
    info.memoryKb = jsonField<long long>(j, "memory_kb", 0, source);
    info.os = jsonField<std::string>(j, "os", "", source);
    info.kernel = jsonField<std::string>(j, "kernel", "", source);
    if (j.contains("clusters")) {
        if (!j["clusters"].is_array() || j["clusters"].size() > 64)
            throw FormatError(source + ": 'clusters' is not a list of at most 64");
        for (const nlohmann::json& c : j["clusters"]) {
            runtime::CpuCluster cluster;
            try {
                cluster.cpus = runtime::parseCpuList(jsonField<std::string>(c, "cpus", "", source));
            } catch (const InputError& e) {
                throw FormatError(source + ": cluster: " + e.what());
            }
            cluster.maxKHz = jsonField<long>(c, "max_khz", 0, source);
            cluster.core = jsonField<std::string>(c, "core", "", source);
            info.clusters.push_back(cluster);
        }
    }
    return info;
}

runtime::MachineState parseMachineState(const nlohmann::json& j, const std::string& source)
{
    runtime::MachineState s;
    if (!j.is_object())
        return s;
    if (j.contains("cur_khz") && j["cur_khz"].is_array())
        for (const nlohmann::json& f : j["cur_khz"])
            s.curKHz.push_back(f.is_number_integer() && f.get<long long>() >= 0 && f.get<long long>() < (1LL << 40) ? long(f.get<long long>()) : 0);
    if (j.contains("temperatures") && j["temperatures"].is_array())
        for (const nlohmann::json& t : j["temperatures"]) {
            if (int(s.temperatures.size()) >= runtime::kMaxThermalZones)
                break;
            s.temperatures.push_back({jsonField<std::string>(t, "zone", "", source), jsonField<double>(t, "celsius", 0.0, source)});
        }
    return s;
}

nlohmann::json deviceInfoJson(const runtime::DeviceInfo& info)
{
    nlohmann::json clusters = nlohmann::json::array();
    for (const runtime::CpuCluster& c : info.clusters)
        clusters.push_back({{"cpus", runtime::cpuListText(c.cpus)},
                            {"mask", runtime::cpuMaskHex(c.cpus)},
                            {"max_khz", c.maxKHz},
                            {"core", c.core}});
    return {{"arch", info.arch}, {"cpu", info.cpu}, {"cpus", info.cpuCount}, {"memory_kb", info.memoryKb},
            {"os", info.os}, {"kernel", info.kernel}, {"clusters", clusters}};
}

nlohmann::json machineStateJson(const runtime::MachineState& state)
{
    nlohmann::json temps = nlohmann::json::array();
    for (const runtime::ThermalReading& t : state.temperatures)
        temps.push_back({{"zone", t.zone}, {"celsius", t.celsius}});
    return {{"cur_khz", state.curKHz}, {"temperatures", temps}};
}

DeviceProbe parseDeviceProbe(const std::string& runnerOutput, const std::string& deviceName)
{
    const std::string source = "device '" + deviceName + "': espalier-run device --json";
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(runnerOutput);
    } catch (const nlohmann::json::exception&) {
        throw FormatError(source + " printed something that is not JSON: '" + runnerOutput.substr(0, 120) + "'");
    }
    if (!j.is_object() || !j.contains("device"))
        throw FormatError(source + ": no 'device' in its output");
    try {
        DeviceProbe p;
        p.device = deviceName;
        p.probedAt = jsonField<std::string>(j, "probed_at", utcTimestamp(), source);
        p.runner = jsonField<std::string>(j, "runner", "", source);
        p.kernel = jsonField<std::string>(j, "kernel", "", source);
        p.info = parseDeviceInfo(j["device"], source);
        if (j.contains("state"))
            p.state = parseMachineState(j["state"], source);
        return p;
    } catch (const nlohmann::json::exception& e) {  // anything the field readers did not foresee
        throw FormatError(source + ": " + e.what());
    }
}

nlohmann::json probeJson(const DeviceProbe& p)
{
    return {{"device_name", p.device}, {"probed_at", p.probedAt}, {"runner", p.runner}, {"kernel", p.kernel},
            {"device", deviceInfoJson(p.info)}, {"state", machineStateJson(p.state)}};
}

void saveProbe(const DeviceRegistry& registry, const DeviceProbe& probe)
{
    const fs::path dir = fs::path(registry.stateDir()) / probe.device;
    std::error_code ec;
    fs::create_directories(dir, ec);
    io::writeFileAtomic((dir / "probe.json").string(), probeJson(probe).dump(2) + "\n");
}

std::optional<DeviceProbe> loadProbe(const DeviceRegistry& registry, const std::string& deviceName)
{
    const fs::path file = fs::path(registry.stateDir()) / deviceName / "probe.json";
    std::error_code ec;
    if (!fs::exists(file, ec))
        return std::nullopt;
    try {
        DeviceProbe p = parseDeviceProbe(io::readFile(file.string()), deviceName);
        p.device = deviceName;
        return p;
    } catch (const Error&) {
        return std::nullopt;  // a damaged cache is probed again
    }
}

} // namespace espalier::deploy
