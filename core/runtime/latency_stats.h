#pragma once
// The summary benchmark tools print for a set of timings (TFLite's benchmark_model, benchncnn):
// min, median, p90, max, mean and standard deviation.
#include <vector>

namespace espalier::runtime {

struct LatencySummary {
    int count = 0;
    double min = 0.0, median = 0.0, p90 = 0.0, max = 0.0, mean = 0.0, std = 0.0;
};

// Median interpolates between the middle two; p90 is the nearest-rank 90th percentile; std is the
// population deviation. An empty set gives all zeros.
LatencySummary summarize(std::vector<double> samples);

} // namespace espalier::runtime
