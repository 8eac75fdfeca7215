#include "app/cli/job_printer.h"

#include <nlohmann/json.hpp>

#include <cmath>

namespace espalier::cli {

TerminalJobPrinter::TerminalJobPrinter(std::FILE* out, bool interactive, bool showProgress)
    : out_(out), interactive_(interactive), showProgress_(showProgress)
{
}

TerminalJobPrinter::~TerminalJobPrinter()
{
    std::lock_guard lock(mutex_);
    clearBar();
}

void TerminalJobPrinter::clearBar()
{
    if (barVisible_) {
        std::fputs("\r\033[K", out_);
        barVisible_ = false;
    }
}

void TerminalJobPrinter::onStage(const std::string& stage, int index, int count)
{
    if (!showProgress_)
        return;
    std::lock_guard lock(mutex_);
    clearBar();
    std::fprintf(out_, "[%d/%d] %s\n", index + 1, count, stage.c_str());
    std::fflush(out_);
    lastDecile_ = -1;
}

void TerminalJobPrinter::onProgress(const job::JobProgress& p)
{
    if (!showProgress_)
        return;
    std::lock_guard lock(mutex_);
    const int percent = static_cast<int>(std::floor(p.fraction * 100.0));
    std::string counts = p.total > 0 ? " " + std::to_string(p.done) + "/" + std::to_string(p.total) : "";
    if (interactive_) {
        constexpr int width = 30;
        const int filled = static_cast<int>(p.fraction * width);
        std::string bar(filled, '=');
        if (filled < width)
            bar += '>' + std::string(width - filled - 1, ' ');
        std::fprintf(out_, "\r\033[K[%s] %3d%%%s  elapsed %s  ETA %s", bar.c_str(), percent, counts.c_str(),
                     job::formatDuration(p.elapsedSeconds).c_str(), job::formatDuration(p.etaSeconds).c_str());
        barVisible_ = true;
    } else {
        const int decile = percent / 10;
        if (decile == lastDecile_)
            return;
        lastDecile_ = decile;
        std::fprintf(out_, "  %3d%%%s  elapsed %s  ETA %s\n", percent, counts.c_str(),
                     job::formatDuration(p.elapsedSeconds).c_str(), job::formatDuration(p.etaSeconds).c_str());
    }
    std::fflush(out_);
}

void TerminalJobPrinter::onLog(job::LogLevel level, const std::string& line)
{
    // A job's failure arrives as its last Error line; the command prints it once, as "espalier-cli: ...".
    if (level == job::LogLevel::Debug || level == job::LogLevel::Error)
        return;
    std::lock_guard lock(mutex_);
    clearBar();
    if (level == job::LogLevel::Info)
        std::fprintf(out_, "%s\n", line.c_str());
    else
        std::fprintf(out_, "%s: %s\n", job::logLevelNames().name(level), line.c_str());
    std::fflush(out_);
}

void JsonLinesJobPrinter::write(const std::string& line)
{
    std::lock_guard lock(mutex_);
    std::fputs(line.c_str(), out_);
    std::fputc('\n', out_);
    std::fflush(out_);
}

void JsonLinesJobPrinter::onStage(const std::string& stage, int index, int count)
{
    write(nlohmann::json{{"event", "stage"}, {"stage", stage}, {"index", index}, {"count", count}}.dump());
}

void JsonLinesJobPrinter::onProgress(const job::JobProgress& p)
{
    nlohmann::json j{{"event", "progress"}, {"fraction", p.fraction}, {"elapsed_s", p.elapsedSeconds},
                     {"stage", p.stage}, {"done", p.done}, {"total", p.total}};
    j["eta_s"] = p.etaSeconds >= 0 ? nlohmann::json(p.etaSeconds) : nlohmann::json(nullptr);
    write(j.dump());
}

void JsonLinesJobPrinter::onLog(job::LogLevel level, const std::string& line)
{
    write(nlohmann::json{{"event", "log"}, {"level", job::logLevelNames().name(level)}, {"text", line}}.dump());
}

void JsonLinesJobPrinter::onMetric(const job::MetricPoint& point)
{
    write(nlohmann::json{{"event", "metric"}, {"series", point.series}, {"step", point.step},
                         {"value", point.value}, {"tags", point.tags}}.dump());
}

} // namespace espalier::cli
