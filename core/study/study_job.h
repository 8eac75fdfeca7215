#pragma once
// Runs a study's queue as one Job: each cell not yet done, in grid order, as the job the factory
// makes for it (a training run today), one after another. A cell another process is running is
// skipped (its lock is held), so several `study run`s, or the GUI beside a terminal, share one queue.
// An interrupted cell is resumed from its checkpoint; a failed one is left for --retry-failed.
// Cancelling stops the running cell with a checkpoint: the next run continues from there.
#include "core/job/job.h"
#include "core/study/study.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace espalier::study {

struct CellStatus;

// The job that runs one cell in runDir; resume: continue the run already there.
using CellJobFactory = std::function<std::unique_ptr<job::Job>(const StudyCell& cell, const std::string& runDir, bool resume)>;

struct StudyRunOptions {
    bool retryFailed = false;  // run failed cells again (resuming them)
    int maxCells = 0;          // stop after running this many cells; 0 = every one left
};

struct StudyRunSummary {
    int ran = 0;                           // cells this job ran to the end
    int alreadyDone = 0;
    int runningElsewhere = 0;              // locked by another process
    std::vector<std::string> failed;       // run ids that failed in this job
    std::vector<std::string> failedBefore; // failed earlier and not retried (--retry-failed)
    std::vector<std::string> conflicts;    // their folder holds something else (study_status.h)
};

class StudyJob : public job::Job {
public:
    StudyJob(Study study, CellJobFactory factory, StudyRunOptions options = {});

    std::string title() const override;                   // "Run study sparsity"
    std::vector<std::string> cliCommand() const override; // espalier-cli study run NAME --project DIR [--retry-failed] [--max-cells N]
    // Cells report progress as stages of this job; their logs are prefixed with the run id and their
    // metric points tagged {"run": id}. Throws Error naming the cells that failed in this job, or whose
    // folders conflict (after running the others); cells that had failed before are only reported.
    void run(job::JobContext& context) override;

    const StudyRunSummary& summary() const { return summary_; }

private:
    bool skip(const CellStatus& status);

    Study study_;
    CellJobFactory factory_;
    StudyRunOptions options_;
    StudyRunSummary summary_;
};

} // namespace espalier::study
