#include "core/train/run_record.h"

#include "core/io/json_fields.h"
#include "core/train/metrics_log.h"

#include <nlohmann/json.hpp>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

std::optional<nlohmann::json> readJsonFile(const std::string& path, std::string& problem)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        return std::nullopt;
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    try {
        return nlohmann::json::parse(text.str());
    } catch (const std::exception& e) {
        problem = path + ": " + e.what();
        return std::nullopt;
    }
}

void readConfig(const RunPaths& paths, RunRecord& record)
{
    try {
        const YAML::Node root = YAML::LoadFile(paths.config());
        if (const YAML::Node n = root["name"])
            record.name = n.as<std::string>();
        if (const YAML::Node n = root["precision"])
            record.precision = n.as<std::string>();
        if (const YAML::Node n = root["steps"])
            record.plannedSteps = n.as<long long>();
        if (const YAML::Node n = root["max_minutes"])
            record.maxMinutes = n.as<double>();
        const YAML::Node model = root["model"];
        if (model && model["torchscript"] && !model["torchscript"].as<std::string>().empty()) {
            record.model = "TorchScript " + fs::path(model["torchscript"].as<std::string>()).filename().string();
        } else if (model) {
            const std::string type = model["type"] ? model["type"].as<std::string>() : "conformer";
            record.model = type == "transformer" ? "Transformer" : "Conformer";
            if (model["size"] && !model["size"].as<std::string>().empty())
                record.model += " " + model["size"].as<std::string>();
            else if (model["attention_dim"] && model["num_blocks"])  // a custom size: width x blocks
                record.model += " " + model["attention_dim"].as<std::string>() + "×" + model["num_blocks"].as<std::string>();
        }
    } catch (const std::exception& e) {
        record.problem = paths.config() + ": " + e.what();
    }
}

} // namespace

const EnumNames<RunState>& runStateNames()
{
    static const EnumNames<RunState> names{
        {RunState::Empty, "empty"}, {RunState::Stopped, "stopped"}, {RunState::Finished, "finished"}};
    return names;
}

RunRecord readRunRecord(const std::string& runDir)
{
    RunRecord record;
    record.dir = runDir;
    record.id = fs::path(runDir).filename().string();
    const RunPaths paths(runDir);
    readConfig(paths, record);

    for (const std::string& line : MetricsLog::readLines(paths.metrics())) {
        try {
            const nlohmann::json j = nlohmann::json::parse(line);
            record.stepsDone = std::max(record.stepsDone, io::jsonField<long long>(j, "step", 0, paths.metrics()));
            if (j.contains("sparsity") && j["sparsity"].is_number())
                record.sparsity = j["sparsity"].get<double>();
        } catch (const std::exception&) {
        }
    }
    if (auto best = readJsonFile(paths.checkpoints() + "/best.json", record.problem);
        best && best->contains("dev_cer") && (*best)["dev_cer"].is_number())
        record.bestDevCer = (*best)["dev_cer"].get<double>();

    const std::string summaryPath = paths.results() + "/summary.json";
    if (auto summary = readJsonFile(summaryPath, record.problem)) {
        try {
            for (const auto& item : summary->at("tests").items()) {
                const nlohmann::json& t = item.value();
                const std::string at = "tests." + item.key();  // the catch below adds the path
                const auto count = [&](const char* key) { return io::jsonRequired<long long>(t, key, at); };
                record.tests[item.key()] = {io::jsonRequired<double>(t, "cer", at), count("n"), count("c"), count("s"),
                                            count("d"), count("i")};
            }
            if (summary->contains("best_dev_cer"))
                record.bestDevCer = summary->at("best_dev_cer").get<double>();
            record.state = RunState::Finished;
        } catch (const std::exception& e) {
            record.problem = summaryPath + ": " + e.what();
        }
    }
    if (record.state != RunState::Finished && isResumableRun(runDir))
        record.state = RunState::Stopped;
    return record;
}

std::vector<RunRecord> listRuns(const std::string& runsDir)
{
    std::vector<RunRecord> runs;
    std::error_code ec;
    for (fs::directory_iterator it(runsDir, ec), end; !ec && it != end; it.increment(ec)) {
        if (it->is_directory(ec) && it->path().filename().string()[0] != '.'  // hidden: being removed
            && fs::is_regular_file(RunPaths(it->path().string()).config(), ec))
            runs.push_back(readRunRecord(it->path().string()));
    }
    std::sort(runs.begin(), runs.end(), [](const RunRecord& a, const RunRecord& b) { return a.id > b.id; });
    return runs;
}

std::map<std::string, std::vector<CurvePoint>> readMetricSeries(const std::string& metricsPath)
{
    static const std::pair<const char*, const char*> kKeys[] = {
        {"loss", "loss"},          {"lr", "lr"},                     {"scale", "loss_scale"},
        {"utt_per_s", "utterances_per_s"}, {"frames_per_s", "frames_per_s"}, {"dev_cer", "dev_cer"},
        {"sparsity", "sparsity"}, {"target_sparsity", "target_sparsity"}};
    std::map<std::string, std::vector<CurvePoint>> series;
    for (const std::string& line : MetricsLog::readLines(metricsPath)) {
        nlohmann::json j;
        try {
            j = nlohmann::json::parse(line);
        } catch (const std::exception&) {
            continue;
        }
        if (!j.contains("step") || !j["step"].is_number())
            continue;
        const double step = j["step"].get<double>();
        for (const auto& [key, name] : kKeys)
            if (j.contains(key) && j[key].is_number())
                series[name].push_back({step, j[key].get<double>()});
    }
    return series;
}

std::string newRunId(const std::string& runsDir, const std::string& name)
{
    const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
    std::tm local{};
    localtime_r(&now, &local);
    char stamp[32];
    std::strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &local);
    std::string clean;
    for (const char ch : name)
        clean += (std::isalnum((unsigned char)ch) || ch == '-' || ch == '_') ? ch : '-';
    std::string id = std::string(stamp) + (clean.empty() ? "" : "-" + clean);
    std::error_code ec;
    for (int n = 2; fs::exists(fs::path(runsDir) / id, ec); ++n)
        id = std::string(stamp) + (clean.empty() ? "" : "-" + clean) + "-" + std::to_string(n);
    return id;
}

} // namespace espalier::train
