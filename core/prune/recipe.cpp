#include "core/prune/recipe.h"

#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <regex>

namespace espalier::prune {

namespace {

const std::vector<std::string> kTopKeys = {"espalier_recipe", "name", "stages"};
const std::vector<std::string> kStageKeys = {"type", "scope", "schedule", "params", "exclude", "overrides"};
const std::vector<std::string> kStructuredKeys = {"type",    "channels",      "schedule",
                                                  "groups",  "exclude",       "rescore_every",
                                                  "calibration_utterances"};
const std::vector<std::string> kLayerKeys = {"type", "drop", "blocks", "calibration_utterances"};
const std::vector<std::string> kDynamicKeys = {"type",          "scope",   "schedule", "params", "exclude",
                                               "drop_fraction", "mask_lr", "decay"};
const std::vector<std::string> kStageTypes = {"unstructured", "structured", "layer", "dynamic"};
constexpr double kPi = 3.14159265358979323846;
const std::vector<std::string> kScheduleKeys = {"shape", "unit", "initial_sparsity", "final_sparsity", "begin", "end",
                                                "frequency", "points"};
const std::vector<std::string> kOverrideKeys = {"params", "final_sparsity"};
constexpr const char* kAllPrunable = "__ALL_PRUNABLE__";

bool globMatch(const char* p, const char* s)
{
    for (; *p; ++p, ++s) {
        if (*p == '*') {
            for (const char* rest = s;; ++rest) {
                if (globMatch(p + 1, rest))
                    return true;
                if (!*rest)
                    return false;
            }
        }
        if (!*s || *p != *s)
            return false;
    }
    return !*s;
}

std::vector<std::string> patternList(const io::YamlReader& r, const YAML::Node& node, const std::string& field)
{
    std::vector<std::string> out;
    if (node.IsScalar()) {
        out.push_back(r.string(node, field));
    } else if (node.IsSequence()) {
        for (size_t i = 0; i < node.size(); ++i)
            out.push_back(r.string(node[i], field));
    } else {
        r.fail(node, field, "expected a pattern or a list of patterns, got " + io::YamlReader::describe(node));
    }
    for (size_t i = 0; i < out.size(); ++i) {
        if (out[i].rfind("re:", 0) == 0) {
            try {
                std::regex(out[i].substr(3));
            } catch (const std::regex_error& e) {
                r.fail(node.IsSequence() ? node[i] : node, field, "bad regular expression '" + out[i].substr(3) + "': " + e.what());
            }
        }
    }
    return out;
}

SparsitySchedule readSchedule(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kScheduleKeys);
    SparsitySchedule s;
    if (const YAML::Node n = node["shape"])
        s.shape = r.choice(n, prefix + ".shape", scheduleShapeNames());
    if (const YAML::Node n = node["unit"])
        s.unit = r.choice(n, prefix + ".unit", scheduleUnitNames());
    if (const YAML::Node n = node["initial_sparsity"])
        s.initial = r.number(n, prefix + ".initial_sparsity");
    if (const YAML::Node n = node["final_sparsity"])
        s.final = r.number(n, prefix + ".final_sparsity");
    if (const YAML::Node n = node["begin"])
        s.begin = r.number(n, prefix + ".begin");
    if (const YAML::Node n = node["end"])
        s.end = r.number(n, prefix + ".end");
    if (const YAML::Node n = node["frequency"])
        s.frequency = r.number(n, prefix + ".frequency");
    if (const YAML::Node n = node["points"]) {
        if (!n.IsSequence())
            r.fail(n, prefix + ".points", "expected a list of [progress, sparsity] pairs");
        for (size_t i = 0; i < n.size(); ++i) {
            if (!n[i].IsSequence() || n[i].size() != 2)
                r.fail(n[i], prefix + ".points", "expected [progress, sparsity], got " + io::YamlReader::describe(n[i]));
            s.points.emplace_back(r.number(n[i][0], prefix + ".points"), r.number(n[i][1], prefix + ".points"));
        }
    }
    for (const ScheduleProblem& p : s.problems())
        r.fail(node[p.field] ? node[p.field] : node, prefix + "." + p.field, p.message);
    return s;
}

MaskScope readScope(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    const YAML::Node n = node["scope"];
    if (!n)
        return MaskScope::Global;
    return r.choice(n, prefix + ".scope", maskScopeNames());
}

SparsitySchedule requiredSchedule(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    const YAML::Node schedule = node["schedule"];
    if (!schedule)
        r.fail(node, prefix + ".schedule", "missing: give shape, final_sparsity, begin, end and frequency");
    return readSchedule(r, schedule, prefix + ".schedule");
}

double fraction(const io::YamlReader& r, const YAML::Node& n, const std::string& field, bool allowOne)
{
    const double v = r.number(n, field);
    if (!(v >= 0.0 && (allowOne ? v <= 1.0 : v < 1.0)))
        r.fail(n, field, std::string("must be in [0, 1") + (allowOne ? "]" : ")") + ", got " + n.Scalar());
    return v;
}

// `calibration_utterances`, 1 to 100000 (fallback when absent).
int calibrationUtterances(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix, int fallback)
{
    const YAML::Node n = node["calibration_utterances"];
    if (!n)
        return fallback;
    const int v = r.integer32(n, prefix + ".calibration_utterances");
    if (v < 1 || v > 100000)
        r.fail(n, prefix + ".calibration_utterances", "must be between 1 and 100000, got " + n.Scalar());
    return v;
}

// `params` and `exclude` patterns, where given.
void readSelection(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix,
                   std::vector<std::string>& params, std::vector<std::string>& exclude)
{
    if (const YAML::Node n = node["params"])
        params = patternList(r, n, prefix + ".params");
    if (const YAML::Node n = node["exclude"])
        exclude = patternList(r, n, prefix + ".exclude");
}

UnstructuredStage readUnstructured(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kStageKeys);
    UnstructuredStage stage;
    stage.scope = readScope(r, node, prefix);
    stage.schedule = requiredSchedule(r, node, prefix);
    readSelection(r, node, prefix, stage.params, stage.exclude);
    if (const YAML::Node n = node["overrides"]) {
        if (!n.IsSequence())
            r.fail(n, prefix + ".overrides", "expected a list of {params, final_sparsity}");
        for (size_t i = 0; i < n.size(); ++i) {
            const std::string where = prefix + ".overrides[" + std::to_string(i) + "]";
            r.checkKeys(n[i], where, kOverrideKeys);
            if (!n[i]["params"] || !n[i]["final_sparsity"])
                r.fail(n[i], where, "give params and final_sparsity");
            SparsityOverride o;
            o.pattern = r.string(n[i]["params"], where + ".params");
            patternList(r, n[i]["params"], where + ".params");  // checks a regex
            o.finalSparsity = r.number(n[i]["final_sparsity"], where + ".final_sparsity");
            if (o.finalSparsity < 0.0 || o.finalSparsity >= 1.0)
                r.fail(n[i]["final_sparsity"], where + ".final_sparsity", "must be in [0, 1), got " + n[i]["final_sparsity"].Scalar());
            stage.overrides.push_back(o);
        }
    }
    return stage;
}

StructuredStage readStructured(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kStructuredKeys);
    StructuredStage stage;
    stage.schedule = requiredSchedule(r, node, prefix);
    if (const YAML::Node n = node["channels"]) {
        stage.channels.clear();
        for (const std::string& kind : patternList(r, n, prefix + ".channels")) {
            const std::optional<ChannelKind> channel = channelKindNames().parse(kind);
            if (!channel)
                r.fail(n, prefix + ".channels",
                       "expected " + joinAlternatives(channelKindNames().names(), "and/or") + ", got '" + kind + "'");
            stage.channels.push_back(*channel);
        }
    }
    if (const YAML::Node n = node["groups"])
        stage.groups = patternList(r, n, prefix + ".groups");
    if (const YAML::Node n = node["exclude"])
        stage.exclude = patternList(r, n, prefix + ".exclude");
    if (const YAML::Node n = node["rescore_every"]) {
        stage.rescoreEvery = r.number(n, prefix + ".rescore_every");
        if (!(stage.rescoreEvery > 0.0))
            r.fail(n, prefix + ".rescore_every", "must be positive, got " + n.Scalar());
    }
    stage.calibrationUtterances = calibrationUtterances(r, node, prefix, stage.calibrationUtterances);
    return stage;
}

LayerStage readLayer(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kLayerKeys);
    LayerStage stage;
    if (const YAML::Node n = node["drop"]) {
        stage.drop = r.integer32(n, prefix + ".drop");
        if (stage.drop < 1)
            r.fail(n, prefix + ".drop", "must be at least 1, got " + n.Scalar());
    }
    if (const YAML::Node n = node["blocks"]) {
        if (!n.IsSequence() || n.size() == 0)
            r.fail(n, prefix + ".blocks", "expected a list of block indices, got " + io::YamlReader::describe(n));
        for (size_t i = 0; i < n.size(); ++i) {
            const int b = r.integer32(n[i], prefix + ".blocks");
            if (b < 0)
                r.fail(n[i], prefix + ".blocks", "block indices start at 0, got " + n[i].Scalar());
            stage.blocks.push_back(b);
        }
    }
    if ((stage.drop > 0) == !stage.blocks.empty())
        r.fail(node, prefix, "give either drop (how many blocks, least sensitive first) or blocks (which ones)");
    stage.calibrationUtterances = calibrationUtterances(r, node, prefix, stage.calibrationUtterances);
    return stage;
}

DynamicStage readDynamic(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kDynamicKeys);
    DynamicStage stage;
    stage.scope = readScope(r, node, prefix);
    stage.schedule = requiredSchedule(r, node, prefix);
    readSelection(r, node, prefix, stage.params, stage.exclude);
    if (const YAML::Node n = node["drop_fraction"])
        stage.dropFraction = fraction(r, n, prefix + ".drop_fraction", true);
    if (const YAML::Node n = node["mask_lr"])
        stage.maskLr = fraction(r, n, prefix + ".mask_lr", true);
    if (const YAML::Node n = node["decay"])
        stage.decay = fraction(r, n, prefix + ".decay", true);
    return stage;
}

void readStage(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix, Recipe& recipe)
{
    if (!node.IsMap())
        r.fail(node, prefix, "expected a stage (a map with type: " + io::joinNames(kStageTypes) + ")");
    const YAML::Node type = node["type"];
    if (!type)
        r.fail(node, prefix + ".type", "missing (expected " + io::joinNames(kStageTypes) + ")");
    const std::string t = r.string(type, prefix + ".type");
    if (t == "unstructured")
        recipe.unstructured.push_back(readUnstructured(r, node, prefix));
    else if (t == "structured")
        recipe.structured.push_back(readStructured(r, node, prefix));
    else if (t == "layer")
        recipe.layer.push_back(readLayer(r, node, prefix));
    else if (t == "dynamic")
        recipe.dynamic.push_back(readDynamic(r, node, prefix));
    else
        r.fail(type, prefix + ".type", "expected " + io::joinNames(kStageTypes) + ", got " + io::YamlReader::describe(type));
}

void writePatterns(YAML::Emitter& out, const char* key, const std::vector<std::string>& patterns)
{
    if (!patterns.empty())
        out << YAML::Key << key << YAML::Value << YAML::Flow << patterns;
}

void writeSchedule(YAML::Emitter& out, const SparsitySchedule& s)
{
    out << YAML::BeginMap;
    out << YAML::Key << "shape" << YAML::Value << scheduleShapeNames().name(s.shape);
    out << YAML::Key << "unit" << YAML::Value << scheduleUnitNames().name(s.unit);
    if (s.shape == ScheduleShape::Piecewise) {
        out << YAML::Key << "points" << YAML::Value << YAML::BeginSeq;
        for (const auto& [x, v] : s.points)
            out << YAML::Flow << YAML::BeginSeq << x << v << YAML::EndSeq;
        out << YAML::EndSeq;
    } else {
        out << YAML::Key << "initial_sparsity" << YAML::Value << s.initial;
        out << YAML::Key << "final_sparsity" << YAML::Value << s.final;
    }
    out << YAML::Key << "begin" << YAML::Value << s.begin;
    out << YAML::Key << "end" << YAML::Value << s.end;
    out << YAML::Key << "frequency" << YAML::Value << s.frequency;
    out << YAML::EndMap;
}

} // namespace

const EnumNames<MaskScope>& maskScopeNames()
{
    static const EnumNames<MaskScope> names{{MaskScope::Global, "global"}, {MaskScope::Layer, "layer"}};
    return names;
}

const EnumNames<ChannelKind>& channelKindNames()
{
    static const EnumNames<ChannelKind> names{
        {ChannelKind::FeedForward, "ffn"}, {ChannelKind::Heads, "heads"}, {ChannelKind::Subsampling, "conv"}};
    return names;
}

bool StructuredStage::selects(ChannelKind kind, const std::string& group) const
{
    if (std::find(channels.begin(), channels.end(), kind) == channels.end())
        return false;
    const auto any = [&](const std::vector<std::string>& patterns) {
        return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return matchesPattern(p, group); });
    };
    return any(groups) && !any(exclude);
}

double DynamicStage::dropFractionAt(double t) const
{
    if (schedule.end <= schedule.begin)
        return dropFraction;
    const double x = std::clamp((t - schedule.begin) / (schedule.end - schedule.begin), 0.0, 1.0);
    return dropFraction * 0.5 * (1.0 + std::cos(kPi * x));
}

namespace {
SparsitySchedule regrowGrid(SparsitySchedule s)
{
    if (s.shape == ScheduleShape::Constant)
        s.shape = ScheduleShape::Linear;  // only the update grid is used
    return s;
}
} // namespace

std::vector<double> DynamicStage::updateTimes() const { return regrowGrid(schedule).updateTimes(); }

bool DynamicStage::isUpdate(double t, double tolerance) const { return regrowGrid(schedule).isUpdate(t, tolerance); }

bool matchesPattern(const std::string& pattern, const std::string& name)
{
    if (pattern == kAllPrunable)
        return true;
    if (pattern.rfind("re:", 0) == 0)
        return std::regex_match(name, std::regex(pattern.substr(3)));
    return globMatch(pattern.c_str(), name.c_str());
}

std::vector<UnstructuredStage::Target> UnstructuredStage::targets(const std::vector<model::ParameterInfo>& parameters) const
{
    const double stageFinal = schedule.shape == ScheduleShape::Piecewise ? schedule.curve(1.0) : schedule.final;
    auto any = [](const std::vector<std::string>& patterns, const std::string& name) {
        for (const std::string& p : patterns)
            if (matchesPattern(p, name))
                return true;
        return false;
    };
    std::vector<Target> out;
    for (const model::ParameterInfo& p : parameters) {
        if (!p.prunable || !any(params, p.name) || any(exclude, p.name))
            continue;
        Target t{p.name, stageFinal, scope == MaskScope::Layer};
        for (const SparsityOverride& o : overrides) {
            if (matchesPattern(o.pattern, p.name)) {
                t.finalSparsity = o.finalSparsity;
                t.ownThreshold = true;
                break;
            }
        }
        out.push_back(t);
    }
    return out;
}

double UnstructuredStage::sparsityAt(const Target& target, double t) const
{
    const double stageFinal = schedule.shape == ScheduleShape::Piecewise ? schedule.curve(1.0) : schedule.final;
    const double s = schedule.sparsityAt(t);
    if (stageFinal <= 0.0)
        return 0.0;
    return std::min(target.finalSparsity * s / stageFinal, 0.999999);
}

std::map<std::string, Recipe::TensorTarget> Recipe::finalTargets(const std::vector<model::ParameterInfo>& parameters) const
{
    std::map<std::string, TensorTarget> kept;  // fraction kept, and whether a global pool decides it
    auto keep = [&kept](const std::string& name, double sparsity, bool pooled) {
        auto [it, inserted] = kept.emplace(name, TensorTarget{1.0, false});
        it->second.sparsity *= 1.0 - sparsity;
        it->second.pooled = it->second.pooled || pooled;
    };
    for (const UnstructuredStage& stage : unstructured)
        for (const UnstructuredStage::Target& t : stage.targets(parameters))
            keep(t.name, t.finalSparsity, !t.ownThreshold);
    for (const DynamicStage& stage : dynamic) {
        const double final = stage.schedule.shape == ScheduleShape::Piecewise ? stage.schedule.curve(1.0) : stage.schedule.final;
        for (const model::ParameterInfo& p : parameters) {
            const auto any = [&p](const std::vector<std::string>& patterns) {
                return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& q) { return matchesPattern(q, p.name); });
            };
            if (p.prunable && any(stage.params) && !any(stage.exclude))
                keep(p.name, final, stage.scope == MaskScope::Global);
        }
    }
    for (auto& [name, t] : kept)
        t.sparsity = 1.0 - t.sparsity;
    return kept;
}

Recipe Recipe::fromYaml(const std::string& yaml, const std::string& sourceName)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> Recipe {
        const io::YamlReader r(sourceName);
        const YAML::Node root = io::readYamlDocument(
            yaml, r, {"a recipe (a map with espalier_recipe, name, stages)", kTopKeys, "espalier_recipe", kFormatVersion});
        Recipe recipe;
        if (const YAML::Node n = root["name"])
            recipe.name = r.string(n, "name");
        const YAML::Node stages = root["stages"];
        if (!stages || !stages.IsSequence() || stages.size() == 0)
            r.fail(stages ? stages : root, "stages", "expected a list of at least one stage");
        for (size_t i = 0; i < stages.size(); ++i)
            readStage(r, stages[i], "stages[" + std::to_string(i) + "]", recipe);
        return recipe;
    });
}

Recipe Recipe::load(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("recipe not found: " + path);
    return fromYaml(io::readFile(path), path);
}

std::string Recipe::toYaml() const
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "espalier_recipe" << YAML::Value << kFormatVersion;
    if (!name.empty())
        out << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "stages" << YAML::Value << YAML::BeginSeq;
    for (const UnstructuredStage& s : unstructured) {
        out << YAML::BeginMap;
        out << YAML::Key << "type" << YAML::Value << "unstructured";
        out << YAML::Key << "scope" << YAML::Value << maskScopeNames().name(s.scope);
        out << YAML::Key << "schedule" << YAML::Value;
        writeSchedule(out, s.schedule);
        writePatterns(out, "params", s.params);
        writePatterns(out, "exclude", s.exclude);
        if (!s.overrides.empty()) {
            out << YAML::Key << "overrides" << YAML::Value << YAML::BeginSeq;
            for (const SparsityOverride& o : s.overrides)
                out << YAML::Flow << YAML::BeginMap << YAML::Key << "params" << YAML::Value << o.pattern << YAML::Key
                    << "final_sparsity" << YAML::Value << o.finalSparsity << YAML::EndMap;
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    for (const StructuredStage& s : structured) {
        out << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "structured";
        std::vector<std::string> kinds;
        for (ChannelKind k : s.channels)
            kinds.push_back(channelKindNames().name(k));
        writePatterns(out, "channels", kinds);
        out << YAML::Key << "schedule" << YAML::Value;
        writeSchedule(out, s.schedule);
        writePatterns(out, "groups", s.groups);
        writePatterns(out, "exclude", s.exclude);
        out << YAML::Key << "rescore_every" << YAML::Value << s.rescoreEvery;
        out << YAML::Key << "calibration_utterances" << YAML::Value << s.calibrationUtterances;
        out << YAML::EndMap;
    }
    for (const LayerStage& s : layer) {
        out << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "layer";
        if (s.blocks.empty())
            out << YAML::Key << "drop" << YAML::Value << s.drop;
        else
            out << YAML::Key << "blocks" << YAML::Value << YAML::Flow << s.blocks;
        out << YAML::Key << "calibration_utterances" << YAML::Value << s.calibrationUtterances;
        out << YAML::EndMap;
    }
    for (const DynamicStage& s : dynamic) {
        out << YAML::BeginMap << YAML::Key << "type" << YAML::Value << "dynamic";
        out << YAML::Key << "scope" << YAML::Value << maskScopeNames().name(s.scope);
        out << YAML::Key << "schedule" << YAML::Value;
        writeSchedule(out, s.schedule);
        writePatterns(out, "params", s.params);
        writePatterns(out, "exclude", s.exclude);
        out << YAML::Key << "drop_fraction" << YAML::Value << s.dropFraction;
        out << YAML::Key << "mask_lr" << YAML::Value << s.maskLr;
        out << YAML::Key << "decay" << YAML::Value << s.decay;
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return io::emittedYaml(out, "the recipe");
}

void Recipe::save(const std::string& path) const
{
    io::writeFileAtomic(path, toYaml());
}

} // namespace espalier::prune
