#include "prune/recipe_formats.h"

#include "io/atomic_file.h"
#include "io/yaml_reader.h"
#include "runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <filesystem>
#include <map>
#include <optional>

namespace espalier::prune {

namespace {

constexpr const char* kModifierLists[] = {"modifiers", "training_modifiers", "pruning_modifiers"};

YAML::Node parse(const std::string& yaml, const std::string& sourceName)
{
    try {
        return YAML::Load(yaml);
    } catch (const YAML::Exception& e) {
        throw InputError(io::YamlReader(sourceName).at(e.mark) + ": invalid YAML: " + e.msg);
    }
}

// Recursive descent over + - * / ( ), numbers and variable names.
class Arithmetic {
public:
    Arithmetic(const std::string& text, const std::map<std::string, double>& variables) : s_(text), vars_(variables) {}
    double run()
    {
        const double v = sum();
        skip();
        if (i_ != s_.size())
            fail("unexpected '" + s_.substr(i_, 1) + "'");
        return v;
    }

private:
    [[noreturn]] void fail(const std::string& why) const
    {
        throw InputError("eval(" + s_ + "): " + why + " (only numbers, the recipe's variables, + - * / and parentheses)");
    }
    void skip()
    {
        while (i_ < s_.size() && std::isspace((unsigned char)s_[i_]))
            ++i_;
    }
    double sum()
    {
        double v = product();
        for (skip(); i_ < s_.size() && (s_[i_] == '+' || s_[i_] == '-'); skip()) {
            const char op = s_[i_++];
            const double r = product();
            v = op == '+' ? v + r : v - r;
        }
        return v;
    }
    double product()
    {
        double v = unary();
        for (skip(); i_ < s_.size() && (s_[i_] == '*' || s_[i_] == '/'); skip()) {
            const char op = s_[i_++];
            const double r = unary();
            if (op == '/' && r == 0.0)
                fail("division by zero");
            v = op == '*' ? v * r : v / r;
        }
        return v;
    }
    double unary()
    {
        skip();
        if (i_ < s_.size() && (s_[i_] == '-' || s_[i_] == '+')) {
            const char op = s_[i_++];
            return op == '-' ? -unary() : unary();
        }
        return atom();
    }
    double atom()
    {
        skip();
        if (i_ >= s_.size())
            fail("ends too early");
        if (s_[i_] == '(') {
            ++i_;
            const double v = sum();
            skip();
            if (i_ >= s_.size() || s_[i_] != ')')
                fail("missing ')'");
            ++i_;
            return v;
        }
        if (std::isdigit((unsigned char)s_[i_]) || s_[i_] == '.') {
            size_t used = 0;
            const double v = std::stod(s_.substr(i_), &used);
            i_ += used;
            return v;
        }
        if (std::isalpha((unsigned char)s_[i_]) || s_[i_] == '_') {
            const size_t start = i_;
            while (i_ < s_.size() && (std::isalnum((unsigned char)s_[i_]) || s_[i_] == '_'))
                ++i_;
            const std::string name = s_.substr(start, i_ - start);
            const auto it = vars_.find(name);
            if (it == vars_.end())
                fail("unknown variable '" + name + "'");
            return it->second;
        }
        fail("unexpected '" + s_.substr(i_, 1) + "'");
    }

    const std::string& s_;
    const std::map<std::string, double>& vars_;
    size_t i_ = 0;
};

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

std::vector<std::string> paramList(const io::YamlReader& r, const YAML::Node& node, const std::string& field)
{
    std::vector<std::string> out;
    if (node.IsScalar())
        out.push_back(r.string(node, field));
    else if (node.IsSequence())
        for (size_t i = 0; i < node.size(); ++i)
            out.push_back(r.string(node[i], field));
    else
        r.fail(node, field, "expected a parameter name, pattern or list of them");
    for (std::string& p : out)
        if (p == "__ALL__")
            p = "__ALL_PRUNABLE__";  // only prunable weights are ever pruned here
    return out;
}

void requireEpochs(const UnstructuredStage& s, const char* format, size_t index)
{
    if (s.schedule.unit != ScheduleUnit::Epochs)
        throw InputError("stage " + std::to_string(index + 1) + ": " + format
                         + " counts in epochs; set the schedule's unit to epochs before converting");
}

std::string emit(const YAML::Emitter& out)
{
    if (!out.good())
        throw InputError(std::string("cannot write the recipe: ") + out.GetLastError());
    return std::string(out.c_str()) + "\n";
}

} // namespace

const char* recipeFormatName(RecipeFormat format)
{
    switch (format) {
    case RecipeFormat::Espalier: return "espalier";
    case RecipeFormat::SparseML: return "sparseml";
    case RecipeFormat::Distiller: return "distiller";
    }
    return "?";
}

std::optional<RecipeFormat> recipeFormatFromName(const std::string& name)
{
    for (RecipeFormat f : {RecipeFormat::Espalier, RecipeFormat::SparseML, RecipeFormat::Distiller})
        if (name == recipeFormatName(f))
            return f;
    return std::nullopt;
}

double evaluateArithmetic(const std::string& expression, const std::map<std::string, double>& variables)
{
    return Arithmetic(expression, variables).run();
}

RecipeFormat detectRecipeFormat(const std::string& yaml, const std::string& sourceName)
{
    const YAML::Node root = parse(yaml, sourceName);
    if (root.IsMap()) {
        if (root["espalier_recipe"])
            return RecipeFormat::Espalier;
        for (const char* key : kModifierLists)
            if (root[key])
                return RecipeFormat::SparseML;
        if (root["pruners"] && root["policies"])
            return RecipeFormat::Distiller;
    }
    throw InputError(sourceName + ": not a pruning recipe this release reads (an Espalier recipe has espalier_recipe, "
                                  "a SparseML recipe modifiers, a Distiller schedule pruners and policies)");
}

namespace {

using Variables = std::map<std::string, double>;

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
    const std::string inter = m["inter_func"] ? r.string(m["inter_func"], where + ".inter_func") : "cubic";
    if (inter == "linear")
        schedule.shape = ScheduleShape::Linear;
    else if (inter == "cubic")
        schedule.shape = ScheduleShape::AgpCubic;
    else if (inter == "inverse_cubic")
        schedule.shape = ScheduleShape::InverseCubic;
    else
        r.fail(m["inter_func"], where + ".inter_func", "expected linear, cubic or inverse_cubic, got '" + inter + "'");
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
        stage.params = paramList(r, m["params"], where + ".params");
    const YAML::Node finals = m["final_sparsity"];
    if (!finals || !finals.IsMap()) {
        checkSchedule(r, m, where, stage.schedule);
        recipe.unstructured.push_back(stage);
        return;
    }
    for (auto it = finals.begin(); it != finals.end(); ++it) {
        UnstructuredStage one = stage;
        one.schedule.final = sparsemlNumber(r, it->first, where + ".final_sparsity", variables);
        one.params = paramList(r, it->second, where + ".final_sparsity");
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
        for (const std::string& p : paramList(r, groups[g], where + ".param_groups")) {
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
    for (const std::string& layer : paramList(r, m["layers"], where + ".layers")) {
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
        stage.params = paramList(r, m["params"], where + ".params");
    if (m["init_update_fraction"])
        stage.dropFraction = sparsemlNumber(r, m["init_update_fraction"], where + ".init_update_fraction", variables);
    if (m["num_grads"]) {
        const double n = sparsemlNumber(r, m["num_grads"], where + ".num_grads", variables);
        if (!(n >= 1.0))
            r.fail(m["num_grads"], where + ".num_grads", "must be at least 1");
        stage.maskLr = 1.0 / n;
    }
    const std::string strategy =
        m["sparsity_strategy"] ? r.string(m["sparsity_strategy"], where + ".sparsity_strategy") : "global";
    if (strategy == "uniform")
        stage.scope = MaskScope::Layer;
    else if (strategy == "global")
        stage.scope = MaskScope::Global;
    else
        r.fail(m["sparsity_strategy"], where + ".sparsity_strategy",
               "expected uniform or global (Erdos-Renyi allocations are not supported), got '" + strategy + "'");
    recipe.dynamic.push_back(stage);
}

} // namespace

Recipe readSparseMLRecipe(const std::string& yaml, const std::string& sourceName)
{
    const io::YamlReader r(sourceName);
    const YAML::Node root = parse(yaml, sourceName);
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
}

Recipe readDistillerSchedule(const std::string& yaml, const std::string& sourceName)
{
    const io::YamlReader r(sourceName);
    const YAML::Node root = parse(yaml, sourceName);
    const YAML::Node pruners = root["pruners"];
    const YAML::Node policies = root["policies"];
    if (!pruners.IsMap())
        r.fail(pruners, "pruners", "expected a map of pruner names to pruners");
    if (!policies.IsSequence())
        r.fail(policies, "policies", "expected a list of policies");
    Recipe recipe;
    recipe.name = std::filesystem::path(sourceName).stem().string();
    for (size_t i = 0; i < policies.size(); ++i) {
        const YAML::Node policy = policies[i];
        const std::string where = "policies[" + std::to_string(i) + "]";
        if (!policy["pruner"])
            continue;  // quantizers, regularizers, learning-rate schedulers: not pruning
        const std::string name = r.string(policy["pruner"]["instance_name"], where + ".pruner.instance_name");
        const YAML::Node pruner = pruners[name];
        if (!pruner)
            r.fail(policy["pruner"], where + ".pruner.instance_name", "no pruner named '" + name + "' in pruners");
        const std::string cls = r.string(pruner["class"], "pruners." + name + ".class");
        if (cls != "AutomatedGradualPruner")
            r.fail(pruner["class"], "pruners." + name + ".class",
                   "pruner class " + cls + " is not supported in this release (AutomatedGradualPruner is)");
        UnstructuredStage stage;
        stage.scope = MaskScope::Layer;  // Distiller's AGP prunes each tensor to the target
        stage.schedule.shape = ScheduleShape::AgpCubic;
        stage.schedule.unit = ScheduleUnit::Epochs;
        stage.schedule.initial = r.number(pruner["initial_sparsity"], "pruners." + name + ".initial_sparsity");
        stage.schedule.final = r.number(pruner["final_sparsity"], "pruners." + name + ".final_sparsity");
        const int begin = r.integer32(policy["starting_epoch"], where + ".starting_epoch");
        const int end = r.integer32(policy["ending_epoch"], where + ".ending_epoch");
        const int frequency = r.integer32(policy["frequency"], where + ".frequency");
        if (frequency <= 0 || end <= begin + 1)
            r.fail(policy, where, "needs ending_epoch > starting_epoch + 1 and frequency > 0");
        stage.schedule.begin = begin;
        stage.schedule.end = begin + distillerSpan(begin, end, frequency);  // Distiller's last update (reference.md)
        stage.schedule.frequency = frequency;
        if (pruner["weights"])
            stage.params = paramList(r, pruner["weights"], "pruners." + name + ".weights");
        for (const ScheduleProblem& p : stage.schedule.problems())
            r.fail(policy, where + "." + p.field, p.message);
        recipe.unstructured.push_back(stage);
    }
    if (recipe.unstructured.empty())
        throw InputError(sourceName + ": no policy uses a pruner: nothing to prune");
    return recipe;
}

Recipe readAnyRecipe(const std::string& yaml, const std::string& sourceName)
{
    switch (detectRecipeFormat(yaml, sourceName)) {
    case RecipeFormat::Espalier: return Recipe::fromYaml(yaml, sourceName);
    case RecipeFormat::SparseML: return readSparseMLRecipe(yaml, sourceName);
    case RecipeFormat::Distiller: return readDistillerSchedule(yaml, sourceName);
    }
    throw InputError(sourceName + ": unknown recipe format");
}

Recipe loadAnyRecipe(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("recipe not found: " + path);
    return readAnyRecipe(io::readFile(path), path);
}

namespace {

const char* sparsemlInterFunc(const SparsitySchedule& s, const std::string& stage)
{
    switch (s.shape) {
    case ScheduleShape::Linear: return "linear";
    case ScheduleShape::AgpCubic: return "cubic";
    case ScheduleShape::InverseCubic: return "inverse_cubic";
    default: break;
    }
    throw InputError(stage + ": SparseML has no " + std::string(scheduleShapeName(s.shape))
                     + " curve (it has linear, cubic and inverse_cubic)");
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
        out << YAML::Key << "sparsity_strategy" << YAML::Value << (s.scope == MaskScope::Global ? "global" : "uniform");
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return emit(out);
}

std::string writeDistillerSchedule(const Recipe& recipe)
{
    if (!recipe.structured.empty() || !recipe.layer.empty() || !recipe.dynamic.empty())
        throw InputError("a Distiller AGP schedule holds unstructured stages only; this recipe also has structured, layer "
                         "or dynamic stages (write it as espalier or sparseml)");
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << 1;
    out << YAML::Key << "pruners" << YAML::Value << YAML::BeginMap;
    for (size_t i = 0; i < recipe.unstructured.size(); ++i) {
        const UnstructuredStage& s = recipe.unstructured[i];
        requireEpochs(s, "Distiller", i);
        const std::string stage = "stage " + std::to_string(i + 1) + ": ";
        if (s.schedule.shape != ScheduleShape::AgpCubic)
            throw InputError(stage + "Distiller's AutomatedGradualPruner follows the AGP curve only");
        if (s.scope != MaskScope::Layer)
            throw InputError(stage + "Distiller's AutomatedGradualPruner prunes each tensor to the target: use scope layer");
        if (!s.exclude.empty() || !s.overrides.empty())
            throw InputError(stage + "exclusions and per-pattern sparsities have no AutomatedGradualPruner field");
        for (const std::string& p : s.params)
            if (p == "__ALL_PRUNABLE__" || p.find('*') != std::string::npos || p.rfind("re:", 0) == 0)
                throw InputError(stage + "Distiller needs the weights by name; '" + p + "' is a pattern");
        out << YAML::Key << "agp_" + std::to_string(i + 1) << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "class" << YAML::Value << "AutomatedGradualPruner";
        out << YAML::Key << "initial_sparsity" << YAML::Value << s.schedule.initial;
        out << YAML::Key << "final_sparsity" << YAML::Value << s.schedule.final;
        out << YAML::Key << "weights" << YAML::Value << s.params;
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
    out << YAML::Key << "policies" << YAML::Value << YAML::BeginSeq;
    for (size_t i = 0; i < recipe.unstructured.size(); ++i) {
        const SparsitySchedule& s = recipe.unstructured[i].schedule;
        const double span = s.end - s.begin;
        if (s.begin != std::floor(s.begin) || s.frequency != std::floor(s.frequency) || std::fmod(span, s.frequency) != 0.0)
            throw InputError("stage " + std::to_string(i + 1)
                             + ": Distiller needs whole epochs and an end that is begin plus a multiple of the frequency");
        out << YAML::BeginMap;
        out << YAML::Key << "pruner" << YAML::Value << YAML::BeginMap << YAML::Key << "instance_name" << YAML::Value
            << "agp_" + std::to_string(i + 1) << YAML::EndMap;
        out << YAML::Key << "starting_epoch" << YAML::Value << int(s.begin);
        out << YAML::Key << "ending_epoch" << YAML::Value << int(s.end) + 1;  // span = end - begin (reference.md)
        out << YAML::Key << "frequency" << YAML::Value << int(s.frequency);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return emit(out);
}

std::string writeRecipe(const Recipe& recipe, RecipeFormat format)
{
    switch (format) {
    case RecipeFormat::Espalier: return recipe.toYaml();
    case RecipeFormat::SparseML: return writeSparseMLRecipe(recipe);
    case RecipeFormat::Distiller: return writeDistillerSchedule(recipe);
    }
    return {};
}

} // namespace espalier::prune
