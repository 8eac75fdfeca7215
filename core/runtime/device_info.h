#pragma once
// What the runner reports about the machine it runs on, read from /proc and /sys: the CPU (x86 model
// name, or ARM cores decoded from /proc/cpuinfo's implementer and part), its clusters (cores grouped by
// cpuinfo_max_freq, as ncnn does, slowest first), memory, OS and kernel; and the state a benchmark
// records before and after it runs (each core's current frequency, every thermal zone). Every reader
// takes the root of the file system so tests can hand in the files of a phone.
#include <string>
#include <vector>

namespace espalier::runtime {

struct CpuCluster {
    std::vector<int> cpus;
    long maxKHz = 0;    // 0 when the kernel exposes no cpufreq
    std::string core;   // "Cortex-A76", "AMD EPYC 7B12", "Qualcomm part 0x804"
};

struct ThermalReading {
    std::string zone;   // the zone's type ("cpu-1-0-usr", "x86_pkg_temp")
    double celsius = 0.0;
};

// The moment's frequencies and temperatures.
struct MachineState {
    std::vector<long> curKHz;                  // per CPU id; 0 when unknown
    std::vector<ThermalReading> temperatures;  // at most kMaxThermalZones
};

struct DeviceInfo {
    std::string arch;       // uname's machine: "aarch64", "x86_64"
    std::string cpu;        // one line: "4x Cortex-A55 @ 1.80 GHz + 4x Cortex-A76 @ 2.40 GHz"
    int cpuCount = 0;
    std::vector<CpuCluster> clusters;
    long long memoryKb = 0;
    std::string os;         // "Debian GNU/Linux 12 (bookworm)", "Android 14"
    std::string kernel;     // uname's release
};

constexpr int kMaxThermalZones = 64;

// "Cortex-A76" for implementer 0x41 part 0xd0b (reference.md's table); "<implementer> part 0x..."
// for a part the table does not hold.
std::string armCoreName(unsigned implementer, unsigned part);

// "0-3,6" <-> {0, 1, 2, 3, 6}. parseCpuList throws InputError on malformed text or ids above 4095.
std::vector<int> parseCpuList(const std::string& text);
std::string cpuListText(const std::vector<int>& cpus);
// The taskset mask of a CPU set, "f0" for CPUs 4-7.
std::string cpuMaskHex(const std::vector<int>& cpus);

// Reads what the files under root say (missing files leave fields empty, never throw). arch and
// kernel come from uname() when root is "/", else from root/proc/sys/kernel/{arch,osrelease} if present.
DeviceInfo readDeviceInfo(const std::string& root = "/");
MachineState readMachineState(const std::string& root = "/");

} // namespace espalier::runtime
