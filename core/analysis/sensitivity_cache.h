#pragma once
// Computed cells kept on disk by analysis key (model hash + subset + levels + granularity), so a
// cancelled or repeated analysis continues where it stopped: one JSON line per cell, appended and
// flushed as each cell is done; a line cut short by a crash is ignored on reading. Torch-free.
#include "core/analysis/sensitivity_result.h"

#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace espalier::analysis {

// Where the cells of analyses of `model` are kept: <project>/cache/sensitivity when the model lies
// inside a project folder (one with espalier-project.yaml), else <folder of out>/.espalier-cache/sensitivity.
std::string defaultCacheDir(const std::string& model, const std::string& out);

class SensitivityCache {
public:
    // dir "" keeps nothing. Reads dir/<key>.jsonl when it exists.
    SensitivityCache(std::string dir, std::string key);

    struct Baseline {
        double loss = 0.0;
        double cer = 0.0;
    };
    std::optional<Baseline> baseline() const { return baseline_; }
    std::optional<SensitivityCell> cell(const std::string& row, size_t level) const;
    size_t size() const { return cells_.size(); }

    void putBaseline(const Baseline& baseline);
    // A computed cell (skipped ones are not kept: the ceiling is not part of the key).
    void put(const std::string& row, size_t level, const SensitivityCell& cell);

    const std::string& path() const { return path_; }

private:
    void append(const std::string& line);

    std::string path_;
    std::optional<Baseline> baseline_;
    std::map<std::pair<std::string, size_t>, SensitivityCell> cells_;
    std::ofstream out_;
};

} // namespace espalier::analysis
