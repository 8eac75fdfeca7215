#include "core/project/run_compare.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <map>
#include <set>

namespace espalier::project {

namespace {

// The config of a run without the keys that make otherwise equal runs differ.
std::map<std::string, std::string> groupingConfig(const IndexedRun& run)
{
    std::map<std::string, std::string> config;
    for (const auto& [key, value] : run.config)
        if (key != "seed" && !isIncidentalConfigKey(key))
            config[key] = value;
    return config;
}

std::vector<std::string> metricKeys(const std::vector<IndexedRun>& runs)
{
    std::set<std::string> tests;
    bool sparsity = false;
    for (const IndexedRun& run : runs) {
        for (const auto& test : run.record.tests)
            tests.insert(test.first);
        sparsity = sparsity || run.record.sparsity.has_value();
    }
    std::vector<std::string> keys;
    for (const std::string& t : tests)
        keys.push_back("test_cer." + t);
    keys.push_back("best_dev_cer");
    if (sparsity)
        keys.push_back("sparsity");
    keys.push_back("steps");
    return keys;
}

} // namespace

bool isIncidentalConfigKey(const std::string& key)
{
    return key == "name" || key == "espalier_train" || key == "threads" || key == "data_workers"
        || key == "prefetch";
}

std::optional<double> runMetric(const IndexedRun& run, const std::string& key)
{
    const train::RunRecord& r = run.record;
    if (key.rfind("test_cer.", 0) == 0) {
        const auto it = r.tests.find(key.substr(9));
        return it == r.tests.end() ? std::nullopt : std::optional<double>(it->second.cer);
    }
    if (key == "best_dev_cer")
        return r.bestDevCer;
    if (key == "sparsity")
        return r.sparsity;
    if (key == "steps")
        return static_cast<double>(r.stepsDone);
    return std::nullopt;
}

RunComparison compareRuns(const std::vector<IndexedRun>& runs, const CompareOptions& options)
{
    if (runs.empty())
        throw InputError("nothing to compare: no runs given");
    // Columns, each holding the indices of its runs.
    std::vector<std::vector<std::size_t>> members;
    std::vector<std::map<std::string, std::string>> keysOfColumn;
    for (std::size_t i = 0; i < runs.size(); ++i) {
        const auto key = groupingConfig(runs[i]);
        auto same = options.groupSeeds ? std::find(keysOfColumn.begin(), keysOfColumn.end(), key) : keysOfColumn.end();
        if (same == keysOfColumn.end()) {
            keysOfColumn.push_back(key);
            members.push_back({i});
        } else {
            members[static_cast<std::size_t>(same - keysOfColumn.begin())].push_back(i);
        }
    }

    RunComparison comparison;
    bool baselineFound = options.baseline.empty();
    for (std::size_t c = 0; c < members.size(); ++c) {
        ComparisonColumn column;
        for (std::size_t i : members[c]) {
            column.runIds.push_back(runs[i].record.id);
            const auto seed = runs[i].config.find("seed");
            column.seeds.push_back(seed == runs[i].config.end() ? "1" : seed->second);
            if (runs[i].record.id == options.baseline) {
                comparison.baseline = c;
                baselineFound = true;
            }
        }
        column.label = column.runIds.front();
        if (column.runIds.size() > 1)
            column.label += " ×" + std::to_string(column.runIds.size()) + " seeds";
        comparison.columns.push_back(std::move(column));
    }
    if (!baselineFound)
        throw InputError("baseline '" + options.baseline + "' is not among the compared runs");

    for (const std::string& key : metricKeys(runs)) {
        MetricRow row;
        row.key = key;
        row.unit = key == "steps" ? "" : "%";
        row.lowerIsBetter = key != "sparsity" && key != "steps";
        for (const auto& column : members) {
            std::vector<double> values;
            for (std::size_t i : column)
                if (const auto v = runMetric(runs[i], key))
                    values.push_back(*v);
            if (values.empty()) {
                row.values.push_back(std::nullopt);
                row.spreads.push_back(std::nullopt);
                continue;
            }
            double mean = 0.0;
            for (double v : values)
                mean += v / static_cast<double>(values.size());
            double squares = 0.0;
            for (double v : values)
                squares += (v - mean) * (v - mean);
            row.values.push_back(mean);
            row.spreads.push_back(values.size() > 1 ? std::sqrt(squares / static_cast<double>(values.size() - 1)) : 0.0);
        }
        const auto base = row.values[comparison.baseline];
        for (const auto& v : row.values)
            row.deltas.push_back(v && base ? std::optional<double>(*v - *base) : std::nullopt);
        comparison.metrics.push_back(std::move(row));
    }

    std::set<std::string> keys;
    for (const IndexedRun& run : runs)
        for (const auto& kv : run.config)
            if (!isIncidentalConfigKey(kv.first))
                keys.insert(kv.first);
    for (const std::string& key : keys) {
        ConfigDifference difference{key, {}};
        for (const auto& column : members) {
            std::set<std::string> values;
            for (std::size_t i : column) {
                const auto it = runs[i].config.find(key);
                values.insert(it == runs[i].config.end() ? "—" : it->second);
            }
            std::string joined;
            for (const std::string& v : values)
                joined += (joined.empty() ? "" : " | ") + v;
            difference.values.push_back(joined);
        }
        const bool differs = std::any_of(difference.values.begin(), difference.values.end(),
                                         [&](const std::string& v) { return v != difference.values.front(); });
        if (differs)
            comparison.differences.push_back(std::move(difference));
    }
    return comparison;
}

} // namespace espalier::project
