#include "core/train/metrics_log.h"

#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>

namespace espalier::train {

std::vector<std::string> MetricsLog::readLines(const std::string& path)
{
    std::vector<std::string> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line)) {
        const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
        if (!j.is_discarded() && j.is_object())
            lines.push_back(line);
    }
    return lines;
}

MetricsLog::MetricsLog(std::string path, long long keepThroughStep, bool keepDevAtThatStep) : path_(std::move(path))
{
    std::string kept;
    if (keepThroughStep >= 0) {
        for (const std::string& line : readLines(path_)) {
            const nlohmann::json j = nlohmann::json::parse(line);
            if (!j.contains("step") || !j["step"].is_number())
                continue;
            const double step = j["step"].get<double>();
            const bool redone = step == double(keepThroughStep) && j.contains("dev_cer") && !keepDevAtThatStep;
            if (step <= double(keepThroughStep) && !redone)
                kept += line + "\n";
        }
    }
    io::writeFileAtomic(path_, kept);
    file_ = std::fopen(path_.c_str(), "a");
    if (!file_)
        throw IoError("cannot append to '" + path_ + "'");
}

MetricsLog::~MetricsLog()
{
    if (file_)
        std::fclose(file_);
}

void MetricsLog::append(const std::string& jsonLine)
{
    if (std::fputs((jsonLine + "\n").c_str(), file_) < 0 || std::fflush(file_) != 0)
        throw IoError("cannot append to '" + path_ + "'");
}

void appendRunLog(const std::string& path, const std::string& level, const std::string& line)
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    char stamp[32];
    std::tm tm{};
    localtime_r(&now, &tm);
    std::strftime(stamp, sizeof stamp, "%Y-%m-%dT%H:%M:%S", &tm);
    if (std::FILE* f = std::fopen(path.c_str(), "a")) {
        std::fprintf(f, "%s %s %s\n", stamp, level.c_str(), line.c_str());
        std::fclose(f);
    }
}

} // namespace espalier::train
