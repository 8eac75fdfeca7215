#pragma once
// Where everything of a run lives inside its folder (docs/formats/run.md). Torch-free.
#include <string>
#include <vector>

namespace espalier::train {

// Paths inside a run folder.
struct RunPaths {
    explicit RunPaths(std::string runDir) : dir(std::move(runDir)) {}
    std::string dir;
    std::string config() const { return dir + "/config.yaml"; }
    std::string units() const { return dir + "/units.txt"; }
    std::string metrics() const { return dir + "/metrics.jsonl"; }
    std::string log() const { return dir + "/log"; }
    // Held (io::FileLock) by the process training the run, so a second trainer is refused.
    std::string lock() const { return dir + "/.lock"; }
    // Which study cell the run is (written by the study that runs it; study.md).
    std::string studyCell() const { return dir + "/study.json"; }
    std::string checkpoints() const { return dir + "/checkpoints"; }
    std::string results() const { return dir + "/results"; }
    std::string resultJson(const std::string& test) const { return results() + "/" + test + ".json"; }
    std::string hypotheses(const std::string& test) const { return results() + "/" + test + ".hyp"; }
};

// A checkpoints/ folder's file for step `step`: step-XXXXXXXX.pt.
std::string stepCheckpointPath(const std::string& checkpointsDir, long long step);
// The step checkpoints present in a checkpoints/ folder, oldest first.
std::vector<std::string> stepCheckpointsIn(const std::string& checkpointsDir);
// Whether runDir holds a run that can be resumed (config.yaml and at least one step checkpoint).
bool isResumableRun(const std::string& runDir);

} // namespace espalier::train
