#pragma once
// A training run as a Job: prepare (vocabulary, CMVN, model), train with checkpoints and dev CER,
// then evaluate every test set. Everything goes into the run folder (docs/formats/run.md):
//   config.yaml  the resolved TrainConfig        units.txt     the vocabulary
//   metrics.jsonl  one JSON line per logged step  log           the job's log lines
//   checkpoints/  step-XXXXXXXX.pt, best.pt       results/<test>.json, results/<test>.hyp
//   run.json      the command, versions, machine and each launch's outcome (run_info.h)
// Cancelling writes a checkpoint first, so the run can be resumed (resume = true) from where it stopped:
// the GUI's pause is cancel + resume. Metric series emitted: "loss", "lr", "loss_scale",
// "utterances_per_s", "frames_per_s", "dev_cer" (x = optimiser step) and "test_cer" (tag "test").
#include "core/job/job.h"
#include "core/train/run_paths.h"
#include "core/train/train_config.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {

// What a finished (or stopped) run produced.
struct TrainOutcome {
    long long steps = 0;              // optimiser steps done in total
    std::optional<double> finalLoss;  // mean loss of the last step trained (none when nothing was left to train)
    std::optional<double> bestDevCer; // fraction
    std::string lastCheckpoint;
    std::map<std::string, double> testCer;  // test set name -> CER (fraction)
};

class TrainJob : public job::Job {
public:
    // runDir is created when missing. Without resume it must not hold a run already (a config.yaml alone
    // is fine); with resume it must hold one with a checkpoint, and `config` should be its config.yaml
    // (a different steps/epochs is honoured, so a finished run can be extended).
    TrainJob(TrainConfig config, std::string runDir, bool resume = false);

    std::string title() const override;                   // e.g. "Train Conformer small (bf16)"
    std::vector<std::string> cliCommand() const override; // espalier-cli train --config RUN/config.yaml --out RUN [--resume]
    void run(job::JobContext& context) override;

    // Stops (with a checkpoint, as a cancel would, but without throwing) once this many optimiser
    // steps are done in total; 0 = no limit. For tests and benchmarks.
    void setStopAfterStep(long long step) { stopAfterStep_ = step; }
    // Skips the final test-set evaluation.
    void setEvaluateTests(bool on) { evaluateTests_ = on; }

    const TrainConfig& config() const { return config_; }
    const std::string& runDir() const { return runDir_; }
    const TrainOutcome& outcome() const { return outcome_; }

private:
    // Prepare, train, evaluate; false when training stopped before its last step.
    bool runStages(job::JobContext& context);

    TrainConfig config_;
    std::string runDir_;
    bool resume_;
    long long stopAfterStep_ = 0;
    bool evaluateTests_ = true;
    TrainOutcome outcome_;
};

} // namespace espalier::train
