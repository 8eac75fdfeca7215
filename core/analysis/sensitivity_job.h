#pragma once
// The sensitivity analysis as a Job (espalier-cli sensitivity, the Sensitivity page): for each row
// and level, prune only that row, evaluate on the subset (CTC loss, KL to the unpruned outputs,
// greedy CER), restore bit-exactly. Cells stream out as metrics ("sensitivity"), land in the cache
// at once and in the result file after every row, so a cancelled or repeated analysis continues
// where it stopped. Torch-free header.
#include "core/analysis/sensitivity_result.h"
#include "core/job/job.h"

#include <string>
#include <vector>

namespace espalier::analysis {

struct SensitivityOptions {
    std::string model;                    // checkpoint, or a run folder (its best checkpoint)
    std::string data;                     // manifest of the validation utterances
    std::string out;                      // result file (JSON), rewritten as rows complete; "" none
    std::vector<double> levels = defaultLevels();
    int subset = 200;                     // the first N usable utterances; 0: all
    Granularity granularity = Granularity::Tensor;
    std::vector<std::string> tensors = {"__ALL_PRUNABLE__"};  // which rows (recipe patterns)
    double lossCeiling = 0.0;             // stop a row once Δloss passes it; 0: never
    int shardIndex = 0;
    int shardCount = 1;
    std::string latency;                  // "": none; "here": time the rows' layers in the runtime on this CPU
    std::string cacheDir;                 // "" keeps no cache
    bool prefixCache = true;              // reuse the outputs of blocks before the pruned one
    int batchSize = 8;                    // utterances per forward pass (small batches pad little)
    // Batches evaluated at once, one per thread, each with single-threaded LibTorch ops while the
    // analysis runs (process-wide); 0: one per core.
    int workers = 0;

    void validate() const;                // InputError naming the option
};

class SensitivityJob : public job::Job {
public:
    explicit SensitivityJob(SensitivityOptions options);

    std::string title() const override;
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override;

    const SensitivityResult& result() const { return result_; }
    int computedCells() const { return computed_; }   // evaluated by this run (not from the cache)
    int cachedCells() const { return cached_; }
    double evaluationSeconds() const { return evalSeconds_; }

private:
    SensitivityOptions options_;
    SensitivityResult result_;
    int computed_ = 0;
    int cached_ = 0;
    double evalSeconds_ = 0.0;
};

} // namespace espalier::analysis
