#pragma once
// The comparison report of a set of runs: their metrics side by side with changes against a
// baseline (mean ± spread over seeds when grouped), the settings that differ, each run's description
// and full config, and the commands that reproduce them.
#include "core/project/run_compare.h"
#include "core/report/document.h"

#include <string>
#include <vector>

namespace espalier::report {

struct ComparisonReportRequest {
    std::string projectName;
    std::string projectDir;
    std::vector<project::IndexedRun> runs;
    project::CompareOptions compare;
    std::string language = "en";
    std::string generated;   // a timestamp shown under the title
    std::string version;     // "espalier-cli 0.9.0 (LibTorch 1.13.1, ...)"
};

// Throws InputError for no runs, an unknown baseline or language.
Document comparisonReport(const ComparisonReportRequest& request);

// A metric's name as a table shows it ("CER test_clean", "Best dev CER").
std::string metricLabel(const std::string& key, const std::string& language);
// A metric value as text: fractions as percentages with two decimals, counts as whole numbers.
std::string formatMetric(const project::MetricRow& row, std::size_t column);
// A column's value with its change against the baseline in brackets ("9.31 % (+1.19)": percentage
// points for fractions); the baseline's own cell, or one without a change, is formatMetric's.
std::string formatMetricWithChange(const project::MetricRow& row, std::size_t column, std::size_t baseline);

} // namespace espalier::report
