#include "app/run/device_json.h"

#include <sched.h>

#include <vector>

namespace espalier::run {

void writeDeviceInfo(runtime::JsonWriter& j, const runtime::DeviceInfo& info)
{
    j.beginObject()
        .field("arch", info.arch)
        .field("cpu", info.cpu)
        .field("cpus", info.cpuCount)
        .field("memory_kb", static_cast<long long>(info.memoryKb))
        .field("os", info.os)
        .field("kernel", info.kernel);
    j.key("clusters").beginArray();
    for (const runtime::CpuCluster& c : info.clusters)
        j.beginObject()
            .field("cpus", runtime::cpuListText(c.cpus))
            .field("mask", runtime::cpuMaskHex(c.cpus))
            .field("max_khz", static_cast<long long>(c.maxKHz))
            .field("core", c.core)
            .endObject();
    j.endArray().endObject();
}

void writeMachineState(runtime::JsonWriter& j, const runtime::MachineState& state)
{
    j.beginObject().key("cur_khz").beginArray();
    for (const long f : state.curKHz)
        j.value(static_cast<long long>(f));
    j.endArray().key("temperatures").beginArray();
    for (const runtime::ThermalReading& t : state.temperatures)
        j.beginObject().field("zone", t.zone).field("celsius", t.celsius).endObject();
    j.endArray().endObject();
}

std::string currentAffinity()
{
    cpu_set_t set;
    CPU_ZERO(&set);
    if (sched_getaffinity(0, sizeof set, &set) != 0)
        return {};
    std::vector<int> cpus;
    for (int c = 0; c < CPU_SETSIZE; ++c)
        if (CPU_ISSET(c, &set))
            cpus.push_back(c);
    return cpus.empty() ? std::string() : runtime::cpuListText(cpus);
}

} // namespace espalier::run
