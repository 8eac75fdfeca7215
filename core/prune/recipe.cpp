#include "prune/recipe.h"

#include "io/atomic_file.h"
#include "io/yaml_reader.h"
#include "runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <regex>

namespace espalier::prune {

namespace {

const std::vector<std::string> kTopKeys = {"espalier_recipe", "name", "stages"};
const std::vector<std::string> kStageKeys = {"type", "scope", "schedule", "params", "exclude", "overrides"};
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
    if (const YAML::Node n = node["shape"]) {
        const auto shape = scheduleShapeFromName(r.string(n, prefix + ".shape"));
        if (!shape)
            r.fail(n, prefix + ".shape", "expected " + io::joinNames(scheduleShapeNames()) + ", got " + io::YamlReader::describe(n));
        s.shape = *shape;
    }
    if (const YAML::Node n = node["unit"]) {
        const std::string unit = r.string(n, prefix + ".unit");
        if (unit != "steps" && unit != "epochs")
            r.fail(n, prefix + ".unit", "expected steps or epochs, got " + io::YamlReader::describe(n));
        s.unit = unit == "epochs" ? ScheduleUnit::Epochs : ScheduleUnit::Steps;
    }
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

UnstructuredStage readStage(const io::YamlReader& r, const YAML::Node& node, const std::string& prefix)
{
    r.checkKeys(node, prefix, kStageKeys);
    UnstructuredStage stage;
    const YAML::Node type = node["type"];
    if (!type)
        r.fail(node, prefix + ".type", "missing (this release runs: unstructured)");
    if (r.string(type, prefix + ".type") != "unstructured")
        r.fail(type, prefix + ".type", "expected unstructured (structured, layer and dynamic stages come later), got "
                                           + io::YamlReader::describe(type));
    if (const YAML::Node n = node["scope"]) {
        const std::string scope = r.string(n, prefix + ".scope");
        if (scope != "global" && scope != "layer")
            r.fail(n, prefix + ".scope", "expected global or layer, got " + io::YamlReader::describe(n));
        stage.scope = scope == "layer" ? MaskScope::Layer : MaskScope::Global;
    }
    const YAML::Node schedule = node["schedule"];
    if (!schedule)
        r.fail(node, prefix + ".schedule", "missing: give shape, final_sparsity, begin, end and frequency");
    stage.schedule = readSchedule(r, schedule, prefix + ".schedule");
    if (const YAML::Node n = node["params"])
        stage.params = patternList(r, n, prefix + ".params");
    if (const YAML::Node n = node["exclude"])
        stage.exclude = patternList(r, n, prefix + ".exclude");
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

void writeSchedule(YAML::Emitter& out, const SparsitySchedule& s)
{
    out << YAML::BeginMap;
    out << YAML::Key << "shape" << YAML::Value << scheduleShapeName(s.shape);
    out << YAML::Key << "unit" << YAML::Value << (s.unit == ScheduleUnit::Epochs ? "epochs" : "steps");
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

Recipe Recipe::fromYaml(const std::string& yaml, const std::string& sourceName)
{
    const io::YamlReader r(sourceName);
    YAML::Node root;
    try {
        root = YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw InputError(r.at(e.mark) + ": invalid YAML: " + e.msg);
    }
    if (!root.IsMap())
        throw InputError(sourceName + ": expected a recipe (a map with espalier_recipe, name, stages)");
    r.checkKeys(root, "", kTopKeys);
    const YAML::Node version = root["espalier_recipe"];
    if (!version)
        r.fail(root, "espalier_recipe", "missing: an Espalier recipe starts with espalier_recipe: 1");
    if (r.integer32(version, "espalier_recipe") != kFormatVersion)
        r.fail(version, "espalier_recipe", "this Espalier reads format version " + std::to_string(kFormatVersion));
    Recipe recipe;
    if (const YAML::Node n = root["name"])
        recipe.name = r.string(n, "name");
    const YAML::Node stages = root["stages"];
    if (!stages || !stages.IsSequence() || stages.size() == 0)
        r.fail(stages ? stages : root, "stages", "expected a list of at least one stage");
    for (size_t i = 0; i < stages.size(); ++i)
        recipe.unstructured.push_back(readStage(r, stages[i], "stages[" + std::to_string(i) + "]"));
    return recipe;
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
        out << YAML::Key << "scope" << YAML::Value << (s.scope == MaskScope::Layer ? "layer" : "global");
        out << YAML::Key << "schedule" << YAML::Value;
        writeSchedule(out, s.schedule);
        out << YAML::Key << "params" << YAML::Value << YAML::Flow << s.params;
        if (!s.exclude.empty())
            out << YAML::Key << "exclude" << YAML::Value << YAML::Flow << s.exclude;
        if (!s.overrides.empty()) {
            out << YAML::Key << "overrides" << YAML::Value << YAML::BeginSeq;
            for (const SparsityOverride& o : s.overrides)
                out << YAML::Flow << YAML::BeginMap << YAML::Key << "params" << YAML::Value << o.pattern << YAML::Key
                    << "final_sparsity" << YAML::Value << o.finalSparsity << YAML::EndMap;
            out << YAML::EndSeq;
        }
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return std::string(out.c_str()) + "\n";
}

void Recipe::save(const std::string& path) const
{
    io::writeFileAtomic(path, toYaml());
}

} // namespace espalier::prune
