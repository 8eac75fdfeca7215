#pragma once
// The device benchmark protocol as a Job: connect and probe, export run folders (timing dense against
// CSR on the device), copy the runner, the models and the audio (each once), then for every round and input run each model's `espalier-run bench` pinned to
// the chosen CPUs — the models' order reversed every other round (A B, B A: neither always runs on a
// warmer device) and a cool-down before each — and save the session in the project and in each
// model's run. Cancelling keeps what was measured (saved, marked incomplete).
#include "core/deploy/bench_result.h"
#include "core/deploy/device.h"
#include "core/deploy/export_options.h"
#include "core/job/job.h"
#include "core/runtime/device_info.h"

#include <functional>
#include <string>
#include <vector>

namespace espalier::deploy {

// A model to time: an .espm file, or a run folder (exported first through the job's exporter).
struct BenchModelSource {
    std::string path;
    std::string label;  // "" : the run's id or the file's stem
};

// Exports a run to .espm with the given options and returns the file (the CLI and GUI hand in
// exportRunIfStale; deploy itself stays free of LibTorch). The job sets the options' target to the
// benchmarked device, so the auto policy chooses dense or CSR by that device's timings.
using RunExporter = std::function<std::string(const std::string& runDir, const ExportOptions& options,
                                              job::JobContext& context)>;

class DeviceBenchJob : public job::Job {
public:
    DeviceBenchJob(std::string projectDir, std::string deviceName, std::vector<BenchModelSource> models,
                   BenchSettings settings, RunExporter exporter = {});

    std::string title() const override;
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override;

    // After run(): what was measured, and the files the session was saved to.
    const BenchSession& session() const { return session_; }
    const std::vector<std::string>& savedTo() const { return savedTo_; }

    // The runner arguments of one measurement (for tests and for the log).
    static std::vector<std::string> benchArguments(const std::string& model, const BenchInput& input,
                                                   const BenchSettings& settings,
                                                   const std::vector<std::string>& deviceWavs);

private:
    void prepare(job::JobContext& context, class DeviceSession& device, const DeviceRegistry& registry);
    void measure(job::JobContext& context, class DeviceSession& device);

    std::string projectDir_, deviceName_;
    std::vector<BenchModelSource> sources_;
    BenchSettings settings_;
    RunExporter exporter_;
    BenchSession session_;
    std::vector<std::string> savedTo_;
};

// Checks settings before a job starts (InputError naming the field): rounds, runs, inputs, CPU list.
void validateBenchSettings(const BenchSettings& settings);

// The CPUs a setting names on a device: "big" (its fastest cluster), "little" (its slowest), or a
// list ("4-7"), checked against the CPUs it has. "" stays "" (no pinning).
std::string resolveCpus(const std::string& setting, const runtime::DeviceInfo& device, const std::string& deviceName);

} // namespace espalier::deploy
