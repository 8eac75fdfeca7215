#pragma once
// A run's metrics.jsonl: one JSON object per line, each with a "step". Appended as training goes
// (flushed per line); a resumed run first drops the lines after its checkpoint's step so the file
// reads as one uninterrupted run. Torch-free.
#include <cstdio>
#include <string>
#include <vector>

namespace espalier::train {

class MetricsLog {
public:
    // Opens path for appending. Existing lines with "step" > keepThroughStep (all lines when it is < 0)
    // and malformed lines are removed first (the file is rewritten atomically), and so are lines with a
    // "dev_cer" at keepThroughStep unless keepDevAtThatStep (the checkpoint resumed from was written
    // before that evaluation, which will run again). Throws IoError.
    MetricsLog(std::string path, long long keepThroughStep, bool keepDevAtThatStep = true);
    ~MetricsLog();
    MetricsLog(const MetricsLog&) = delete;
    MetricsLog& operator=(const MetricsLog&) = delete;

    // Appends one line (a compact JSON object, without the newline).
    void append(const std::string& jsonLine);
    const std::string& path() const { return path_; }

    // The well-formed JSON-object lines of a metrics file, in order (a missing file has none).
    static std::vector<std::string> readLines(const std::string& path);

private:
    std::string path_;
    std::FILE* file_ = nullptr;
};

// Appends "<ISO time> <LEVEL> <line>" to a run's log file (best effort: failures are ignored, the job's
// observer has the line anyway).
void appendRunLog(const std::string& path, const std::string& level, const std::string& line);

} // namespace espalier::train
