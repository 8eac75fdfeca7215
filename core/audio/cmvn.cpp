#include "core/audio/cmvn.h"

#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

namespace espalier::audio {

namespace {

// WeNet's floor on the variance before 1/sqrt.
constexpr double kVarianceFloor = 1e-20;

std::vector<double> readStats(const nlohmann::json& root, const char* key, const std::string& source)
{
    const auto bad = [&](const std::string& why) {
        return FormatError("'" + source + "' is not a valid CMVN file: " + why);
    };
    const auto it = root.find(key);
    if (it == root.end()) throw bad(std::string("missing \"") + key + "\"");
    if (!it->is_array()) throw bad(std::string("\"") + key + "\" must be an array of numbers");
    std::vector<double> out;
    out.reserve(it->size());
    for (size_t i = 0; i < it->size(); ++i) {
        const auto& v = (*it)[i];
        if (!v.is_number() || !std::isfinite(v.get<double>()))
            throw bad(std::string("\"") + key + "\"[" + std::to_string(i) + "] is not a finite number");
        out.push_back(v.get<double>());
    }
    return out;
}

} // namespace

void CmvnStats::accumulate(const float* features, int frameCount, int bins)
{
    if (frameCount < 0 || bins <= 0)
        throw InputError("CMVN: invalid feature matrix " + std::to_string(frameCount) + "x" + std::to_string(bins));
    if (sum.empty()) {
        sum.assign(size_t(bins), 0.0);
        sumSquares.assign(size_t(bins), 0.0);
    } else if (sum.size() != size_t(bins)) {
        throw InputError("CMVN: features have " + std::to_string(bins) + " bins, the statistics have " +
                         std::to_string(sum.size()));
    }
    for (int t = 0; t < frameCount; ++t) {
        const float* row = features + size_t(t) * size_t(bins);
        for (int b = 0; b < bins; ++b) {
            const double x = row[b];
            sum[size_t(b)] += x;
            sumSquares[size_t(b)] += x * x;
        }
    }
    frames += frameCount;
}

void CmvnStats::merge(const CmvnStats& other)
{
    if (other.sum.empty() && other.frames == 0) return;
    if (sum.empty() && frames == 0) {
        *this = other;
        return;
    }
    if (other.sum.size() != sum.size() || other.sumSquares.size() != sumSquares.size())
        throw InputError("CMVN: cannot merge statistics of " + std::to_string(other.sum.size()) + " bins into " +
                         std::to_string(sum.size()) + " bins");
    for (size_t b = 0; b < sum.size(); ++b) {
        sum[b] += other.sum[b];
        sumSquares[b] += other.sumSquares[b];
    }
    frames += other.frames;
}

std::vector<float> CmvnStats::mean() const
{
    if (frames <= 0) throw InputError("CMVN: no frames were accumulated");
    std::vector<float> out(sum.size());
    for (size_t b = 0; b < sum.size(); ++b) out[b] = float(sum[b] / double(frames));
    return out;
}

std::vector<float> CmvnStats::invStddev() const
{
    if (frames <= 0) throw InputError("CMVN: no frames were accumulated");
    std::vector<float> out(sum.size());
    for (size_t b = 0; b < sum.size(); ++b) {
        const double m = sum[b] / double(frames);
        const double var = std::max(sumSquares[b] / double(frames) - m * m, kVarianceFloor);
        out[b] = float(1.0 / std::sqrt(var));
    }
    return out;
}

std::string CmvnStats::toJson() const
{
    nlohmann::json root;
    root["mean_stat"] = sum;
    root["var_stat"] = sumSquares;
    root["frame_num"] = frames;
    return root.dump() + "\n";
}

CmvnStats CmvnStats::fromJson(const std::string& json, const std::string& sourceName)
{
    const auto bad = [&](const std::string& why) {
        return FormatError("'" + sourceName + "' is not a valid CMVN file: " + why);
    };
    nlohmann::json root;
    try {
        root = nlohmann::json::parse(json);
    } catch (const nlohmann::json::exception& e) {
        throw bad(std::string("malformed JSON (") + e.what() + ")");
    }
    if (!root.is_object()) throw bad("expected an object with \"mean_stat\", \"var_stat\" and \"frame_num\"");

    CmvnStats stats;
    stats.sum = readStats(root, "mean_stat", sourceName);
    stats.sumSquares = readStats(root, "var_stat", sourceName);
    if (stats.sum.size() != stats.sumSquares.size())
        throw bad("\"mean_stat\" has " + std::to_string(stats.sum.size()) + " values but \"var_stat\" has " +
                  std::to_string(stats.sumSquares.size()));
    if (stats.sum.empty()) throw bad("\"mean_stat\" is empty");

    const auto it = root.find("frame_num");
    if (it == root.end()) throw bad("missing \"frame_num\"");
    if (it->is_number_integer()) {
        stats.frames = it->get<long long>();  // an unsigned value past the range wraps negative and is refused
    } else if (it->is_number_float() && std::isfinite(it->get<double>()) &&
               std::floor(it->get<double>()) == it->get<double>() && std::fabs(it->get<double>()) < 4.6e18) {
        stats.frames = (long long)it->get<double>();  // some tools write the count as a float
    } else {
        throw bad("\"frame_num\" must be a whole number");
    }
    if (stats.frames <= 0) throw bad("\"frame_num\" must be positive, got " + std::to_string(stats.frames));
    return stats;
}

} // namespace espalier::audio
