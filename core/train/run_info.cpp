#include "core/train/run_info.h"

#include "core/io/atomic_file.h"
#include "core/io/json_fields.h"
#include "core/runtime/device_info.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <unistd.h>

#ifndef ESPALIER_VERSION
#define ESPALIER_VERSION "unknown"
#endif
#ifndef ESPALIER_GIT_DESCRIBE
#define ESPALIER_GIT_DESCRIBE ""
#endif

namespace espalier::train {

namespace {

// The flags of /proc/cpuinfo that decide which kernels run (x86 and ARM names).
std::vector<std::string> instructionSets()
{
    static const std::set<std::string> kWanted{"sse4_2", "avx", "avx2", "fma", "f16c", "avx512f", "avx512bw", "avx512vl",
                                               "avx512_vnni", "avx512_bf16", "avx512_fp16", "amx_tile", "amx_bf16",
                                               "amx_int8", "asimd", "asimdhp", "asimddp", "sve", "sve2", "i8mm", "bf16"};
    std::ifstream in("/proc/cpuinfo");
    std::string line;
    while (std::getline(in, line)) {
        const auto colon = line.find(':');
        if (colon == std::string::npos)
            continue;
        const std::string key = line.substr(0, line.find_first_of(" \t"));
        if (key != "flags" && key != "Features")
            continue;
        std::istringstream words(line.substr(colon + 1));
        std::vector<std::string> found;
        for (std::string w; words >> w;)
            if (kWanted.count(w))
                found.push_back(w);
        return found;
    }
    return {};
}

std::string compilerName()
{
#if defined(__clang__)
    return "Clang " __clang_version__;
#elif defined(__GNUC__)
    return "GCC " __VERSION__;
#else
    return "unknown";
#endif
}

} // namespace

std::string utcNow()
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm utc{};
    gmtime_r(&now, &utc);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc);
    return text;
}

namespace {

std::string& frontEndName()
{
    static std::string name;
    return name;
}

} // namespace

void setFrontEnd(const std::string& name)
{
    frontEndName() = name;
}

RunEnvironment currentEnvironment()
{
    RunEnvironment e;
    e.frontEnd = frontEndName();
    e.espalier = ESPALIER_VERSION;
    if (std::string(ESPALIER_GIT_DESCRIBE).size())
        e.espalier += std::string(" (git ") + ESPALIER_GIT_DESCRIBE + ")";
    e.compiler = compilerName();
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) == 0)
        e.host = host;
    const runtime::DeviceInfo device = runtime::readDeviceInfo();
    e.cpu = device.cpu;
    e.cores = device.cpuCount;
    e.arch = device.arch;
    e.os = device.os;
    e.kernel = device.kernel;
    e.isa = instructionSets();
    return e;
}

std::optional<RunInfo> readRunInfo(const std::string& runDir)
{
    const std::string path = runDir + "/" + kRunInfoFile;
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        return std::nullopt;
    return parseRunInfo(io::readFile(path), path);
}

RunInfo parseRunInfo(const std::string& content, const std::string& path)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(content);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path + ": " + e.what());
    }
    if (!j.is_object())
        throw FormatError(path + ": not a JSON object");
    const auto text = [&](const nlohmann::json& o, const char* key, const std::string& at) {
        return io::jsonField<std::string>(o, key, "", at);
    };
    RunInfo info;
    info.kind = text(j, "kind", path);
    info.command = text(j, "command", path);
    info.init = text(j, "init", path);
    info.recipe = text(j, "recipe", path);
    if (j.contains("environment")) {
        const nlohmann::json& env = j["environment"];
        const std::string at = path + ": environment";
        if (!env.is_object())
            throw FormatError(at + " is not an object");
        RunEnvironment& e = info.environment;
        e.espalier = text(env, "espalier", at);
        e.libtorch = text(env, "libtorch", at);
        e.compiler = text(env, "compiler", at);
        e.frontEnd = text(env, "front_end", at);
        e.host = text(env, "host", at);
        e.cpu = text(env, "cpu", at);
        e.cores = io::jsonField<int>(env, "cores", 0, at);
        e.arch = text(env, "arch", at);
        e.isa = io::jsonField<std::vector<std::string>>(env, "isa", {}, at);
        e.os = text(env, "os", at);
        e.kernel = text(env, "kernel", at);
    }
    if (j.contains("launches")) {
        if (!j["launches"].is_array())
            throw FormatError(path + ": field 'launches' is not a list");
        for (const nlohmann::json& l : j["launches"]) {
            const std::string at = path + ": launches";
            RunLaunch launch;
            launch.started = text(l, "started", at);
            launch.ended = text(l, "ended", at);
            launch.status = text(l, "status", at);
            launch.steps = io::jsonField<long long>(l, "steps", 0, at);
            launch.error = text(l, "error", at);
            info.launches.push_back(launch);
        }
    }
    return info;
}

std::string runInfoJson(const RunInfo& info)
{
    const RunEnvironment& e = info.environment;
    nlohmann::json launches = nlohmann::json::array();
    for (const RunLaunch& l : info.launches) {
        nlohmann::json launch{{"started", l.started}, {"ended", l.ended}, {"status", l.status}, {"steps", l.steps}};
        if (!l.error.empty())
            launch["error"] = l.error;
        launches.push_back(launch);
    }
    const nlohmann::json j{
        {"kind", info.kind},
        {"command", info.command},
        {"init", info.init},
        {"recipe", info.recipe},
        {"environment",
         {{"espalier", e.espalier}, {"libtorch", e.libtorch}, {"compiler", e.compiler}, {"front_end", e.frontEnd}, {"host", e.host}, {"cpu", e.cpu},
          {"cores", e.cores}, {"arch", e.arch}, {"isa", e.isa}, {"os", e.os}, {"kernel", e.kernel}}},
        {"launches", launches}};
    return j.dump(2) + "\n";
}

void writeRunInfo(const std::string& runDir, const RunInfo& info)
{
    io::writeFileAtomic(runDir + "/" + kRunInfoFile, runInfoJson(info));
}

} // namespace espalier::train
