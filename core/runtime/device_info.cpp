#include "core/runtime/device_info.h"

#include "core/runtime/error.h"

#include <sys/utsname.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <dirent.h>
#include <fstream>
#include <map>
#include <sstream>

namespace espalier::runtime {

namespace {

std::string trim(const std::string& s)
{
    const size_t b = s.find_first_not_of(" \t\r\n");
    if (b == std::string::npos)
        return {};
    return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

// The whole of a small file, or "" when it cannot be read.
std::string readSmallFile(const std::string& path, size_t limit = 1 << 20)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return {};
    std::string text(limit, '\0');
    in.read(text.data(), std::streamsize(limit));
    text.resize(size_t(in.gcount()));
    return text;
}

long readLong(const std::string& path)
{
    const std::string text = trim(readSmallFile(path, 64));
    char* end = nullptr;
    const long v = std::strtol(text.c_str(), &end, 10);
    return text.empty() || *end != '\0' ? 0 : v;
}

std::string join(const std::string& root, const std::string& path)
{
    if (root.empty() || root == "/")
        return path;
    return (root.back() == '/' ? root.substr(0, root.size() - 1) : root) + path;
}

unsigned parseHex(const std::string& text)
{
    return unsigned(std::strtoul(text.c_str(), nullptr, 0));
}

const char* implementerName(unsigned implementer)
{
    switch (implementer) {
    case 0x41: return "ARM";
    case 0x42: return "Broadcom";
    case 0x43: return "Cavium";
    case 0x48: return "HiSilicon";
    case 0x4e: return "NVIDIA";
    case 0x51: return "Qualcomm";
    case 0x53: return "Samsung";
    case 0x61: return "Apple";
    case 0xc0: return "Ampere";
    default: return nullptr;
    }
}

// Per processor block of /proc/cpuinfo: its id and its description.
struct CpuEntry {
    int id = -1;
    std::string core;
};

std::vector<CpuEntry> parseCpuinfo(const std::string& text, std::string& modelName)
{
    std::vector<CpuEntry> cpus;
    std::istringstream in(text);
    std::string line;
    unsigned implementer = 0, part = 0;
    bool haveImplementer = false, havePart = false;
    auto close = [&] {
        if (!cpus.empty() && haveImplementer && havePart && cpus.back().core.empty())
            cpus.back().core = armCoreName(implementer, part);
        haveImplementer = havePart = false;
    };
    while (std::getline(in, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = trim(line.substr(0, colon)), value = trim(line.substr(colon + 1));
        if (key == "processor") {
            close();
            CpuEntry e;
            e.id = std::atoi(value.c_str());
            cpus.push_back(e);
        } else if (key == "model name" || key == "Processor" || key == "cpu model") {
            if (modelName.empty())
                modelName = value;
            if (!cpus.empty() && key == "model name")
                cpus.back().core = value;
        } else if (key == "CPU implementer") {
            implementer = parseHex(value);
            haveImplementer = true;
        } else if (key == "CPU part") {
            part = parseHex(value);
            havePart = true;
        }
    }
    close();
    return cpus;
}

std::string frequencyText(long kHz)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f GHz", double(kHz) / 1e6);
    return buf;
}

std::string osName(const std::string& root)
{
    // Android: the build properties (readable by the shell user).
    std::istringstream props(readSmallFile(join(root, "/system/build.prop")));
    std::string line;
    while (std::getline(props, line))
        if (line.rfind("ro.build.version.release=", 0) == 0)
            return "Android " + trim(line.substr(25));
    std::istringstream release(readSmallFile(join(root, "/etc/os-release")));
    while (std::getline(release, line))
        if (line.rfind("PRETTY_NAME=", 0) == 0) {
            std::string v = trim(line.substr(12));
            if (v.size() >= 2 && (v.front() == '"' || v.front() == '\''))
                v = v.substr(1, v.size() - 2);
            return v;
        }
    return {};
}

} // namespace

std::string armCoreName(unsigned implementer, unsigned part)
{
    if (implementer == 0x41) {
        static const std::map<unsigned, const char*> parts = {
            {0xd03, "Cortex-A53"}, {0xd04, "Cortex-A35"}, {0xd05, "Cortex-A55"}, {0xd07, "Cortex-A57"},
            {0xd08, "Cortex-A72"}, {0xd09, "Cortex-A73"}, {0xd0a, "Cortex-A75"}, {0xd0b, "Cortex-A76"},
            {0xd0c, "Neoverse-N1"}, {0xd0d, "Cortex-A77"}, {0xd40, "Neoverse-V1"}, {0xd41, "Cortex-A78"},
            {0xd44, "Cortex-X1"}, {0xd46, "Cortex-A510"}, {0xd47, "Cortex-A710"}, {0xd48, "Cortex-X2"},
            {0xd49, "Neoverse-N2"}, {0xd4d, "Cortex-A715"}, {0xd4e, "Cortex-X3"}, {0xd4f, "Neoverse-V2"},
            {0xd80, "Cortex-A520"}, {0xd81, "Cortex-A720"}, {0xd82, "Cortex-X4"},
        };
        const auto it = parts.find(part);
        if (it != parts.end())
            return it->second;
    }
    char buf[64];
    const char* name = implementerName(implementer);
    if (name)
        std::snprintf(buf, sizeof buf, "%s part 0x%03x", name, part);
    else
        std::snprintf(buf, sizeof buf, "implementer 0x%02x part 0x%03x", implementer, part);
    return buf;
}

std::vector<int> parseCpuList(const std::string& text)
{
    std::vector<int> cpus;
    std::istringstream in(trim(text));
    std::string item;
    auto bad = [&text] { return InputError("CPU list '" + text + "': expected ids like 0-3,6 (0 to 4095)"); };
    while (std::getline(in, item, ',')) {
        item = trim(item);
        const size_t dash = item.find('-');
        auto number = [&](const std::string& s) {
            if (s.empty() || s.find_first_not_of("0123456789") != std::string::npos || s.size() > 4)
                throw bad();
            const int v = std::atoi(s.c_str());
            if (v > 4095)
                throw bad();
            return v;
        };
        const int from = number(dash == std::string::npos ? item : item.substr(0, dash));
        const int to = dash == std::string::npos ? from : number(item.substr(dash + 1));
        if (to < from)
            throw bad();
        for (int c = from; c <= to; ++c)
            cpus.push_back(c);
    }
    if (cpus.empty())
        throw bad();
    std::sort(cpus.begin(), cpus.end());
    cpus.erase(std::unique(cpus.begin(), cpus.end()), cpus.end());
    return cpus;
}

std::string cpuListText(const std::vector<int>& cpus)
{
    std::string out;
    for (size_t i = 0; i < cpus.size();) {
        size_t j = i;
        while (j + 1 < cpus.size() && cpus[j + 1] == cpus[j] + 1)
            ++j;
        out += (out.empty() ? "" : ",") + std::to_string(cpus[i]);
        if (j > i)
            out += "-" + std::to_string(cpus[j]);
        i = j + 1;
    }
    return out;
}

std::string cpuMaskHex(const std::vector<int>& cpus)
{
    if (cpus.empty())
        return "0";
    const int top = *std::max_element(cpus.begin(), cpus.end());
    std::vector<unsigned> nibbles(size_t(top / 4 + 1), 0);
    for (const int c : cpus)
        nibbles[size_t(c / 4)] |= 1u << (c % 4);
    std::string out;
    for (size_t i = nibbles.size(); i-- > 0;)
        out += "0123456789abcdef"[nibbles[i]];
    return out;
}

DeviceInfo readDeviceInfo(const std::string& root)
{
    DeviceInfo info;
    if (root.empty() || root == "/") {
        utsname u{};
        if (uname(&u) == 0) {
            info.arch = u.machine;
            info.kernel = u.release;
        }
    } else {
        info.arch = trim(readSmallFile(join(root, "/proc/sys/kernel/arch"), 64));
        info.kernel = trim(readSmallFile(join(root, "/proc/sys/kernel/osrelease"), 256));
    }
    info.os = osName(root);
    if (info.os.empty() && !info.kernel.empty())
        info.os = "Linux " + info.kernel;

    std::string modelName;
    std::vector<CpuEntry> entries = parseCpuinfo(readSmallFile(join(root, "/proc/cpuinfo")), modelName);
    std::vector<int> ids;
    const std::string present = trim(readSmallFile(join(root, "/sys/devices/system/cpu/present"), 256));
    try {
        if (!present.empty())
            ids = parseCpuList(present);
    } catch (const InputError&) {
    }
    if (ids.empty())
        for (const CpuEntry& e : entries)
            if (e.id >= 0)
                ids.push_back(e.id);
    info.cpuCount = int(ids.size());

    // Clusters: one per (max frequency, core) pair, slowest first.
    std::map<std::pair<long, std::string>, std::vector<int>> groups;
    for (const int id : ids) {
        const long maxKHz =
            readLong(join(root, "/sys/devices/system/cpu/cpu" + std::to_string(id) + "/cpufreq/cpuinfo_max_freq"));
        std::string core = modelName;
        for (const CpuEntry& e : entries)
            if (e.id == id && !e.core.empty())
                core = e.core;
        groups[{maxKHz, core}].push_back(id);
    }
    for (auto& [key, cpus] : groups) {
        CpuCluster c;
        c.maxKHz = key.first;
        c.core = key.second.empty() ? "unknown core" : key.second;
        c.cpus = cpus;
        info.clusters.push_back(c);
    }
    for (const CpuCluster& c : info.clusters) {
        info.cpu += (info.cpu.empty() ? "" : " + ") + std::to_string(c.cpus.size()) + "x " + c.core;
        if (c.maxKHz > 0)
            info.cpu += " @ " + frequencyText(c.maxKHz);
    }
    if (info.cpu.empty())
        info.cpu = modelName.empty() ? "unknown CPU" : modelName;

    std::istringstream meminfo(readSmallFile(join(root, "/proc/meminfo"), 16384));
    std::string line;
    while (std::getline(meminfo, line))
        if (line.rfind("MemTotal:", 0) == 0)
            info.memoryKb = std::atoll(line.c_str() + 9);
    return info;
}

MachineState readMachineState(const std::string& root)
{
    MachineState state;
    std::vector<int> ids;
    try {
        ids = parseCpuList(readSmallFile(join(root, "/sys/devices/system/cpu/present"), 256));
    } catch (const InputError&) {
    }
    for (const int id : ids) {
        if (size_t(id) >= state.curKHz.size())
            state.curKHz.resize(size_t(id) + 1, 0);
        state.curKHz[size_t(id)] =
            readLong(join(root, "/sys/devices/system/cpu/cpu" + std::to_string(id) + "/cpufreq/scaling_cur_freq"));
    }
    const std::string thermal = join(root, "/sys/class/thermal");
    std::vector<int> zones;
    if (DIR* dir = opendir(thermal.c_str())) {
        while (const dirent* e = readdir(dir)) {
            const std::string name = e->d_name;
            if (name.rfind("thermal_zone", 0) == 0 && name.size() > 12
                && name.find_first_not_of("0123456789", 12) == std::string::npos)
                zones.push_back(std::atoi(name.c_str() + 12));
        }
        closedir(dir);
    }
    std::sort(zones.begin(), zones.end());
    for (const int z : zones) {
        if (int(state.temperatures.size()) >= kMaxThermalZones)
            break;
        const std::string base = thermal + "/thermal_zone" + std::to_string(z);
        const std::string temp = trim(readSmallFile(base + "/temp", 64));
        if (temp.empty())
            continue;
        ThermalReading r;
        r.zone = trim(readSmallFile(base + "/type", 128));
        if (r.zone.empty())
            r.zone = "thermal_zone" + std::to_string(z);
        r.celsius = std::atof(temp.c_str()) / 1000.0;
        state.temperatures.push_back(r);
    }
    return state;
}

} // namespace espalier::runtime
