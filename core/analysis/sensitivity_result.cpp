#include "core/analysis/sensitivity_result.h"

#include "core/analysis/fingerprint.h"
#include "core/io/atomic_file.h"
#include "core/io/json_fields.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <map>

namespace espalier::analysis {

using nlohmann::json;

const EnumNames<Granularity>& granularityNames()
{
    static const EnumNames<Granularity> names({{Granularity::Tensor, "tensor"},
                                               {Granularity::Group, "group"},
                                               {Granularity::Channel, "channel"},
                                               {Granularity::Head, "head"},
                                               {Granularity::Block, "block"}});
    return names;
}

std::vector<double> defaultLevels() { return {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.85, 0.9, 0.95}; }

std::vector<double> parseLevels(const std::string& text)
{
    std::vector<double> levels;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t comma = std::min(text.find(',', start), text.size());
        std::string item = text.substr(start, comma - start);
        item.erase(0, item.find_first_not_of(" \t"));
        item.erase(item.find_last_not_of(" \t") + 1);
        char* end = nullptr;
        const double v = std::strtod(item.c_str(), &end);
        if (item.empty() || *end != '\0')
            throw InputError("levels: '" + item + "' is not a number (give them as 0,0.5,0.9)");
        levels.push_back(v);
        start = comma + 1;
    }
    return levels;
}

std::string levelsText(const std::vector<double>& levels)
{
    std::string out;
    for (const double l : levels) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%s%g", out.empty() ? "" : ",", l);
        out += buf;
    }
    return out;
}

void checkLevels(const std::vector<double>& levels, const std::string& field)
{
    if (levels.size() < 2)
        throw InputError(field + ": give at least two levels (0 and one sparsity)");
    if (levels.front() != 0.0)
        throw InputError(field + ": the first level must be 0 (the unpruned model), got " + std::to_string(levels.front()));
    for (size_t i = 0; i < levels.size(); ++i) {
        if (!std::isfinite(levels[i]) || levels[i] < 0.0 || levels[i] >= 1.0)
            throw InputError(field + ": level " + std::to_string(levels[i]) + " is not a sparsity in [0, 1)");
        if (i > 0 && levels[i] <= levels[i - 1])
            throw InputError(field + ": levels must rise; " + std::to_string(levels[i]) + " follows "
                             + std::to_string(levels[i - 1]));
    }
}

bool SensitivityRow::complete() const
{
    return std::none_of(cells.begin(), cells.end(),
                        [](const SensitivityCell& c) { return c.state == SensitivityCell::State::Pending; });
}

std::string SensitivityResult::key() const
{
    Fingerprint f;
    f.add("espalier-sensitivity-1").add(modelHash).add(subsetHash).add(std::to_string(subset));
    f.add(granularityNames().name(granularity));
    for (const double l : levels) {
        char buf[32];
        std::snprintf(buf, sizeof buf, "%.9g", l);
        f.add(buf);
    }
    return f.hex();
}

bool SensitivityResult::complete() const
{
    for (size_t i = 0; i < rows.size(); ++i)
        if (inShard(i) && !rows[i].complete())
            return false;
    return true;
}

int SensitivityResult::doneCells() const
{
    int n = 0;
    for (size_t i = 0; i < rows.size(); ++i)
        if (inShard(i))
            for (const SensitivityCell& c : rows[i].cells)
                n += c.state != SensitivityCell::State::Pending;
    return n;
}

int SensitivityResult::totalCells() const
{
    int n = 0;
    for (size_t i = 0; i < rows.size(); ++i)
        if (inShard(i))
            n += int(rows[i].cells.size());
    return n;
}

double SensitivityResult::deltaLoss(const SensitivityRow& row, size_t level) const
{
    const SensitivityCell& c = row.cells.at(level);
    return c.state == SensitivityCell::State::Done ? c.loss - baselineLoss : 0.0;
}

double SensitivityResult::deltaCer(const SensitivityRow& row, size_t level) const
{
    const SensitivityCell& c = row.cells.at(level);
    return c.state == SensitivityCell::State::Done ? c.cer - baselineCer : 0.0;
}

double rowSensitivity(const SensitivityResult& result, const SensitivityRow& row)
{
    const double base = result.baselineLoss > 0.0 ? result.baselineLoss : 1.0;
    std::vector<double> x, y;
    double last = 0.0;
    for (size_t i = 0; i < row.cells.size() && i < result.levels.size(); ++i) {
        const SensitivityCell& c = row.cells[i];
        if (c.state == SensitivityCell::State::Pending)
            continue;
        if (c.state == SensitivityCell::State::Done)
            last = result.deltaLoss(row, i);
        else
            last = std::max(last, result.lossCeiling);
        x.push_back(result.levels[i]);
        y.push_back(last / base);
    }
    if (x.empty())
        return 0.0;
    if (result.granularity == Granularity::Block || x.size() == 1)
        return y.back();
    double area = 0.0;
    for (size_t i = 1; i < x.size(); ++i)
        area += 0.5 * (y[i] + y[i - 1]) * (x[i] - x[i - 1]);
    const double span = x.back() - x.front();
    return span > 0.0 ? area / span : 0.0;
}

std::vector<BlockSummary> blockSummaries(const SensitivityResult& result)
{
    std::map<int, std::pair<double, long long>> sums;  // block -> (weighted sum, parameters)
    for (const SensitivityRow& row : result.rows) {
        if (std::all_of(row.cells.begin(), row.cells.end(),
                        [](const SensitivityCell& c) { return c.state == SensitivityCell::State::Pending; }))
            continue;
        const long long weight = std::max<long long>(1, row.parameters);
        auto& s = sums[row.block];
        s.first += rowSensitivity(result, row) * double(weight);
        s.second += weight;
    }
    std::vector<BlockSummary> out;
    for (const auto& [block, s] : sums)
        out.push_back({block, s.second > 0 ? s.first / double(s.second) : 0.0, s.second});
    return out;
}

// ---- JSON ---------------------------------------------------------------------------------------

namespace {

nlohmann::ordered_json cellJson(const SensitivityCell& c)
{
    switch (c.state) {
    case SensitivityCell::State::Pending:
        return nullptr;
    case SensitivityCell::State::Skipped:
        return "skipped";
    case SensitivityCell::State::Done:
        break;
    }
    return {{"loss", c.loss}, {"kl", c.kl}, {"cer", c.cer}};
}

// Reading with the field's path in every error.
class Reader {
public:
    explicit Reader(std::string source) : source_(std::move(source)) {}

    [[noreturn]] void fail(const std::string& field, const std::string& problem) const
    {
        throw FormatError(source_ + ": " + field + ": " + problem);
    }
    const json& member(const json& j, const char* key, const std::string& at) const
    {
        if (!j.is_object() || !j.contains(key))
            fail(at + key, "missing");
        return j[key];
    }
    template <typename T>
    T get(const json& j, const char* key, const std::string& at) const
    {
        const json& v = member(j, key, at);
        if (v.is_null())
            fail(at + key, "missing");
        return io::jsonField<T>(j, key, T{}, source_ + ": " + at.substr(0, at.empty() ? 0 : at.size() - 1));
    }
    template <typename T>
    T optional(const json& j, const char* key, const T& fallback, const std::string& at) const
    {
        return io::jsonField<T>(j, key, fallback, source_ + ": " + at.substr(0, at.empty() ? 0 : at.size() - 1));
    }
    std::vector<double> numbers(const json& j, const char* key, const std::string& at, bool required) const
    {
        std::vector<double> out;
        if (!j.contains(key) || j[key].is_null()) {
            if (required)
                fail(at + key, "missing");
            return out;
        }
        const json& v = j[key];
        if (!v.is_array())
            fail(at + key, "expected a list of numbers");
        for (size_t i = 0; i < v.size(); ++i) {
            if (!v[i].is_number() || !std::isfinite(v[i].get<double>()))
                fail(at + key + "[" + std::to_string(i) + "]", "expected a finite number");
            out.push_back(v[i].get<double>());
        }
        return out;
    }

private:
    std::string source_;
};

SensitivityCell readCell(const Reader& r, const json& j, const std::string& at)
{
    SensitivityCell c;
    if (j.is_null())
        return c;
    if (j.is_string()) {
        if (j.get<std::string>() != "skipped")
            r.fail(at, "expected null, \"skipped\" or {loss, kl, cer}, got \"" + j.get<std::string>() + "\"");
        c.state = SensitivityCell::State::Skipped;
        return c;
    }
    if (!j.is_object())
        r.fail(at, "expected null, \"skipped\" or {loss, kl, cer}");
    c.state = SensitivityCell::State::Done;
    const std::string prefix = at + ".";
    c.loss = r.get<double>(j, "loss", prefix);
    c.kl = r.get<double>(j, "kl", prefix);
    c.cer = r.get<double>(j, "cer", prefix);
    if (!std::isfinite(c.loss) || !std::isfinite(c.kl) || !std::isfinite(c.cer) || c.cer < 0.0)
        r.fail(at, "loss, kl and cer must be finite (cer not negative)");
    return c;
}

} // namespace

std::string SensitivityResult::toJson() const
{
    // Insertion order: what the file is first, the rows last.
    using ordered = nlohmann::ordered_json;
    ordered rowsJson = ordered::array();
    for (const SensitivityRow& row : rows) {
        ordered cells = ordered::array();
        for (const SensitivityCell& c : row.cells)
            cells.push_back(cellJson(c));
        ordered r = {{"name", row.name},           {"tensors", row.tensors},     {"block", row.block},
                  {"role", row.role},           {"parameters", row.parameters}, {"magnitude", row.magnitude},
                  {"cells", cells},             {"sensitivity", rowSensitivity(*this, row)}};
        if (!row.latencyMs.empty())
            r["latency_ms"] = row.latencyMs;
        rowsJson.push_back(r);
    }
    ordered blocks = ordered::array();
    for (const BlockSummary& b : blockSummaries(*this))
        blocks.push_back({{"block", b.block}, {"sensitivity", b.sensitivity}, {"parameters", b.parameters}});
    const ordered doc = {
        {"format", "espalier-sensitivity"},
        {"version", kFormatVersion},
        {"key", key()},
        {"model", {{"path", model}, {"hash", modelHash}, {"description", modelDescription}}},
        {"data", {{"manifest", data}, {"subset", subset}, {"hash", subsetHash}}},
        {"granularity", granularityNames().name(granularity)},
        {"levels", levels},
        {"loss_ceiling", lossCeiling},
        {"baseline", {{"loss", baselineLoss}, {"cer", baselineCer}}},
        {"shard", {{"index", shardIndex}, {"count", shardCount}}},
        {"latency", {{"source", latencySource}, {"cpu", latencyCpu}, {"frames", latencyFrames}}},
        {"complete", complete()},
        {"rows", rowsJson},
        {"blocks", blocks},
    };
    return doc.dump(1) + "\n";
}

void SensitivityResult::save(const std::string& path) const { io::writeFileAtomic(path, toJson()); }

SensitivityResult SensitivityResult::fromJson(const std::string& text, const std::string& sourceName)
{
    json doc;
    try {
        doc = json::parse(text);
    } catch (const json::exception& e) {
        throw FormatError(sourceName + ": not a sensitivity result (JSON: " + e.what() + ")");
    }
    const Reader r(sourceName);
    if (!doc.is_object() || doc.value("format", std::string()) != "espalier-sensitivity")
        throw FormatError(sourceName + ": not a sensitivity result (no \"format\": \"espalier-sensitivity\")");
    const int version = r.get<int>(doc, "version", "");
    if (version != kFormatVersion)
        r.fail("version", "this build reads version " + std::to_string(kFormatVersion) + ", the file is version "
                              + std::to_string(version));
    SensitivityResult out;
    const json& model = r.member(doc, "model", "");
    out.model = r.get<std::string>(model, "path", "model.");
    out.modelHash = r.get<std::string>(model, "hash", "model.");
    out.modelDescription = r.optional<std::string>(model, "description", "", "model.");
    const json& data = r.member(doc, "data", "");
    out.data = r.get<std::string>(data, "manifest", "data.");
    out.subset = r.get<int>(data, "subset", "data.");
    out.subsetHash = r.get<std::string>(data, "hash", "data.");
    const std::string granularity = r.get<std::string>(doc, "granularity", "");
    const std::optional<Granularity> parsed = granularityNames().parse(granularity);
    if (!parsed)
        r.fail("granularity", "expected " + granularityNames().expected() + ", got \"" + granularity + "\"");
    out.granularity = *parsed;
    out.levels = r.numbers(doc, "levels", "", true);
    try {
        if (out.granularity == Granularity::Block) {
            if (out.levels != std::vector<double>{0.0, 1.0})
                r.fail("levels", "a block analysis has the levels [0, 1]");
        } else {
            checkLevels(out.levels, "levels");
        }
    } catch (const InputError& e) {
        throw FormatError(sourceName + ": " + e.what());
    }
    out.lossCeiling = r.optional<double>(doc, "loss_ceiling", 0.0, "");
    const json& baseline = r.member(doc, "baseline", "");
    out.baselineLoss = r.get<double>(baseline, "loss", "baseline.");
    out.baselineCer = r.get<double>(baseline, "cer", "baseline.");
    if (doc.contains("shard")) {
        out.shardIndex = r.get<int>(doc["shard"], "index", "shard.");
        out.shardCount = r.get<int>(doc["shard"], "count", "shard.");
        if (out.shardCount < 1 || out.shardIndex < 0 || out.shardIndex >= out.shardCount)
            r.fail("shard", "index " + std::to_string(out.shardIndex) + " of " + std::to_string(out.shardCount)
                                + " is not a shard (0 <= index < count)");
    }
    if (doc.contains("latency")) {
        out.latencySource = r.optional<std::string>(doc["latency"], "source", "", "latency.");
        out.latencyCpu = r.optional<std::string>(doc["latency"], "cpu", "", "latency.");
        out.latencyFrames = r.optional<int>(doc["latency"], "frames", 0, "latency.");
    }
    const json& rows = r.member(doc, "rows", "");
    if (!rows.is_array())
        r.fail("rows", "expected a list");
    for (size_t i = 0; i < rows.size(); ++i) {
        const std::string at = "rows[" + std::to_string(i) + "].";
        const json& j = rows[i];
        SensitivityRow row;
        row.name = r.get<std::string>(j, "name", at);
        row.tensors = r.optional<std::vector<std::string>>(j, "tensors", {}, at);
        row.block = r.optional<int>(j, "block", -1, at);
        row.role = r.optional<std::string>(j, "role", "", at);
        row.parameters = r.optional<long long>(j, "parameters", 0, at);
        row.magnitude = r.numbers(j, "magnitude", at, false);
        row.latencyMs = r.numbers(j, "latency_ms", at, false);
        const json& cells = r.member(j, "cells", at);
        if (!cells.is_array() || cells.size() != out.levels.size())
            r.fail(at + "cells", "expected one entry per level (" + std::to_string(out.levels.size()) + ")");
        for (size_t c = 0; c < cells.size(); ++c)
            row.cells.push_back(readCell(r, cells[c], at + "cells[" + std::to_string(c) + "]"));
        if (!row.magnitude.empty() && row.magnitude.size() != out.levels.size())
            r.fail(at + "magnitude", "expected one number per level");
        if (!row.latencyMs.empty() && row.latencyMs.size() != out.levels.size())
            r.fail(at + "latency_ms", "expected one number per level");
        out.rows.push_back(std::move(row));
    }
    return out;
}

SensitivityResult SensitivityResult::load(const std::string& path)
{
    return fromJson(io::readFile(path), path);
}

SensitivityResult mergeShards(const std::vector<SensitivityResult>& shards, const std::vector<std::string>& sources)
{
    if (shards.empty())
        throw InputError("merge: give the shards' result files");
    const SensitivityResult& first = shards.front();
    const int count = first.shardCount;
    std::vector<int> seen(size_t(count), -1);
    for (size_t s = 0; s < shards.size(); ++s) {
        const SensitivityResult& shard = shards[s];
        const std::string& source = s < sources.size() ? sources[s] : "shard " + std::to_string(s);
        if (shard.key() != first.key())
            throw InputError(source + ": another analysis than " + sources.front()
                             + " (model, subset, levels or granularity differ)");
        if (shard.shardCount != count || shard.rows.size() != first.rows.size())
            throw InputError(source + ": split into " + std::to_string(shard.shardCount) + " shards, "
                             + sources.front() + " into " + std::to_string(count));
        if (seen[size_t(shard.shardIndex)] >= 0)
            throw InputError(source + ": shard " + std::to_string(shard.shardIndex) + " is also "
                             + sources[size_t(seen[size_t(shard.shardIndex)])]);
        seen[size_t(shard.shardIndex)] = int(s);
    }
    for (int i = 0; i < count; ++i)
        if (seen[size_t(i)] < 0)
            throw InputError("merge: shard " + std::to_string(i) + "/" + std::to_string(count) + " is missing");
    SensitivityResult out = first;
    out.shardIndex = 0;
    out.shardCount = 1;
    for (size_t r = 0; r < out.rows.size(); ++r) {
        const SensitivityResult& owner = shards[size_t(seen[r % size_t(count)])];
        out.rows[r] = owner.rows[r];
        if (!owner.rows[r].latencyMs.empty() && out.latencySource.empty()) {
            out.latencySource = owner.latencySource;
            out.latencyCpu = owner.latencyCpu;
            out.latencyFrames = owner.latencyFrames;
        }
    }
    return out;
}

} // namespace espalier::analysis
