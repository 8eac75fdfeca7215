#pragma once
// What every espalier-cli subcommand shares: global options and how jobs are run and printed.
#include "core/job/job.h"

#include <nlohmann/json.hpp>

#include <string>

namespace espalier::cli {

struct CliContext {
    bool json = false;   // machine-readable output: JSON lines on stdout
    bool quiet = false;  // no progress bar
    int threads = 0;     // LibTorch intra-op threads (0: one per core)

    // Runs a job with a progress bar (or JSON-lines events), Ctrl-C cancelling it. Returns the exit
    // code: 0 success, 2 bad input, 1 other failure, 130 cancelled.
    int runJob(job::Job& job) const;
    // Prints one JSON document (compact, one line) to stdout.
    void printJson(const nlohmann::json& value) const;
};

// Exit codes of espalier-cli.
constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitCancelled = 130;

} // namespace espalier::cli
