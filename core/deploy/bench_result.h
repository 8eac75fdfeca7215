#pragma once
// What a device benchmark measured (docs/formats/bench.md): each `espalier-run bench --json` parsed,
// and a session — one device, several models timed interleaved over rounds on each input — stored in
// the project (devices/results/<id>.json) and in the run of each model it timed
// (runs/<id>/results/devices/<id>.json).
#include "core/deploy/probe.h"
#include "core/runtime/latency_stats.h"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <utility>
#include <vector>

namespace espalier::deploy {

using NamedTimes = std::vector<std::pair<std::string, double>>;  // name -> ms per inference, in order

struct UtteranceTiming {
    std::string wav;
    double audioSeconds = 0.0;
    runtime::LatencySummary summary;
};

// One `espalier-run bench --json`.
struct RunnerBench {
    std::string input;          // "features" or "wav"
    int frames = 0, threads = 1, warmup = 0, runs = 0;
    std::string affinity;       // the CPUs it ran on, "4-7"
    std::string kernel;
    double loadMs = 0.0;
    std::vector<double> latenciesMs;
    runtime::LatencySummary summary;
    NamedTimes layersMs, opsMs;
    long long bytesPerInference = 0, peakRssKb = 0;
    std::vector<UtteranceTiming> utterances;
    runtime::MachineState before, after;
};
// FormatError naming source for output that is not the runner's bench JSON.
RunnerBench parseRunnerBench(const std::string& output, const std::string& source);
RunnerBench runnerBenchFromJson(const nlohmann::json& j, const std::string& source);
nlohmann::json runnerBenchJson(const RunnerBench& bench);

// A model as the session knows it.
struct BenchModel {
    std::string label;     // in tables and plots: "dense", "dst70", the run id or the file's stem
    std::string espm;      // the local file timed
    std::string runDir;    // the run it was exported from ("" for a plain file)
    int tensors = 0, csrTensors = 0;
    long long values = 0, storedValues = 0;  // all weights, and those stored (nonzeros of CSR ones)
    long long fileBytes = 0;
    int sampleRate = 16000;  // its front end's
};
// Reads the file for its counts (FormatError for a damaged one).
BenchModel describeModel(const std::string& espm, const std::string& label, const std::string& runDir = {});

// An input each model is timed on: random features of a length, or utterances of a test set.
struct BenchInput {
    std::string name;                // "600 frames", "test_clean"
    int frames = 0;                  // features
    std::string split;               // or: the corpus split (folder or manifest) the utterances come from,
    int utterances = 0;              // how many of them,
    std::vector<std::string> wavs;   // and those utterances as local WAV files at the model's rate
};

struct BenchSettings {
    std::vector<BenchInput> inputs;
    int warmup = 3, runs = 10, rounds = 3;
    double cooldownSeconds = 5.0;    // between runner calls: the device cools, the next starts alike
    int threads = 1;
    std::string cpus;                // pin to these ("" : wherever the OS runs it)
    double timeoutSeconds = 900.0;   // per runner call
};

struct BenchMeasurement {
    std::string model, input;
    int round = 0;
    RunnerBench result;
};

struct BenchSession {
    std::string id;                  // "<stamp>-<device>"
    std::string device, deviceDescription;
    DeviceProbe probe;
    BenchSettings settings;
    std::vector<BenchModel> models;
    std::vector<BenchMeasurement> measurements;
    std::string startedAt, finishedAt;
    bool complete = false;           // false when cancelled or failed part-way (what was measured is kept)

    // Every latency of a model on an input, over all rounds; its summary; the mean time per layer.
    std::vector<double> latencies(const std::string& model, const std::string& input) const;
    runtime::LatencySummary summary(const std::string& model, const std::string& input) const;
    NamedTimes layerProfile(const std::string& model, const std::string& input) const;
    NamedTimes opProfile(const std::string& model, const std::string& input) const;
    std::vector<std::string> inputNames() const;
};

nlohmann::json sessionJson(const BenchSession& session);
BenchSession parseSession(const std::string& text, const std::string& source);

// Writes the session to <project>/devices/results/<id>.json and to <run>/results/devices/<id>.json for
// each model exported from a run; returns the paths written.
std::vector<std::string> saveSession(const std::string& projectDir, const BenchSession& session);
// The project's sessions, newest first (a damaged file is skipped).
std::vector<BenchSession> listSessions(const std::string& projectDir);

} // namespace espalier::deploy
