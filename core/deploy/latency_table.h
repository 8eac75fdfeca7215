#pragma once
// The table the seed reports per device (Mandarin 186 → 123 ms, dialect 203 → 141 ms, noisy 225 →
// 167 ms): one row per input, for each model its CER on that test set (from its run) and its median
// latency, and each model's latency as a fraction of the first's (the baseline, usually dense).
#include "core/deploy/bench_result.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace espalier::deploy {

struct LatencyCell {
    std::optional<double> cer;  // fraction; absent when the model has no run or no result on that set
    double medianMs = 0.0, p90Ms = 0.0;
    int samples = 0;
    std::optional<double> ratio;  // medianMs / the baseline's on this input
};

struct LatencyTable {
    std::string device;
    std::vector<std::string> models;  // columns; models[0] is the baseline
    std::vector<std::string> inputs;  // rows
    std::vector<std::vector<LatencyCell>> cells;  // [input][model]
};

// cers: model label -> test set -> CER (a fraction), e.g. from train::readRunRecord(model.runDir).tests.
LatencyTable buildLatencyTable(const BenchSession& session,
                               const std::map<std::string, std::map<std::string, double>>& cers);
// A plain-text rendering for the terminal ("input | model CER latency | ...").
std::string formatLatencyTable(const LatencyTable& table);

} // namespace espalier::deploy
