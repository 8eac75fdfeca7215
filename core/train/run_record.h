#pragma once
// What a run folder (docs/formats/run.md) says about its run, read back without LibTorch: the record
// the Train page lists and plots, and that later comparison tables and reports build on.
#include "core/runtime/enum_names.h"
#include "core/train/run_paths.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {

enum class RunState {
    Empty,     // a folder with at most a config.yaml (prepared, never started)
    Stopped,   // has a checkpoint but no results: paused, cancelled or interrupted (resumable)
    Finished,  // results/summary.json written
};
const EnumNames<RunState>& runStateNames();  // "empty", "stopped", "finished"

struct TestResult {
    double cer = 0.0;  // fraction
    long long n = 0, c = 0, s = 0, d = 0, i = 0;
};

struct RunRecord {
    std::string id;         // the folder's name
    std::string dir;
    std::string name;       // config name ("" when absent)
    std::string model;      // e.g. "Conformer small", "TorchScript model.pt"
    std::string precision;  // "fp32", "bf16", "fp16"
    long long plannedSteps = 0;   // config steps (0 when the run is planned in epochs)
    double maxMinutes = 0;
    long long stepsDone = 0;      // the last step in metrics.jsonl
    std::optional<double> sparsity;  // the last achieved sparsity logged (runs with a pruning recipe)
    std::optional<double> bestDevCer;
    std::map<std::string, TestResult> tests;
    RunState state = RunState::Empty;
    std::string problem;    // why the folder could not be read fully ("" when fine)
};

// One point of a metric series (x = optimiser step).
struct CurvePoint {
    double step = 0.0;
    double value = 0.0;
};

// Reads a run folder. Never throws for a damaged run: what could not be read is left out and
// described in `problem`.
RunRecord readRunRecord(const std::string& runDir);
// Every run folder under runsDir (a folder with config.yaml), newest id first.
std::vector<RunRecord> listRuns(const std::string& runsDir);

// The series of a metrics.jsonl under the names TrainJob's metric points use ("loss", "lr",
// "loss_scale", "utterances_per_s", "frames_per_s", "dev_cer"), so a finished run's curves and a live
// run's are drawn by the same code.
std::map<std::string, std::vector<CurvePoint>> readMetricSeries(const std::string& metricsPath);

// A new run id under runsDir: "<yyyymmdd-hhmmss>-<name>" (name reduced to [A-Za-z0-9_-]), made unique.
std::string newRunId(const std::string& runsDir, const std::string& name);

} // namespace espalier::train
