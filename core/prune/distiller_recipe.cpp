#include "core/prune/distiller_recipe.h"

#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/prune/outside_recipe.h"
#include "core/runtime/error.h"

#include <cmath>
#include <filesystem>

namespace espalier::prune {

namespace {

void requireEpochs(const UnstructuredStage& s, const char* format, size_t index)
{
    if (s.schedule.unit != ScheduleUnit::Epochs)
        throw InputError("stage " + std::to_string(index + 1) + ": " + format
                         + " counts in epochs; set the schedule's unit to epochs before converting");
}

} // namespace

bool isDistillerSchedule(const YAML::Node& root)
{
    return root.IsMap() && root["pruners"] && root["policies"];
}

Recipe readDistillerSchedule(const std::string& yaml, const std::string& sourceName)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> Recipe {
        const io::YamlReader r(sourceName);
        const YAML::Node root = io::parseYaml(yaml, r);
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
                stage.params = outsideParamList(r, pruner["weights"], "pruners." + name + ".weights");
            for (const ScheduleProblem& p : stage.schedule.problems())
                r.fail(policy, where + "." + p.field, p.message);
            recipe.unstructured.push_back(stage);
        }
        if (recipe.unstructured.empty())
            throw InputError(sourceName + ": no policy uses a pruner: nothing to prune");
        return recipe;
    });
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
    return io::emittedYaml(out, "the recipe");
}

} // namespace espalier::prune
