#pragma once
// The runner's JSON for what it knows of its machine (docs/formats/bench.md): `espalier-run device`
// prints it, `bench --json` embeds it.
#include "core/runtime/device_info.h"
#include "core/runtime/json_writer.h"

namespace espalier::run {

void writeDeviceInfo(runtime::JsonWriter& j, const runtime::DeviceInfo& info);
void writeMachineState(runtime::JsonWriter& j, const runtime::MachineState& state);
// The CPUs this process may run on (sched_getaffinity), as a list like "4-7"; "" when unknown.
std::string currentAffinity();

} // namespace espalier::run
