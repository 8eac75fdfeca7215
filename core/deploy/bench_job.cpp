#include "core/deploy/bench_job.h"

#include "core/deploy/bench_inputs.h"
#include "core/deploy/device_session.h"
#include "core/job/shell_quote.h"
#include "core/deploy/target_layout.h"
#include "core/runtime/device_info.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <thread>

namespace fs = std::filesystem;

namespace espalier::deploy {

namespace {

constexpr int kStages = 4;  // connect, prepare, copy, benchmark

std::string defaultLabel(const std::string& path)
{
    const fs::path p = fs::path(path).lexically_normal();
    const std::string name = (p.has_filename() ? p : p.parent_path()).filename().string();
    return fs::is_directory(path) ? name : fs::path(name).stem().string();
}

std::string number(double v)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%g", v);
    return buf;
}

// Sleeps in slices so a cancel ends the wait within a tenth of a second.
void coolDown(job::JobContext& context, double seconds)
{
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double>(seconds);
    while (std::chrono::steady_clock::now() < until) {
        context.throwIfCancelled();
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
}

} // namespace

void validateBenchSettings(const BenchSettings& s)
{
    if (s.inputs.empty())
        throw InputError("benchmark: no input (give a frame count or test-set audio)");
    for (const BenchInput& i : s.inputs) {
        if (i.name.empty())
            throw InputError("benchmark: an input has no name");
        if (!i.split.empty() && i.wavs.empty() && (i.utterances < 1 || i.utterances > 1000))
            throw InputError("benchmark input '" + i.name + "': utterances must be between 1 and 1000");
        if (i.split.empty() && i.wavs.empty() && (i.frames < 7 || i.frames > 100000))
            throw InputError("benchmark input '" + i.name + "': frames must be between 7 and 100000");
    }
    if (s.rounds < 1 || s.rounds > 1000)
        throw InputError("benchmark rounds must be between 1 and 1000");
    if (s.runs < 1 || s.runs > 100000)
        throw InputError("benchmark runs must be between 1 and 100000");
    if (s.warmup < 0 || s.warmup > 1000)
        throw InputError("benchmark warm-up runs must be between 0 and 1000");
    if (s.threads < 1 || s.threads > 256)
        throw InputError("benchmark threads must be between 1 and 256");
    if (s.cooldownSeconds < 0 || s.cooldownSeconds > 3600)
        throw InputError("benchmark cool-down must be between 0 and 3600 s");
    if (!s.cpus.empty() && s.cpus != "big" && s.cpus != "little")
        runtime::parseCpuList(s.cpus);
}

std::string resolveCpus(const std::string& setting, const runtime::DeviceInfo& device, const std::string& deviceName)
{
    if (setting.empty())
        return {};
    if (setting == "big" || setting == "little") {
        if (device.clusters.empty())
            throw InputError("device '" + deviceName + "' reported no CPU clusters to choose '" + setting + "' from");
        // Clusters come slowest first (by maximum frequency).
        const runtime::CpuCluster& c = setting == "big" ? device.clusters.back() : device.clusters.front();
        return runtime::cpuListText(c.cpus);
    }
    const std::vector<int> want = runtime::parseCpuList(setting);
    if (device.cpuCount > 0 && want.back() >= device.cpuCount)
        throw InputError("device '" + deviceName + "' has CPUs 0-" + std::to_string(device.cpuCount - 1) + "; --cpus "
                         + setting + " asks for CPU " + std::to_string(want.back()));
    return runtime::cpuListText(want);
}

DeviceBenchJob::DeviceBenchJob(std::string projectDir, std::string deviceName, std::vector<BenchModelSource> models,
                               BenchSettings settings, RunExporter exporter)
    : projectDir_(std::move(projectDir)), deviceName_(std::move(deviceName)), sources_(std::move(models)),
      settings_(std::move(settings)), exporter_(std::move(exporter))
{
    validateBenchSettings(settings_);
    if (sources_.empty())
        throw InputError("benchmark: no model to time");
    for (BenchModelSource& m : sources_)
        if (m.label.empty())
            m.label = defaultLabel(m.path);
    for (size_t i = 0; i < sources_.size(); ++i)
        for (size_t j = 0; j < i; ++j)
            if (sources_[i].label == sources_[j].label)
                throw InputError("benchmark: two models are labelled '" + sources_[i].label + "' (give each its own label)");
}

std::string DeviceBenchJob::title() const
{
    return "Benchmark on " + deviceName_;
}

std::vector<std::string> DeviceBenchJob::cliCommand() const
{
    std::vector<std::string> cmd = {"espalier-cli", "device", "bench", deviceName_, "--project", projectDir_};
    for (const BenchModelSource& m : sources_) {
        cmd.insert(cmd.end(), {"--model", m.path});
        if (m.label != defaultLabel(m.path))
            cmd.insert(cmd.end(), {"--label", m.label});
    }
    int utterances = 0;
    for (const BenchInput& i : settings_.inputs) {
        if (i.split.empty()) {
            cmd.insert(cmd.end(), {"--frames", std::to_string(i.frames)});
        } else {
            cmd.insert(cmd.end(), {"--test-set", i.split});
            utterances = std::max(utterances, std::max(i.utterances, int(i.wavs.size())));
        }
    }
    if (utterances > 0)
        cmd.insert(cmd.end(), {"--utterances", std::to_string(utterances)});
    cmd.insert(cmd.end(), {"--runs", std::to_string(settings_.runs), "--warmup", std::to_string(settings_.warmup),
                           "--rounds", std::to_string(settings_.rounds), "--cooldown", number(settings_.cooldownSeconds),
                           "--threads", std::to_string(settings_.threads)});
    if (!settings_.cpus.empty())
        cmd.insert(cmd.end(), {"--cpus", settings_.cpus});
    return cmd;
}

std::vector<std::string> DeviceBenchJob::benchArguments(const std::string& model, const BenchInput& input,
                                                        const BenchSettings& s, const std::vector<std::string>& deviceWavs)
{
    std::vector<std::string> args = {"bench", model, "--json", "--warmup", std::to_string(s.warmup), "--runs",
                                     std::to_string(s.runs), "--threads", std::to_string(s.threads)};
    if (!s.cpus.empty())
        args.insert(args.end(), {"--cpus", s.cpus});
    if (deviceWavs.empty())
        args.insert(args.end(), {"--frames", std::to_string(input.frames)});
    for (const std::string& w : deviceWavs)
        args.insert(args.end(), {"--wav", w});
    return args;
}

void DeviceBenchJob::run(job::JobContext& context)
{
    const DeviceRegistry registry = DeviceRegistry::load(projectDir_);
    const DeviceSpec& device = registry.get(deviceName_);
    session_ = BenchSession{};
    session_.device = device.name;
    session_.deviceDescription = device.describe();
    session_.settings = settings_;
    session_.startedAt = utcTimestamp();
    session_.id = fileStamp() + "-" + device.name;
    // Two sessions on one device within a second keep their own files.
    for (int n = 2; fs::exists(fs::path(projectDir_) / "devices" / "results" / (session_.id + ".json")); ++n)
        session_.id = fileStamp() + "-" + device.name + "-" + std::to_string(n);

    const int exportCount = int(std::count_if(sources_.begin(), sources_.end(),
                                              [](const BenchModelSource& m) { return fs::is_directory(m.path); }));
    // Time is mostly measuring; exporting a run (timed on the device) takes about as long as a few measurements.
    context.setStageWeights({0.04, 0.02 + 0.08 * exportCount, 0.05, 0.81});

    context.beginStage("connect to " + device.name, 0, kStages);
    DeviceSession remote(device, registry, &context.token());
    context.info("probing " + device.describe());
    session_.probe = remote.probe();
    session_.probe.device = device.name;
    saveProbe(registry, session_.probe);
    context.info(device.name + ": " + session_.probe.info.cpu + ", " + session_.probe.info.os + ", kernel "
                 + session_.probe.kernel);
    // The session records the CPUs the setting named on this device.
    session_.settings.cpus = resolveCpus(settings_.cpus, session_.probe.info, device.name);
    if (!session_.settings.cpus.empty())
        context.info("pinning to CPUs " + session_.settings.cpus + " (mask "
                     + runtime::cpuMaskHex(runtime::parseCpuList(session_.settings.cpus)) + ")");
    prepare(context, remote, registry);
    measure(context, remote);
}

void DeviceBenchJob::prepare(job::JobContext& context, DeviceSession& remote, const DeviceRegistry& registry)
{
    context.beginStage("prepare models and audio", 1, kStages, (long long)sources_.size());
    for (size_t i = 0; i < sources_.size(); ++i) {
        context.throwIfCancelled();
        const BenchModelSource& src = sources_[i];
        std::string espm = src.path, runDir;
        if (fs::is_directory(src.path)) {
            if (!exporter_)
                throw InputError("'" + src.path + "' is a run folder; export it first (espalier-cli export)");
            runDir = src.path;
            ExportOptions options;
            options.target = layoutTimerOn(remote);
            options.targetName = remote.device().name;
            espm = exporter_(src.path, options, context);
        }
        session_.models.push_back(describeModel(espm, src.label, runDir));
        context.advance((long long)i + 1);
    }
    // Test sets' utterances, at the first model's sample rate (the runner refuses another).
    for (BenchInput& input : session_.settings.inputs)
        if (!input.split.empty() && input.wavs.empty()) {
            context.info("picking " + std::to_string(input.utterances) + " utterances of " + input.name);
            resolveTestSet(input, session_.models.front().sampleRate, (fs::path(registry.stateDir()) / "audio").string());
        }
}

void DeviceBenchJob::measure(job::JobContext& context, DeviceSession& remote)
{
    const std::vector<BenchInput>& inputs = session_.settings.inputs;
    long long files = (long long)session_.models.size();
    for (const BenchInput& i : inputs)
        files += (long long)i.wavs.size();
    context.beginStage("copy models and audio", 2, kStages, files);
    long long copied = 0;
    std::vector<std::string> deviceModels;
    for (const BenchModel& m : session_.models) {
        deviceModels.push_back(remote.stage(m.espm, "models"));
        context.advance(++copied);
    }
    std::vector<std::vector<std::string>> deviceWavs;
    for (const BenchInput& input : inputs) {
        deviceWavs.emplace_back();
        for (const std::string& w : input.wavs) {
            deviceWavs.back().push_back(remote.stage(w, "audio"));
            context.advance(++copied);
        }
    }

    const long long total = (long long)settings_.rounds * (long long)inputs.size() * (long long)session_.models.size();
    context.beginStage("benchmark", 3, kStages, total);
    long long done = 0, sample = 0;
    try {
        for (int round = 0; round < settings_.rounds; ++round)
            for (size_t in = 0; in < inputs.size(); ++in) {
                const BenchInput& input = inputs[in];
                std::vector<size_t> order(session_.models.size());
                for (size_t k = 0; k < order.size(); ++k)
                    order[k] = k;
                if (round % 2 == 1)
                    std::reverse(order.begin(), order.end());
                for (const size_t k : order) {
                    if (settings_.cooldownSeconds > 0 && done > 0)
                        coolDown(context, settings_.cooldownSeconds);
                    const BenchModel& model = session_.models[k];
                    const std::vector<std::string> args =
                        benchArguments(deviceModels[k], input, session_.settings, deviceWavs[in]);
                    context.log(job::LogLevel::Debug, job::shellJoin(remote.runnerCommand(args)));
                    const std::string out = remote.runRunner(args, settings_.timeoutSeconds);
                    BenchMeasurement m;
                    m.model = model.label;
                    m.input = input.name;
                    m.round = round;
                    m.result = parseRunnerBench(out, "device '" + session_.device + "': espalier-run bench");
                    for (const double ms : m.result.latenciesMs)
                        context.metric({"latency_ms", double(sample++), ms,
                                        {{"model", model.label}, {"input", input.name}, {"round", std::to_string(round)}}});
                    char line[256];
                    std::snprintf(line, sizeof line, "round %d, %s, %s: median %.2f ms (p90 %.2f, %d runs, CPUs %s)",
                                  round + 1, input.name.c_str(), model.label.c_str(), m.result.summary.median,
                                  m.result.summary.p90, m.result.summary.count, m.result.affinity.c_str());
                    context.info(line);
                    session_.measurements.push_back(std::move(m));
                    context.advance(++done);
                }
            }
        session_.complete = true;
    } catch (const CancelledError&) {
        session_.finishedAt = utcTimestamp();
        if (!session_.measurements.empty())
            savedTo_ = saveSession(projectDir_, session_);
        throw;
    } catch (const Error&) {
        session_.finishedAt = utcTimestamp();
        if (!session_.measurements.empty())
            savedTo_ = saveSession(projectDir_, session_);
        throw;
    }
    session_.finishedAt = utcTimestamp();
    savedTo_ = saveSession(projectDir_, session_);
    for (const std::string& path : savedTo_)
        context.info("saved " + path);
}

} // namespace espalier::deploy
