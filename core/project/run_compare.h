#pragma once
// Comparing runs as a table: columns are runs (or groups of runs that differ only in their seed,
// summarised as mean ± spread), rows are their metrics with each column's change against a chosen
// baseline, and the config keys whose values differ between the columns (and only those).
#include "core/project/run_index.h"

#include <optional>
#include <string>
#include <vector>

namespace espalier::project {

// One column: a run, or several runs that differ only in their seed.
struct ComparisonColumn {
    std::string label;             // the run's id (a group: its first run's id and "×N seeds")
    std::vector<std::string> runIds;
    std::vector<std::string> seeds;
};

// A metric row. Values and spreads are per column (nullopt: the column lacks the metric).
struct MetricRow {
    std::string key;               // "test_cer.test_clean", "best_dev_cer", "sparsity", "steps"
    std::string unit;              // "%" (values are fractions shown ×100) or ""
    bool lowerIsBetter = true;
    std::vector<std::optional<double>> values;   // means over a column's runs
    std::vector<std::optional<double>> spreads;  // sample standard deviations (0 for one run)
    std::vector<std::optional<double>> deltas;   // value − the baseline's value
};

struct ConfigDifference {
    std::string key;
    std::vector<std::string> values;  // per column ("—" when absent; a group's when its runs agree)
};

struct RunComparison {
    std::vector<ComparisonColumn> columns;
    std::size_t baseline = 0;
    std::vector<MetricRow> metrics;
    std::vector<ConfigDifference> differences;
};

struct CompareOptions {
    std::string baseline;     // a run id among the runs; "" = the first
    bool groupSeeds = false;  // fold runs that differ only in seed into one column
};

// Compares runs in the given order. Throws InputError when there are none, or the baseline is not
// among them.
RunComparison compareRuns(const std::vector<IndexedRun>& runs, const CompareOptions& options = {});

// A metric's value of one run ("test_cer.<set>", "best_dev_cer", "sparsity", "steps"), if it has it.
std::optional<double> runMetric(const IndexedRun& run, const std::string& key);

// Config keys that never distinguish runs in a comparison (where the run lives, its label).
bool isIncidentalConfigKey(const std::string& key);

} // namespace espalier::project
