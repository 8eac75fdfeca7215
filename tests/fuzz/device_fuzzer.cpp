// libFuzzer harness: what comes from a device or describes one. The first byte picks: a project's
// devices.yaml, `espalier-run device --json` as read back from a device (the probe), `espalier-run
// bench --json`, or a saved benchmark session. An espalier::Error is a clean refusal.
#include "core/deploy/bench_result.h"
#include "core/deploy/device.h"
#include "core/deploy/probe.h"
#include "core/runtime/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    if (size == 0)
        return 0;
    const std::string rest = fuzzutil::text(data + 1, size - 1);
    try {
        switch (data[0] % 4) {
        case 0: {
            fuzzutil::writeScratch(deploy::DeviceRegistry::kFileName, rest);
            const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(fuzzutil::scratchDir());
            for (const deploy::DeviceSpec& d : registry.devices())
                (void)d.describe();
            break;
        }
        case 1: (void)deploy::parseDeviceProbe(rest, "board"); break;
        case 2: (void)deploy::parseRunnerBench(rest, "board: espalier-run bench"); break;
        default: (void)deploy::parseSession(rest, "session.json"); break;
        }
    } catch (const Error&) {
    }
    return 0;
}
