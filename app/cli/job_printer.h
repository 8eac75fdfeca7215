#pragma once
// Renders job events on a terminal: a one-line progress bar with ETA on a TTY, stage and
// every-10 % lines otherwise, or JSON lines for --json.
#include "core/job/job.h"

#include <cstdio>
#include <mutex>

namespace espalier::cli {

class TerminalJobPrinter : public job::JobObserver {
public:
    TerminalJobPrinter(std::FILE* out, bool interactive, bool showProgress);
    ~TerminalJobPrinter() override;
    void onStage(const std::string& stage, int index, int count) override;
    void onProgress(const job::JobProgress& progress) override;
    void onLog(job::LogLevel level, const std::string& line) override;

private:
    void clearBar();
    std::FILE* out_;
    bool interactive_;
    bool showProgress_;
    bool barVisible_ = false;
    int lastDecile_ = -1;
    std::mutex mutex_;
};

class JsonLinesJobPrinter : public job::JobObserver {
public:
    explicit JsonLinesJobPrinter(std::FILE* out) : out_(out) {}
    void onStage(const std::string& stage, int index, int count) override;
    void onProgress(const job::JobProgress& progress) override;
    void onLog(job::LogLevel level, const std::string& line) override;
    void onMetric(const job::MetricPoint& point) override;

private:
    void write(const std::string& line);
    std::FILE* out_;
    std::mutex mutex_;
};

} // namespace espalier::cli
