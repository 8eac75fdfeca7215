// espalier-cli device ...: the project's devices (devices.yaml) — add, list, remove, probe — and the
// benchmark protocol on one of them, with the seed's CER/latency table from the sessions it stored.
#include "app/cli/commands.h"
#include "core/deploy/bench_inputs.h"
#include "core/deploy/bench_job.h"
#include "core/deploy/device.h"
#include "core/deploy/device_session.h"
#include "core/deploy/espm_export.h"
#include "core/deploy/latency_table.h"
#include "core/project/project.h"
#include "core/runtime/error.h"
#include "core/train/run_record.h"

#include <cstdio>
#include <filesystem>
#include <memory>

namespace fs = std::filesystem;

namespace espalier::cli {

namespace {

struct DeviceArgs {
    std::string project = ".";
    std::string name;
    // add
    bool local = false, emulated = false, adb = false;
    std::string ssh, key, serial, arch = "aarch64", workDir, cpus;
    bool replace = false;
    // bench
    std::vector<std::string> models, labels, testSets;
    std::vector<int> frames;
    int utterances = 5;
    deploy::BenchSettings settings;
    // results
    std::string session;
};

// [USER@]HOST[:PORT] (an IPv6 address in brackets: [::1]:2222).
void parseSshTarget(const std::string& target, deploy::DeviceSpec& d)
{
    std::string rest = target;
    const size_t at = rest.find('@');
    if (at != std::string::npos) {
        d.user = rest.substr(0, at);
        rest = rest.substr(at + 1);
    }
    if (!rest.empty() && rest[0] == '[') {
        const size_t close = rest.find(']');
        if (close == std::string::npos)
            throw InputError("--ssh '" + target + "': unclosed '['");
        d.host = rest.substr(1, close - 1);
        rest = rest.substr(close + 1);
        if (!rest.empty() && rest[0] == ':')
            rest = rest.substr(1);
        else
            rest.clear();
    } else {
        const size_t colon = rest.find(':');
        d.host = rest.substr(0, colon);
        rest = colon == std::string::npos ? "" : rest.substr(colon + 1);
    }
    if (!rest.empty()) {
        if (rest.find_first_not_of("0123456789") != std::string::npos || rest.size() > 5)
            throw InputError("--ssh '" + target + "': the port must be a number");
        d.port = std::stoi(rest);
    }
}

nlohmann::json deviceJson(const deploy::DeviceSpec& d)
{
    return {{"name", d.name}, {"kind", deploy::deviceKindNames().name(d.kind)}, {"description", d.describe()},
            {"host", d.host}, {"port", d.port}, {"user", d.user}, {"key", d.keyFile}, {"serial", d.serial},
            {"arch", d.arch}, {"work_dir", d.workDir}, {"cpus", d.cpus}};
}

int addDevice(const CliContext& context, const DeviceArgs& a)
{
    const int kinds = int(a.local) + int(a.emulated) + int(a.adb) + int(!a.ssh.empty());
    if (kinds != 1)
        throw InputError("device add: give exactly one of --local, --emulated, --ssh [USER@]HOST[:PORT], --adb");
    deploy::DeviceSpec d;
    d.name = a.name;
    if (a.local)
        d.kind = deploy::DeviceKind::Local;
    if (a.emulated) {
        d.kind = deploy::DeviceKind::Emulated;
        d.arch = a.arch;
    }
    if (a.adb) {
        d.kind = deploy::DeviceKind::Adb;
        d.serial = a.serial;
    }
    if (!a.ssh.empty()) {
        d.kind = deploy::DeviceKind::Ssh;
        parseSshTarget(a.ssh, d);
        d.keyFile = a.key.empty() ? "" : fs::absolute(a.key).string();
        std::error_code ec;
        if (!d.keyFile.empty() && !fs::is_regular_file(d.keyFile, ec))
            throw InputError("--key: no key file '" + a.key + "'");  // else ssh fails later, far less clearly
    }
    d.workDir = a.workDir;
    d.cpus = a.cpus;
    deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(a.project);
    if (a.replace)
        registry.replace(d);
    else
        registry.add(d);
    registry.save();
    if (context.json)
        context.printJson(deviceJson(d));
    else
        std::printf("added device '%s' (%s) to %s\n", d.name.c_str(), d.describe().c_str(), registry.filePath().c_str());
    return kExitOk;
}

int listDevices(const CliContext& context, const DeviceArgs& a)
{
    const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(a.project);
    nlohmann::json all = nlohmann::json::array();
    for (const deploy::DeviceSpec& d : registry.devices()) {
        nlohmann::json j = deviceJson(d);
        if (const auto probe = deploy::loadProbe(registry, d.name))
            j["probe"] = deploy::probeJson(*probe);
        all.push_back(j);
        if (!context.json) {
            const auto probe = deploy::loadProbe(registry, d.name);
            std::printf("%-16s %-34s %s\n", d.name.c_str(), d.describe().c_str(),
                        probe ? (probe->info.cpu + ", " + probe->info.os).c_str() : "(not probed)");
        }
    }
    if (context.json)
        context.printJson(all);
    else if (registry.devices().empty())
        std::printf("no devices in %s (add one with: espalier-cli device add NAME --local)\n", registry.filePath().c_str());
    return kExitOk;
}

int probeDevice(const CliContext& context, const DeviceArgs& a)
{
    const deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(a.project);
    const deploy::DeviceSpec& d = registry.get(a.name);
    job::CancellationToken token;
    deploy::DeviceSession session(d, registry, &token);
    const deploy::DeviceProbe p = session.probe();
    deploy::saveProbe(registry, p);
    if (context.json) {
        context.printJson(deploy::probeJson(p));
        return kExitOk;
    }
    std::printf("device   %s (%s)\narch     %s, sparse kernel %s (%s)\ncpu      %s\n", d.name.c_str(),
                d.describe().c_str(), p.info.arch.c_str(), p.kernel.c_str(), p.runner.c_str(), p.info.cpu.c_str());
    for (const runtime::CpuCluster& c : p.info.clusters)
        std::printf("cluster  CPUs %s (taskset mask %s) %s%s\n", runtime::cpuListText(c.cpus).c_str(),
                    runtime::cpuMaskHex(c.cpus).c_str(), c.core.c_str(),
                    c.maxKHz > 0 ? (", up to " + std::to_string(c.maxKHz / 1000) + " MHz").c_str() : "");
    std::printf("memory   %lld MiB\nos       %s (kernel %s)\n", p.info.memoryKb / 1024, p.info.os.c_str(),
                p.info.kernel.c_str());
    return kExitOk;
}

// A test set given by path, or by name inside one of the project's corpora.
std::string findTestSet(const std::string& projectDir, const std::string& name)
{
    std::error_code ec;
    if (fs::exists(name, ec))
        return name;
    if (project::Project::isProject(projectDir)) {
        const project::Project p = project::Project::open(projectDir);
        for (const project::CorpusEntry& c : p.config().corpora) {
            const fs::path candidate = fs::path(p.absoluteCorpusPath(c)) / name;
            if (fs::exists(candidate, ec))
                return candidate.string();
        }
    }
    throw InputError("--test-set '" + name + "': no such folder, nor a split of that name in the project's corpora");
}

int benchDevice(const CliContext& context, DeviceArgs a)
{
    if (a.models.empty())
        throw InputError("device bench: give at least one --model (an .espm file or a run folder)");
    if (a.labels.size() > a.models.size())
        throw InputError("device bench: more --label than --model");
    std::vector<deploy::BenchModelSource> models;
    for (size_t i = 0; i < a.models.size(); ++i) {
        std::error_code ec;
        if (!fs::exists(a.models[i], ec))
            throw InputError("--model '" + a.models[i] + "' does not exist");
        models.push_back({a.models[i], i < a.labels.size() ? a.labels[i] : ""});
    }
    for (const int f : a.frames)
        a.settings.inputs.push_back(deploy::featuresInput(f));
    for (const std::string& t : a.testSets)
        a.settings.inputs.push_back(deploy::testSetInput(findTestSet(a.project, t), a.utterances));
    if (a.settings.inputs.empty())
        a.settings.inputs.push_back(deploy::featuresInput(600));
    deploy::DeviceBenchJob job(a.project, a.name, models, a.settings,
                               deploy::exportForDevice);
    const int code = context.runJob(job);
    const deploy::BenchSession& s = job.session();
    if (s.measurements.empty())
        return code;
    if (context.json) {
        context.printJson({{"session", s.id}, {"saved", job.savedTo()}, {"complete", s.complete}});
        return code;
    }
    std::map<std::string, std::map<std::string, double>> cers;
    for (const deploy::BenchModel& m : s.models)
        if (!m.runDir.empty())
            for (const auto& [set, r] : train::readRunRecord(m.runDir).tests)
                cers[m.label][set] = r.cer;
    std::printf("%s", deploy::formatLatencyTable(deploy::buildLatencyTable(s, cers)).c_str());
    for (const std::string& path : job.savedTo())
        std::printf("saved %s\n", path.c_str());
    return code;
}

int showResults(const CliContext& context, const DeviceArgs& a)
{
    const std::vector<deploy::BenchSession> sessions = deploy::listSessions(a.project);
    const deploy::BenchSession* chosen = nullptr;
    for (const deploy::BenchSession& s : sessions)
        if ((a.session.empty() || s.id == a.session) && (a.name.empty() || s.device == a.name)) {
            chosen = &s;
            break;
        }
    if (!chosen) {
        if (!a.session.empty())
            throw InputError("no benchmark session '" + a.session + "' in " + a.project + "/devices/results");
        if (context.json)
            context.printJson(nlohmann::json::array());
        else
            std::printf("no benchmark sessions%s yet (run espalier-cli device bench)\n",
                        a.name.empty() ? "" : (" on " + a.name).c_str());
        return kExitOk;
    }
    if (context.json) {
        context.printJson(deploy::sessionJson(*chosen));
        return kExitOk;
    }
    std::map<std::string, std::map<std::string, double>> cers;
    for (const deploy::BenchModel& m : chosen->models)
        if (!m.runDir.empty())
            for (const auto& [set, r] : train::readRunRecord(m.runDir).tests)
                cers[m.label][set] = r.cer;
    std::printf("session %s (%s, %s)%s\n", chosen->id.c_str(), chosen->deviceDescription.c_str(),
                chosen->probe.info.cpu.c_str(), chosen->complete ? "" : " — incomplete");
    std::printf("%s", deploy::formatLatencyTable(deploy::buildLatencyTable(*chosen, cers)).c_str());
    return kExitOk;
}

} // namespace

void addDeviceCommands(CLI::App& app, const CliContext& context, Action& action)
{
    auto a = std::make_shared<DeviceArgs>();
    CLI::App* device = app.add_subcommand("device", "Devices to benchmark on (devices.yaml): add, list, probe, bench, results");
    device->require_subcommand(1);
    auto projectOption = [a](CLI::App* cmd) {
        cmd->add_option("--project", a->project, "Project folder")->capture_default_str();
    };

    CLI::App* add = device->add_subcommand("add", "Register a device: this machine, an SSH board, an ADB phone, or emulated aarch64");
    add->add_option("name", a->name, "Its name in the project")->required();
    add->add_flag("--local", a->local, "This machine");
    add->add_flag("--emulated", a->emulated, "An aarch64 device emulated with qemu-user (no board needed)");
    add->add_option("--ssh", a->ssh, "[USER@]HOST[:PORT]: a board reached with OpenSSH (batch mode; host key pinned on first use)");
    add->add_option("--key", a->key, "SSH private key file");
    add->add_flag("--adb", a->adb, "An Android device reached with adb");
    add->add_option("--serial", a->serial, "adb serial (when several devices are attached)");
    add->add_option("--work-dir", a->workDir, "Folder on the device for the runner, models and audio");
    add->add_option("--cpus", a->cpus, "Default CPUs to pin benchmarks to (e.g. 4-7)");
    add->add_flag("--replace", a->replace, "Replace a device of the same name");
    projectOption(add);
    add->callback([&context, &action, a] { action = [&context, a] { return addDevice(context, *a); }; });

    CLI::App* list = device->add_subcommand("list", "The project's devices and what their last probe found");
    projectOption(list);
    list->callback([&context, &action, a] { action = [&context, a] { return listDevices(context, *a); }; });

    CLI::App* remove = device->add_subcommand("remove", "Remove a device from the project");
    remove->add_option("name", a->name, "Device name")->required();
    projectOption(remove);
    remove->callback([&context, &action, a] {
        action = [&context, a] {
            deploy::DeviceRegistry registry = deploy::DeviceRegistry::load(a->project);
            registry.remove(a->name);
            registry.save();
            if (!context.quiet && !context.json)
                std::printf("removed device '%s'\n", a->name.c_str());
            return kExitOk;
        };
    });

    CLI::App* probe = device->add_subcommand("probe", "Connect, push the runner, and report architecture, cores, clusters, memory, OS");
    probe->add_option("name", a->name, "Device name")->required();
    projectOption(probe);
    probe->callback([&context, &action, a] { action = [&context, a] { return probeDevice(context, *a); }; });

    CLI::App* bench = device->add_subcommand("bench", "Time models on a device: interleaved rounds with cool-down, pinned to CPUs");
    bench->add_option("name", a->name, "Device name")->required();
    bench->add_option("--model", a->models, "An .espm file or a run folder (exported if needed); repeat to compare, the first is the baseline");
    bench->add_option("--label", a->labels, "Labels of the models, in order (default: run id or file name)");
    bench->add_option("--frames", a->frames, "Time the encoder on this many frames of random features (repeatable)");
    bench->add_option("--test-set", a->testSets, "Time end to end on utterances of this split (a folder, or a split name in the project's corpora)");
    bench->add_option("--utterances", a->utterances, "Utterances per test set")->capture_default_str();
    bench->add_option("--runs", a->settings.runs, "Timed runs per measurement")->capture_default_str();
    bench->add_option("--warmup", a->settings.warmup, "Warm-up runs per measurement")->capture_default_str();
    bench->add_option("--rounds", a->settings.rounds, "Rounds (the models' order alternates)")->capture_default_str();
    bench->add_option("--cooldown", a->settings.cooldownSeconds, "Seconds of rest before each measurement")->capture_default_str();
    bench->add_option("--threads", a->settings.threads, "Runner compute threads")->capture_default_str();
    bench->add_option("--cpus", a->settings.cpus, "Pin to these CPUs: big, little, or a list such as 4-7");
    bench->add_option("--timeout", a->settings.timeoutSeconds, "Seconds one measurement may take")->capture_default_str();
    projectOption(bench);
    bench->callback([&context, &action, a] { action = [&context, a] { return benchDevice(context, *a); }; });

    CLI::App* results = device->add_subcommand("results", "The CER / latency table of the latest benchmark session (--json: the session)");
    results->add_option("name", a->name, "Only sessions on this device");
    results->add_option("--session", a->session, "A session id (devices/results/<id>.json)");
    projectOption(results);
    results->callback([&context, &action, a] { action = [&context, a] { return showResults(context, *a); }; });
}

} // namespace espalier::cli
