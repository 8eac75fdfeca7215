#include "core/analysis/sensitivity_cache.h"

#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace espalier::analysis {

namespace fs = std::filesystem;
using nlohmann::json;

std::string defaultCacheDir(const std::string& model, const std::string& out)
{
    std::error_code ec;
    fs::path p = fs::absolute(model, ec);
    for (; !p.empty() && p != p.root_path(); p = p.parent_path())
        if (fs::is_regular_file(p / "espalier-project.yaml", ec))
            return (p / "cache" / "sensitivity").string();
    const fs::path outDir = fs::absolute(out, ec).parent_path();
    return (outDir / ".espalier-cache" / "sensitivity").string();
}

SensitivityCache::SensitivityCache(std::string dir, std::string key)
{
    if (dir.empty())
        return;
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw IoError(dir + ": cannot create the sensitivity cache folder: " + ec.message());
    path_ = dir + "/" + key + ".jsonl";
    {
        std::ifstream in(path_);
        std::string line;
        while (std::getline(in, line)) {
            // A line cut short (a crash while appending) or not ours is skipped, never fatal.
            const json j = json::parse(line, nullptr, false);
            if (!j.is_object())
                continue;
            if (j.contains("baseline") && j["baseline"].is_object() && j["baseline"].value("loss", json()).is_number()
                && j["baseline"].value("cer", json()).is_number()) {
                baseline_ = Baseline{j["baseline"]["loss"].get<double>(), j["baseline"]["cer"].get<double>()};
                continue;
            }
            if (!j.value("row", json()).is_string() || !j.value("level", json()).is_number_unsigned()
                || !j.value("loss", json()).is_number() || !j.value("kl", json()).is_number()
                || !j.value("cer", json()).is_number())
                continue;
            SensitivityCell c;
            c.state = SensitivityCell::State::Done;
            c.loss = j["loss"].get<double>();
            c.kl = j["kl"].get<double>();
            c.cer = j["cer"].get<double>();
            cells_[{j["row"].get<std::string>(), j["level"].get<size_t>()}] = c;
        }
    }
    out_.open(path_, std::ios::app);
    if (!out_)
        throw IoError(path_ + ": cannot append to the sensitivity cache");
}

std::optional<SensitivityCell> SensitivityCache::cell(const std::string& row, size_t level) const
{
    const auto it = cells_.find({row, level});
    if (it == cells_.end())
        return std::nullopt;
    return it->second;
}

void SensitivityCache::append(const std::string& line)
{
    if (path_.empty())
        return;
    // One write per line, flushed at once: a crash loses at most the line being written.
    out_ << line << '\n';
    out_.flush();
}

void SensitivityCache::putBaseline(const Baseline& baseline)
{
    baseline_ = baseline;
    append(json({{"baseline", {{"loss", baseline.loss}, {"cer", baseline.cer}}}}).dump());
}

void SensitivityCache::put(const std::string& row, size_t level, const SensitivityCell& cell)
{
    if (cell.state != SensitivityCell::State::Done)
        return;
    cells_[{row, level}] = cell;
    append(json({{"row", row}, {"level", level}, {"loss", cell.loss}, {"kl", cell.kl}, {"cer", cell.cer}}).dump());
}

} // namespace espalier::analysis
