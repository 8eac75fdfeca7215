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

Recipe readSparseMLRecipe(const std::string& yaml, const std::string& sourceName)
{
    const io::YamlReader r(sourceName);
    const YAML::Node root = parse(yaml, sourceName);
    std::map<std::string, double> variables;
    for (auto it = root.begin(); it != root.end(); ++it) {
        const std::string key = it->first.Scalar();
        double value = 0.0;
        if (it->second.IsScalar() && key != "version" && std::find(std::begin(kModifierLists), std::end(kModifierLists), key)
                                                             == std::end(kModifierLists)) {
            try {
                value = sparsemlNumber(r, it->second, key, variables);
                variables[key] = value;
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
            if (tag != "!GMPruningModifier" && tag != "!MagnitudePruningModifier")
                r.fail(m, where, "modifier " + (tag.empty() ? std::string("without a !Tag") : tag)
                                     + " is not supported in this release (gradual magnitude pruning is: !GMPruningModifier)");
            UnstructuredStage stage;
            stage.schedule.unit = ScheduleUnit::Epochs;
            auto number = [&](const char* key, double fallback) {
                return m[key] ? sparsemlNumber(r, m[key], where + "." + key, variables) : fallback;
            };
            stage.schedule.initial = number("init_sparsity", 0.05);
            if (m["final_sparsity"] && m["final_sparsity"].IsMap())
                r.fail(m["final_sparsity"], where + ".final_sparsity",
                       "a map of sparsity to parameters is not supported yet: write one modifier per sparsity");
            stage.schedule.final = number("final_sparsity", 0.0);
            stage.schedule.begin = number("start_epoch", 0.0);
            stage.schedule.end = number("end_epoch", 1.0);
            stage.schedule.frequency = number("update_frequency", 1.0);
            const std::string inter = m["inter_func"] ? r.string(m["inter_func"], where + ".inter_func") : "cubic";
            if (inter == "linear")
                stage.schedule.shape = ScheduleShape::Linear;
            else if (inter == "cubic")
                stage.schedule.shape = ScheduleShape::AgpCubic;
            else if (inter == "inverse_cubic")
                stage.schedule.shape = ScheduleShape::InverseCubic;
            else
                r.fail(m["inter_func"], where + ".inter_func", "expected linear, cubic or inverse_cubic, got '" + inter + "'");
            if (m["mask_type"] && r.string(m["mask_type"], where + ".mask_type") != "unstructured")
                r.fail(m["mask_type"], where + ".mask_type", "only unstructured masks are supported in this release");
            stage.scope = m["global_sparsity"] && r.boolean(m["global_sparsity"], where + ".global_sparsity")
                              ? MaskScope::Global
                              : MaskScope::Layer;
            if (m["params"])
                stage.params = paramList(r, m["params"], where + ".params");
            for (const ScheduleProblem& p : stage.schedule.problems())
                r.fail(m, where + "." + p.field, p.message);
            recipe.unstructured.push_back(stage);
        }
    }
    if (recipe.unstructured.empty())
        throw InputError(sourceName + ": no !GMPruningModifier: nothing to prune");
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

std::string writeSparseMLRecipe(const Recipe& recipe)
{
    double lastEpoch = 0.0;
    for (size_t i = 0; i < recipe.unstructured.size(); ++i) {
        requireEpochs(recipe.unstructured[i], "SparseML", i);
        lastEpoch = std::max(lastEpoch, recipe.unstructured[i].schedule.end);
    }
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << "1.1.0";
    out << YAML::Key << "modifiers" << YAML::Value << YAML::BeginSeq;
    out << YAML::LocalTag("EpochRangeModifier") << YAML::BeginMap << YAML::Key << "start_epoch" << YAML::Value << 0.0
        << YAML::Key << "end_epoch" << YAML::Value << lastEpoch << YAML::EndMap;
    for (size_t i = 0; i < recipe.unstructured.size(); ++i) {
        const UnstructuredStage& s = recipe.unstructured[i];
        const char* inter = s.schedule.shape == ScheduleShape::Linear         ? "linear"
                            : s.schedule.shape == ScheduleShape::AgpCubic     ? "cubic"
                            : s.schedule.shape == ScheduleShape::InverseCubic ? "inverse_cubic"
                                                                              : nullptr;
        if (!inter)
            throw InputError("stage " + std::to_string(i + 1) + ": SparseML has no " + scheduleShapeName(s.schedule.shape)
                             + " curve (it has linear, cubic and inverse_cubic)");
        if (!s.exclude.empty() || !s.overrides.empty())
            throw InputError("stage " + std::to_string(i + 1)
                             + ": exclusions and per-pattern sparsities have no GMPruningModifier field; list the params instead");
        out << YAML::LocalTag("GMPruningModifier") << YAML::BeginMap;
        out << YAML::Key << "params" << YAML::Value;
        if (s.params.size() == 1)
            out << s.params.front();
        else
            out << YAML::Flow << s.params;
        out << YAML::Key << "init_sparsity" << YAML::Value << s.schedule.initial;
        out << YAML::Key << "final_sparsity" << YAML::Value << s.schedule.final;
        out << YAML::Key << "start_epoch" << YAML::Value << s.schedule.begin;
        out << YAML::Key << "end_epoch" << YAML::Value << s.schedule.end;
        out << YAML::Key << "update_frequency" << YAML::Value << s.schedule.frequency;
        out << YAML::Key << "inter_func" << YAML::Value << inter;
        out << YAML::Key << "mask_type" << YAML::Value << "unstructured";
        out << YAML::Key << "leave_enabled" << YAML::Value << true;
        out << YAML::Key << "global_sparsity" << YAML::Value << (s.scope == MaskScope::Global);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    return emit(out);
}

std::string writeDistillerSchedule(const Recipe& recipe)
{
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
