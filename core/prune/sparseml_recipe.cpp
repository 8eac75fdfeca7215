#include "core/prune/sparseml_recipe.h"

#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/prune/outside_recipe.h"
#include "core/prune/recipe_eval.h"
#include "core/runtime/enum_names.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

namespace espalier::prune {

namespace {

constexpr const char* kModifierLists[] = {"modifiers", "training_modifiers", "pruning_modifiers"};

using Variables = std::map<std::string, double>;

// SparseML's names of the curves it has (inter_func) and of RigL's sparsity_strategy.
const EnumNames<ScheduleShape> kInterFuncs{
    {ScheduleShape::Linear, "linear"}, {ScheduleShape::AgpCubic, "cubic"}, {ScheduleShape::InverseCubic, "inverse_cubic"}};
const EnumNames<MaskScope> kSparsityStrategies{{MaskScope::Layer, "uniform"}, {MaskScope::Global, "global"}};

// A SparseML number: a plain number, or eval(...) over the recipe's top-level variables.
double sparsemlNumber(const io::YamlReader& r, const YAML::Node& node, const std::string& field,
                      const std::map<std::string, double>& variables)
{
    if (node.IsScalar()) {
        const std::string text = node.Scalar();
        if (text.rfind("eval(", 0) == 0 && text.back() == ')') {
            try {
                return evaluateArithmetic(text.substr(5, text.size() - 6), variables);
            } catch (const InputError& e) {
                r.fail(node, field, e.what());
            }
        }
    }
    return r.number(node, field);
}

// init_sparsity, final_sparsity, start_epoch, end_epoch, update_frequency and inter_func of a modifier.
SparsitySchedule sparsemlSchedule(const io::YamlReader& r, const YAML::Node& m, const std::string& where,
                                  const Variables& variables)
{
    SparsitySchedule schedule;
    schedule.unit = ScheduleUnit::Epochs;
    auto number = [&](const char* key, double fallback) {
        return m[key] ? sparsemlNumber(r, m[key], where + "." + key, variables) : fallback;
    };
    schedule.initial = number("init_sparsity", 0.05);
    schedule.final = m["final_sparsity"] && !m["final_sparsity"].IsMap() ? number("final_sparsity", 0.0) : 0.0;
    schedule.begin = number("start_epoch", 0.0);
    schedule.end = number("end_epoch", 1.0);
    schedule.frequency = number("update_frequency", 1.0);
    schedule.shape = m["inter_func"] ? r.choice(m["inter_func"], where + ".inter_func", kInterFuncs) : ScheduleShape::AgpCubic;
    return schedule;
}

void checkSchedule(const io::YamlReader& r, const YAML::Node& m, const std::string& where, const SparsitySchedule& s)
{
    for (const ScheduleProblem& p : s.problems())
        r.fail(m, where + "." + p.field, p.message);
}

// !GMPruningModifier: one unstructured stage, or one per sparsity when final_sparsity maps sparsities
// to parameter lists.
void readGmModifier(const io::YamlReader& r, const YAML::Node& m, const std::string& where, const Variables& variables,
                    Recipe& recipe)
{
    UnstructuredStage stage;
    stage.schedule = sparsemlSchedule(r, m, where, variables);
    if (m["mask_type"] && r.string(m["mask_type"], where + ".mask_type") != "unstructured")
        r.fail(m["mask_type"], where + ".mask_type",
               "GMPruningModifier masks are unstructured here; use !StructuredPruningModifier for channels");
    stage.scope = m["global_sparsity"] && r.boolean(m["global_sparsity"], where + ".global_sparsity") ? MaskScope::Global
                                                                                                     : MaskScope::Layer;
    if (m["params"])
        stage.params = outsideParamList(r, m["params"], where + ".params");
    const YAML::Node finals = m["final_sparsity"];
    if (!finals || !finals.IsMap()) {
        checkSchedule(r, m, where, stage.schedule);
        recipe.unstructured.push_back(stage);
        return;
    }
    for (auto it = finals.begin(); it != finals.end(); ++it) {
        UnstructuredStage one = stage;
        one.schedule.final = sparsemlNumber(r, it->first, where + ".final_sparsity", variables);
        one.params = outsideParamList(r, it->second, where + ".final_sparsity");
        checkSchedule(r, m, where, one.schedule);
        recipe.unstructured.push_back(one);
    }
}

// A parameter name's channel group and kind: "<group>.w_1.weight" (feed-forward units), or
// "<group>.linear_q|k|v|out.weight" (attention heads). Patterns keep their wildcards.
std::optional<std::pair<ChannelKind, std::string>> channelGroupOf(const std::string& parameter)
{
    static const std::pair<const char*, ChannelKind> suffixes[] = {
        {".w_1.weight", ChannelKind::FeedForward}, {".w_2.weight", ChannelKind::FeedForward},
        {".w_1.bias", ChannelKind::FeedForward},   {".linear_q.weight", ChannelKind::Heads},
        {".linear_k.weight", ChannelKind::Heads},  {".linear_v.weight", ChannelKind::Heads},
        {".linear_out.weight", ChannelKind::Heads}};
    for (const auto& [suffix, kind] : suffixes) {
        const std::string sfx = suffix;
        if (parameter.size() > sfx.size() && parameter.compare(parameter.size() - sfx.size(), sfx.size(), sfx) == 0)
            return std::make_pair(kind, parameter.substr(0, parameter.size() - sfx.size()));
    }
    return std::nullopt;
}

// !StructuredPruningModifier: param_groups name the coupled tensors; each names a feed-forward module
// (its w_1/w_2) or an attention module (its projections) whose units or heads are removed.
void readStructuredModifier(const io::YamlReader& r, const YAML::Node& m, const std::string& where,
                            const Variables& variables, Recipe& recipe)
{
    StructuredStage stage;
    stage.schedule = sparsemlSchedule(r, m, where, variables);
    checkSchedule(r, m, where, stage.schedule);
    if (m["mask_type"]) {
        const std::string type = r.string(m["mask_type"], where + ".mask_type");
        if (type != "filter" && type != "channel")
            r.fail(m["mask_type"], where + ".mask_type", "expected filter or channel, got '" + type + "'");
    }
    const YAML::Node groups = m["param_groups"];
    if (!groups || !groups.IsSequence() || groups.size() == 0)
        r.fail(groups ? groups : m, where + ".param_groups", "expected a list of parameter lists");
    stage.channels.clear();
    stage.groups.clear();
    for (size_t g = 0; g < groups.size(); ++g) {
        for (const std::string& p : outsideParamList(r, groups[g], where + ".param_groups")) {
            const auto group = channelGroupOf(p);
            if (!group)
                r.fail(groups[g], where + ".param_groups",
                       "'" + p + "' is neither a feed-forward w_1/w_2 nor an attention projection: Espalier removes "
                       "feed-forward units and attention heads");
            if (std::find(stage.channels.begin(), stage.channels.end(), group->first) == stage.channels.end())
                stage.channels.push_back(group->first);
            if (std::find(stage.groups.begin(), stage.groups.end(), group->second) == stage.groups.end())
                stage.groups.push_back(group->second);
        }
    }
    recipe.structured.push_back(stage);
}

// !LayerPruningModifier: the named blocks are dropped.
void readLayerModifier(const io::YamlReader& r, const YAML::Node& m, const std::string& where, Recipe& recipe)
{
    if (!m["layers"])
        r.fail(m, where + ".layers", "missing: list the blocks to drop");
    LayerStage stage;
    for (const std::string& layer : outsideParamList(r, m["layers"], where + ".layers")) {
        const int block = model::blockIndexFromName(layer);
        if (block < 0)
            r.fail(m["layers"], where + ".layers", "'" + layer + "' names no encoder block (expected e.g. encoder.blocks.5)");
        stage.blocks.push_back(block);
    }
    recipe.layer.push_back(stage);
}

// !RigLPruningModifier: dynamic sparse training at final_sparsity; init_update_fraction is the drop
// fraction, num_grads the batches the regrowth gradients are averaged over (η = 1 / num_grads).
void readRigLModifier(const io::YamlReader& r, const YAML::Node& m, const std::string& where, const Variables& variables,
                      Recipe& recipe)
{
    DynamicStage stage;
    stage.schedule = sparsemlSchedule(r, m, where, variables);
    stage.schedule.shape = ScheduleShape::Constant;
    stage.schedule.initial = 0.0;
    checkSchedule(r, m, where, stage.schedule);
    if (m["params"])
        stage.params = outsideParamList(r, m["params"], where + ".params");
    if (m["init_update_fraction"])
        stage.dropFraction = sparsemlNumber(r, m["init_update_fraction"], where + ".init_update_fraction", variables);
    if (m["num_grads"]) {
        const double n = sparsemlNumber(r, m["num_grads"], where + ".num_grads", variables);
        if (!(n >= 1.0))
            r.fail(m["num_grads"], where + ".num_grads", "must be at least 1");
        stage.maskLr = 1.0 / n;
    }
    if (const YAML::Node n = m["sparsity_strategy"]) {
        const std::string strategy = r.string(n, where + ".sparsity_strategy");
        if (!kSparsityStrategies.parse(strategy))
            r.fail(n, where + ".sparsity_strategy", "expected " + kSparsityStrategies.expected()
                                                        + " (Erdos-Renyi allocations are not supported), got '" + strategy + "'");
        stage.scope = *kSparsityStrategies.parse(strategy);
    }
    recipe.dynamic.push_back(stage);
}

const char* sparsemlInterFunc(const SparsitySchedule& s, const std::string& stage)
{
    if (!kInterFuncs.has(s.shape))
        throw InputError(stage + ": SparseML has no " + std::string(scheduleShapeNames().name(s.shape)) + " curve (it has "
                         + joinAlternatives(kInterFuncs.names(), "and") + ")");
    return kInterFuncs.name(s.shape);
}

void writeSparseMLSchedule(YAML::Emitter& out, const SparsitySchedule& s, const std::string& stage, bool withCurve)
{
    if (s.unit != ScheduleUnit::Epochs)
        throw InputError(stage + ": SparseML counts in epochs; set the schedule's unit to epochs before converting");
    if (withCurve)
        out << YAML::Key << "init_sparsity" << YAML::Value << s.initial;
    out << YAML::Key << "final_sparsity" << YAML::Value << s.final;
    out << YAML::Key << "start_epoch" << YAML::Value << s.begin;
    out << YAML::Key << "end_epoch" << YAML::Value << s.end;
    out << YAML::Key << "update_frequency" << YAML::Value << s.frequency;
    if (withCurve)
        out << YAML::Key << "inter_func" << YAML::Value << sparsemlInterFunc(s, stage);
}

void writePatternValue(YAML::Emitter& out, const std::vector<std::string>& patterns)
{
    if (patterns.size() == 1)
        out << patterns.front();
    else
        out << YAML::Flow << patterns;
}

} // namespace

bool isSparseMLRecipe(const YAML::Node& root)
{
    if (!root.IsMap())
        return false;
    for (const char* key : kModifierLists)
        if (root[key])
            return true;
    return false;
}

Recipe readSparseMLRecipe(const std::string& yaml, const std::string& sourceName)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> Recipe {
        const io::YamlReader r(sourceName);
        const YAML::Node root = io::parseYaml(yaml, r);
        Variables variables;
        for (auto it = root.begin(); it != root.end(); ++it) {
            const std::string key = it->first.Scalar();
            if (it->second.IsScalar() && key != "version" && std::find(std::begin(kModifierLists), std::end(kModifierLists), key)
                                                                 == std::end(kModifierLists)) {
                try {
                    variables[key] = sparsemlNumber(r, it->second, key, variables);
                } catch (const InputError&) {
                    // a non-numeric variable (a name, a flag): not usable in eval(), not an error
                }
            }
        }
        Recipe recipe;
        recipe.name = std::filesystem::path(sourceName).stem().string();
        for (const char* listKey : kModifierLists) {
            const YAML::Node list = root[listKey];
            if (!list)
                continue;
            if (!list.IsSequence())
                r.fail(list, listKey, "expected a list of modifiers");
            for (size_t i = 0; i < list.size(); ++i) {
                const YAML::Node m = list[i];
                const std::string where = std::string(listKey) + "[" + std::to_string(i) + "]";
                const std::string tag = m.Tag();
                if (tag == "!EpochRangeModifier")
                    continue;  // the training length: the run's steps or epochs say it here
                if (tag == "!GMPruningModifier" || tag == "!MagnitudePruningModifier")
                    readGmModifier(r, m, where, variables, recipe);
                else if (tag == "!StructuredPruningModifier")
                    readStructuredModifier(r, m, where, variables, recipe);
                else if (tag == "!LayerPruningModifier")
                    readLayerModifier(r, m, where, recipe);
                else if (tag == "!RigLPruningModifier")
                    readRigLModifier(r, m, where, variables, recipe);
                else if (tag == "!DistillationModifier" || tag == "!PerLayerDistillationModifier")
                    r.fail(m, where, tag + " is not supported yet (distillation comes with the distillation lab); remove it to "
                                           "prune with this recipe");
                else
                    r.fail(m, where, "modifier " + (tag.empty() ? std::string("without a !Tag") : tag)
                                         + " is not supported (GMPruning, StructuredPruning, LayerPruning, RigLPruning are)");
            }
        }
        if (recipe.empty())
            throw InputError(sourceName + ": no pruning modifier: nothing to prune");
        return recipe;
    });
}

std::string writeSparseMLRecipe(const Recipe& recipe)
{
    double lastEpoch = 0.0;
    for (const auto& s : recipe.unstructured)
        lastEpoch = std::max(lastEpoch, s.schedule.end);
    for (const auto& s : recipe.structured)
        lastEpoch = std::max(lastEpoch, s.schedule.end);
    for (const auto& s : recipe.dynamic)
        lastEpoch = std::max(lastEpoch, s.schedule.end);
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << "1.1.0";
    out << YAML::Key << "modifiers" << YAML::Value << YAML::BeginSeq;
    out << YAML::LocalTag("EpochRangeModifier") << YAML::BeginMap << YAML::Key << "start_epoch" << YAML::Value << 0.0
        << YAML::Key << "end_epoch" << YAML::Value << lastEpoch << YAML::EndMap;
    for (size_t i = 0; i < recipe.unstructured.size(); ++i) {
        const UnstructuredStage& s = recipe.unstructured[i];
        const std::string stage = "unstructured stage " + std::to_string(i + 1);
        if (!s.exclude.empty() || !s.overrides.empty())
            throw InputError(stage + ": exclusions and per-pattern sparsities have no GMPruningModifier field; list the "
                                     "params instead");
        out << YAML::LocalTag("GMPruningModifier") << YAML::BeginMap;
        out << YAML::Key << "params" << YAML::Value;
        writePatternValue(out, s.params);
        writeSparseMLSchedule(out, s.schedule, stage, true);
        out << YAML::Key << "mask_type" << YAML::Value << "unstructured";
        out << YAML::Key << "leave_enabled" << YAML::Value << true;
        out << YAML::Key << "global_sparsity" << YAML::Value << (s.scope == MaskScope::Global);
        out << YAML::EndMap;
    }
    for (size_t i = 0; i < recipe.structured.size(); ++i) {
        const StructuredStage& s = recipe.structured[i];
        const std::string stage = "structured stage " + std::to_string(i + 1);
        if (!s.exclude.empty())
            throw InputError(stage + ": StructuredPruningModifier has no exclusions; list the groups instead");
        if (std::find(s.channels.begin(), s.channels.end(), ChannelKind::Subsampling) != s.channels.end())
            throw InputError(stage + ": the subsampling convolutions' channels have no SparseML form here; remove 'conv' "
                                     "from channels to write SparseML");
        out << YAML::LocalTag("StructuredPruningModifier") << YAML::BeginMap;
        out << YAML::Key << "param_groups" << YAML::Value << YAML::BeginSeq;
        for (const std::string& g : s.groups)
            for (ChannelKind kind : s.channels) {
                // The group's coupled tensors: what the units or heads own, in and out.
                const std::vector<std::string> params =
                    kind == ChannelKind::FeedForward ? std::vector<std::string>{g + ".w_1.weight", g + ".w_2.weight"}
                                                     : std::vector<std::string>{g + ".linear_v.weight", g + ".linear_out.weight"};
                out << YAML::Flow << params;
            }
        out << YAML::EndSeq;
        out << YAML::Key << "mask_type" << YAML::Value << "filter";
        writeSparseMLSchedule(out, s.schedule, stage, true);
        out << YAML::EndMap;
    }
    for (size_t i = 0; i < recipe.layer.size(); ++i) {
        const LayerStage& s = recipe.layer[i];
        if (s.blocks.empty())
            throw InputError("layer stage " + std::to_string(i + 1) + ": LayerPruningModifier names its layers; give blocks "
                                                                      "instead of drop");
        std::vector<std::string> layers;
        for (int b : s.blocks)
            layers.push_back("encoder.blocks." + std::to_string(b));
        out << YAML::LocalTag("LayerPruningModifier") << YAML::BeginMap;
        out << YAML::Key << "layers" << YAML::Value << YAML::Flow << layers;
        out << YAML::Key << "start_epoch" << YAML::Value << 0.0 << YAML::Key << "end_epoch" << YAML::Value << -1.0;
        out << YAML::EndMap;
    }
    for (size_t i = 0; i < recipe.dynamic.size(); ++i) {
        const DynamicStage& s = recipe.dynamic[i];
        const std::string stage = "dynamic stage " + std::to_string(i + 1);
        if (s.schedule.shape != ScheduleShape::Constant)
            throw InputError(stage + ": RigLPruningModifier keeps one sparsity; use a constant schedule");
        if (!s.exclude.empty())
            throw InputError(stage + ": RigLPruningModifier has no exclusions; list the params instead");
        out << YAML::LocalTag("RigLPruningModifier") << YAML::BeginMap;
        out << YAML::Key << "params" << YAML::Value;
        writePatternValue(out, s.params);
        writeSparseMLSchedule(out, s.schedule, stage, false);
        out << YAML::Key << "init_update_fraction" << YAML::Value << s.dropFraction;
        out << YAML::Key << "num_grads" << YAML::Value << std::max(1LL, (long long)std::llround(1.0 / s.maskLr));
        out << YAML::Key << "sparsity_strategy" << YAML::Value << kSparsityStrategies.name(s.scope);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return io::emittedYaml(out, "the recipe");
}

} // namespace espalier::prune
