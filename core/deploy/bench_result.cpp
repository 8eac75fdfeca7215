#include "core/deploy/bench_result.h"

#include "core/io/json_fields.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdlib>
#include <filesystem>

namespace fs = std::filesystem;
using nlohmann::json;

namespace espalier::deploy {

using io::jsonField;

namespace {

constexpr int kFormatVersion = 1;
constexpr size_t kMaxSamples = 1000000;

json summaryJson(const runtime::LatencySummary& s)
{
    return {{"count", s.count}, {"min_ms", s.min},   {"median_ms", s.median}, {"p90_ms", s.p90},
            {"max_ms", s.max},  {"mean_ms", s.mean}, {"std_ms", s.std}};
}

runtime::LatencySummary summaryFrom(const json& j, const std::string& source)
{
    runtime::LatencySummary s;
    s.count = jsonField<int>(j, "count", 0, source);
    s.min = jsonField<double>(j, "min_ms", 0.0, source);
    s.median = jsonField<double>(j, "median_ms", 0.0, source);
    s.p90 = jsonField<double>(j, "p90_ms", 0.0, source);
    s.max = jsonField<double>(j, "max_ms", 0.0, source);
    s.mean = jsonField<double>(j, "mean_ms", 0.0, source);
    s.std = jsonField<double>(j, "std_ms", 0.0, source);
    return s;
}

// The runner writes profiles as objects in execution order; nlohmann's ordered parse keeps it.
NamedTimes timesFrom(const nlohmann::ordered_json& j)
{
    NamedTimes out;
    if (j.is_object())
        for (auto it = j.begin(); it != j.end(); ++it)
            if (it.value().is_number())
                out.emplace_back(it.key(), it.value().get<double>());
    return out;
}

json timesJson(const NamedTimes& times)
{
    json a = json::array();
    for (const auto& [name, ms] : times)
        a.push_back({{"name", name}, {"ms", ms}});
    return a;
}

NamedTimes timesFromArray(const json& j, const std::string& source)
{
    NamedTimes out;
    if (j.is_array())
        for (const json& e : j) {
            if (!e.is_object())
                throw FormatError(source + ": a profile entry is not an object");
            out.emplace_back(jsonField<std::string>(e, "name", "", source), jsonField<double>(e, "ms", 0.0, source));
        }
    return out;
}

void addTimes(NamedTimes& total, const NamedTimes& add)
{
    for (const auto& entry : add) {
        auto it = std::find_if(total.begin(), total.end(), [&](const auto& e) { return e.first == entry.first; });
        if (it == total.end())
            total.push_back(entry);
        else
            it->second += entry.second;
    }
}

} // namespace

RunnerBench runnerBenchFromJson(const json& j, const std::string& source)
{
    if (!j.is_object() || !j.contains("latencies_ms") || !j["latencies_ms"].is_array())
        throw FormatError(source + ": not espalier-run's bench JSON (no latencies_ms)");
    RunnerBench b;
    b.input = jsonField<std::string>(j, "input", "features", source);
    b.frames = jsonField<int>(j, "frames", 0, source);
    b.threads = jsonField<int>(j, "threads", 1, source);
    b.warmup = jsonField<int>(j, "warmup", 0, source);
    b.runs = jsonField<int>(j, "runs", 0, source);
    b.affinity = jsonField<std::string>(j, "affinity", "", source);
    b.kernel = jsonField<std::string>(j, "kernel", "", source);
    b.loadMs = jsonField<double>(j, "load_ms", 0.0, source);
    if (j["latencies_ms"].size() > kMaxSamples)
        throw FormatError(source + ": more than a million latencies");
    for (const json& v : j["latencies_ms"]) {
        if (!v.is_number() || !(v.get<double>() >= 0.0))
            throw FormatError(source + ": a latency is not a non-negative number");
        b.latenciesMs.push_back(v.get<double>());
    }
    b.summary = runtime::summarize(b.latenciesMs);
    b.bytesPerInference = jsonField<long long>(j, "bytes_per_inference", 0, source);
    b.peakRssKb = jsonField<long long>(j, "peak_rss_kb", 0, source);
    if (j.contains("utterances") && j["utterances"].is_array())
        for (const json& u : j["utterances"])
            b.utterances.push_back({jsonField<std::string>(u, "wav", "", source), jsonField<double>(u, "audio_s", 0.0, source),
                                    summaryFrom(u, source)});
    if (j.contains("before"))
        b.before = parseMachineState(j["before"], source);
    if (j.contains("after"))
        b.after = parseMachineState(j["after"], source);
    if (j.contains("layers_ms") && j["layers_ms"].is_array())
        b.layersMs = timesFromArray(j["layers_ms"], source);
    if (j.contains("profile_ms") && j["profile_ms"].is_array())
        b.opsMs = timesFromArray(j["profile_ms"], source);
    return b;
}

RunnerBench parseRunnerBench(const std::string& output, const std::string& source)
{
    nlohmann::ordered_json ordered;
    json j;
    try {
        ordered = nlohmann::ordered_json::parse(output);
        j = json::parse(output);
    } catch (const json::exception&) {
        throw FormatError(source + " printed something that is not JSON: '" + output.substr(0, 120) + "'");
    }
    try {
        RunnerBench b = runnerBenchFromJson(j, source);
        if (ordered.contains("layers_ms"))
            b.layersMs = timesFrom(ordered["layers_ms"]);
        if (ordered.contains("profile_ms"))
            b.opsMs = timesFrom(ordered["profile_ms"]);
        return b;
    } catch (const json::exception& e) {  // anything the field readers did not foresee
        throw FormatError(source + ": " + e.what());
    }
}

json runnerBenchJson(const RunnerBench& b)
{
    json utterances = json::array();
    for (const UtteranceTiming& u : b.utterances) {
        json e = summaryJson(u.summary);
        e["wav"] = u.wav;
        e["audio_s"] = u.audioSeconds;
        utterances.push_back(e);
    }
    json j = {{"input", b.input},
              {"frames", b.frames},
              {"threads", b.threads},
              {"warmup", b.warmup},
              {"runs", b.runs},
              {"affinity", b.affinity},
              {"kernel", b.kernel},
              {"load_ms", b.loadMs},
              {"latencies_ms", b.latenciesMs},
              {"bytes_per_inference", b.bytesPerInference},
              {"peak_rss_kb", b.peakRssKb},
              {"utterances", utterances},
              {"layers_ms", timesJson(b.layersMs)},
              {"profile_ms", timesJson(b.opsMs)},
              {"before", machineStateJson(b.before)},
              {"after", machineStateJson(b.after)}};
    const json summary = summaryJson(b.summary);
    j.update(summary);
    return j;
}

BenchModel describeModel(const std::string& espm, const std::string& label, const std::string& runDir)
{
    const runtime::EspmModel m = runtime::readEspm(espm);
    BenchModel b;
    b.label = label;
    b.espm = fs::absolute(espm).string();
    b.runDir = runDir.empty() ? std::string() : fs::absolute(runDir).lexically_normal().string();
    for (const runtime::EspmTensor& t : m.tensors) {
        ++b.tensors;
        b.values += t.numel();
        if (t.sparse) {
            ++b.csrTensors;
            b.storedValues += t.csr.nonzeros();
        } else {
            b.storedValues += t.numel();
        }
    }
    std::error_code ec;
    b.fileBytes = (long long)fs::file_size(espm, ec);
    b.sampleRate = std::max(1, std::atoi(m.metaValue("fbank.sample_rate", "16000").c_str()));
    return b;
}

std::vector<double> BenchSession::latencies(const std::string& model, const std::string& input) const
{
    std::vector<double> all;
    for (const BenchMeasurement& m : measurements)
        if (m.model == model && m.input == input)
            all.insert(all.end(), m.result.latenciesMs.begin(), m.result.latenciesMs.end());
    return all;
}

runtime::LatencySummary BenchSession::summary(const std::string& model, const std::string& input) const
{
    return runtime::summarize(latencies(model, input));
}

namespace {

// The mean over a session's measurements of a model on an input of one of their profiles.
NamedTimes meanProfile(const std::vector<BenchMeasurement>& measurements, const std::string& model,
                       const std::string& input, NamedTimes RunnerBench::*profile)
{
    NamedTimes total;
    int n = 0;
    for (const BenchMeasurement& m : measurements)
        if (m.model == model && m.input == input) {
            addTimes(total, m.result.*profile);
            ++n;
        }
    for (auto& e : total)
        e.second /= std::max(1, n);
    return total;
}

} // namespace

NamedTimes BenchSession::layerProfile(const std::string& model, const std::string& input) const
{
    return meanProfile(measurements, model, input, &RunnerBench::layersMs);
}

NamedTimes BenchSession::opProfile(const std::string& model, const std::string& input) const
{
    return meanProfile(measurements, model, input, &RunnerBench::opsMs);
}

std::vector<std::string> BenchSession::inputNames() const
{
    std::vector<std::string> names;
    for (const BenchInput& i : settings.inputs)
        names.push_back(i.name);
    return names;
}

json sessionJson(const BenchSession& s)
{
    json models = json::array();
    for (const BenchModel& m : s.models)
        models.push_back({{"label", m.label}, {"espm", m.espm}, {"run", m.runDir}, {"tensors", m.tensors},
                          {"csr_tensors", m.csrTensors}, {"values", m.values}, {"stored_values", m.storedValues},
                          {"file_bytes", m.fileBytes}, {"sample_rate", m.sampleRate}});
    json inputs = json::array();
    for (const BenchInput& i : s.settings.inputs)
        inputs.push_back({{"name", i.name}, {"frames", i.frames}, {"split", i.split}, {"utterances", i.utterances}, {"wavs", i.wavs}});
    json measurements = json::array();
    for (const BenchMeasurement& m : s.measurements)
        measurements.push_back({{"model", m.model}, {"input", m.input}, {"round", m.round}, {"bench", runnerBenchJson(m.result)}});
    return {{"espalier_bench_session", kFormatVersion},
            {"id", s.id},
            {"device", s.device},
            {"device_description", s.deviceDescription},
            {"probe", probeJson(s.probe)},
            {"settings",
             {{"inputs", inputs},
              {"warmup", s.settings.warmup},
              {"runs", s.settings.runs},
              {"rounds", s.settings.rounds},
              {"cooldown_s", s.settings.cooldownSeconds},
              {"threads", s.settings.threads},
              {"cpus", s.settings.cpus},
              {"timeout_s", s.settings.timeoutSeconds}}},
            {"models", models},
            {"measurements", measurements},
            {"started_at", s.startedAt},
            {"finished_at", s.finishedAt},
            {"complete", s.complete}};
}

namespace {
BenchSession sessionFromJson(const json& j, const std::string& source);
}

BenchSession parseSession(const std::string& text, const std::string& source)
{
    json j;
    try {
        j = json::parse(text);
    } catch (const json::exception& e) {
        throw FormatError(source + ": not JSON (" + e.what() + ")");
    }
    try {
        return sessionFromJson(j, source);
    } catch (const json::exception& e) {  // anything the field readers did not foresee
        throw FormatError(source + ": " + e.what());
    }
}

namespace {

BenchSession sessionFromJson(const json& j, const std::string& source)
{
    if (!j.is_object() || !j.contains("espalier_bench_session"))
        throw FormatError(source + ": not a benchmark session");
    if (jsonField<int>(j, "espalier_bench_session", 0, source) > kFormatVersion)
        throw FormatError(source + ": written by a newer Espalier (format " +
                          std::to_string(jsonField<int>(j, "espalier_bench_session", 0, source)) + ")");
    BenchSession s;
    s.id = jsonField<std::string>(j, "id", "", source);
    s.device = jsonField<std::string>(j, "device", "", source);
    s.deviceDescription = jsonField<std::string>(j, "device_description", "", source);
    if (j.contains("probe")) {
        const json& p = j["probe"];
        s.probe.device = jsonField<std::string>(p, "device_name", s.device, source);
        s.probe.probedAt = jsonField<std::string>(p, "probed_at", "", source);
        s.probe.runner = jsonField<std::string>(p, "runner", "", source);
        s.probe.kernel = jsonField<std::string>(p, "kernel", "", source);
        if (p.contains("device"))
            s.probe.info = parseDeviceInfo(p["device"], source);
        if (p.contains("state"))
            s.probe.state = parseMachineState(p["state"], source);
    }
    const json settings = j.value("settings", json::object());
    if (settings.contains("inputs") && settings["inputs"].is_array())
        for (const json& i : settings["inputs"]) {
            BenchInput in;
            in.name = jsonField<std::string>(i, "name", "", source);
            in.frames = jsonField<int>(i, "frames", 0, source);
            in.split = jsonField<std::string>(i, "split", "", source);
            in.utterances = jsonField<int>(i, "utterances", 0, source);
            in.wavs = jsonField<std::vector<std::string>>(i, "wavs", {}, source);
            s.settings.inputs.push_back(in);
        }
    s.settings.warmup = jsonField<int>(settings, "warmup", 0, source);
    s.settings.runs = jsonField<int>(settings, "runs", 0, source);
    s.settings.rounds = jsonField<int>(settings, "rounds", 0, source);
    s.settings.cooldownSeconds = jsonField<double>(settings, "cooldown_s", 0.0, source);
    s.settings.threads = jsonField<int>(settings, "threads", 1, source);
    s.settings.cpus = jsonField<std::string>(settings, "cpus", "", source);
    s.settings.timeoutSeconds = jsonField<double>(settings, "timeout_s", 900.0, source);
    if (j.contains("models") && j["models"].is_array())
        for (const json& m : j["models"]) {
            BenchModel b;
            b.label = jsonField<std::string>(m, "label", "", source);
            b.espm = jsonField<std::string>(m, "espm", "", source);
            b.runDir = jsonField<std::string>(m, "run", "", source);
            b.tensors = jsonField<int>(m, "tensors", 0, source);
            b.csrTensors = jsonField<int>(m, "csr_tensors", 0, source);
            b.values = jsonField<long long>(m, "values", 0, source);
            b.storedValues = jsonField<long long>(m, "stored_values", 0, source);
            b.fileBytes = jsonField<long long>(m, "file_bytes", 0, source);
            b.sampleRate = jsonField<int>(m, "sample_rate", 16000, source);
            s.models.push_back(b);
        }
    if (j.contains("measurements") && j["measurements"].is_array())
        for (const json& m : j["measurements"]) {
            BenchMeasurement x;
            x.model = jsonField<std::string>(m, "model", "", source);
            x.input = jsonField<std::string>(m, "input", "", source);
            x.round = jsonField<int>(m, "round", 0, source);
            if (!m.contains("bench"))
                throw FormatError(source + ": a measurement without 'bench'");
            x.result = runnerBenchFromJson(m["bench"], source);
            s.measurements.push_back(std::move(x));
        }
    s.startedAt = jsonField<std::string>(j, "started_at", "", source);
    s.finishedAt = jsonField<std::string>(j, "finished_at", "", source);
    s.complete = jsonField<bool>(j, "complete", false, source);
    return s;
}

} // namespace

std::vector<std::string> saveSession(const std::string& projectDir, const BenchSession& session)
{
    const std::string text = sessionJson(session).dump(1) + "\n";
    std::vector<fs::path> targets = {fs::path(projectDir) / "devices" / "results" / (session.id + ".json")};
    for (const BenchModel& m : session.models)
        if (!m.runDir.empty())
            targets.push_back(fs::path(m.runDir) / "results" / "devices" / (session.id + ".json"));
    std::vector<std::string> written;
    for (const fs::path& target : targets) {
        if (std::find(written.begin(), written.end(), target.string()) != written.end())
            continue;
        std::error_code ec;
        fs::create_directories(target.parent_path(), ec);
        io::writeFileAtomic(target.string(), text);
        written.push_back(target.string());
    }
    return written;
}

std::vector<BenchSession> listSessions(const std::string& projectDir)
{
    std::vector<BenchSession> sessions;
    const fs::path dir = fs::path(projectDir) / "devices" / "results";
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        if (entry.path().extension() != ".json")
            continue;
        try {
            sessions.push_back(parseSession(io::readFile(entry.path().string()), entry.path().string()));
        } catch (const Error&) {
        }
    }
    std::sort(sessions.begin(), sessions.end(),
              [](const BenchSession& a, const BenchSession& b) { return a.startedAt > b.startedAt || (a.startedAt == b.startedAt && a.id > b.id); });
    return sessions;
}

} // namespace espalier::deploy
