// espalier-cli model stats: a checkpoint's tensors with shapes, parameters, nonzeros and sparsity;
// espalier-cli prune: one-shot pruning of a checkpoint; espalier-cli recipe check / convert: read a
// pruning recipe (Espalier, SparseML or Distiller) and print its updates, or write it in another format.
#include "app/cli/commands.h"
#include "core/io/atomic_file.h"
#include "core/model/parameter_info.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "core/train/model_stats.h"
#include "core/train/one_shot_prune.h"

#include <memory>
#include <sstream>

namespace espalier::cli {

namespace {

std::string shapeText(const std::vector<int64_t>& shape)
{
    std::string out;
    for (size_t i = 0; i < shape.size(); ++i)
        out += (i ? "x" : "") + std::to_string(shape[i]);
    return out;
}

double sparsityOf(int64_t total, int64_t nonzeros) { return total > 0 ? 1.0 - double(nonzeros) / double(total) : 0.0; }

int modelStatsCommand(const CliContext& context, const std::string& model, bool all)
{
    const train::ModelStats stats = train::checkpointModelStats(model);
    if (context.json) {
        nlohmann::json params = nlohmann::json::array();
        for (const train::ParameterStats& p : stats.parameters) {
            if (!all && !p.info.prunable)
                continue;
            params.push_back({{"name", p.info.name}, {"layer", p.info.layer}, {"block", p.info.block},
                              {"role", model::roleNames().name(p.info.role)}, {"shape", p.info.shape},
                              {"parameters", p.info.numel()}, {"nonzeros", p.nonzeros}, {"sparsity", p.sparsity()},
                              {"prunable", p.info.prunable}, {"masked", p.masked}});
        }
        context.printJson({{"checkpoint", stats.checkpoint}, {"model", stats.description}, {"parameters", params},
                           {"total", {{"parameters", stats.totalParameters}, {"nonzeros", stats.totalNonzeros},
                                      {"sparsity", sparsityOf(stats.totalParameters, stats.totalNonzeros)}}},
                           {"prunable", {{"parameters", stats.prunableParameters}, {"nonzeros", stats.prunableNonzeros},
                                         {"sparsity", sparsityOf(stats.prunableParameters, stats.prunableNonzeros)}}}});
        return kExitOk;
    }
    std::printf("%s\n%s\n\n", stats.checkpoint.c_str(), stats.description.c_str());
    std::printf("%-52s %-18s %-12s %10s %10s %9s\n", "parameter", "role", "shape", "params", "nonzeros", "sparsity");
    for (const train::ParameterStats& p : stats.parameters) {
        if (!all && !p.info.prunable)
            continue;
        std::printf("%-52s %-18s %-12s %10lld %10lld %8.2f%%%s\n", p.info.name.c_str(), model::roleNames().name(p.info.role),
                    shapeText(p.info.shape).c_str(), (long long)p.info.numel(), (long long)p.nonzeros,
                    100.0 * p.sparsity(), p.masked ? " (masked)" : "");
    }
    std::printf("\nprunable weights: %lld parameters, %lld nonzero, %.2f %% sparse\n", (long long)stats.prunableParameters,
                (long long)stats.prunableNonzeros, 100.0 * sparsityOf(stats.prunableParameters, stats.prunableNonzeros));
    std::printf("all parameters:   %lld parameters, %lld nonzero, %.2f %% sparse\n", (long long)stats.totalParameters,
                (long long)stats.totalNonzeros, 100.0 * sparsityOf(stats.totalParameters, stats.totalNonzeros));
    return kExitOk;
}

int recipeCheckCommand(const CliContext& context, const std::string& path)
{
    const prune::Recipe recipe = prune::loadAnyRecipe(path);
    nlohmann::json stages = nlohmann::json::array();
    auto scheduled = [&stages](const char* type, const prune::SparsitySchedule& schedule, nlohmann::json extra,
                               const std::vector<double>& times) {
        nlohmann::json curve = nlohmann::json::array();
        for (const double t : times)
            curve.push_back({{"at", t}, {"sparsity", schedule.sparsityAt(t)}});
        extra.update({{"type", type}, {"shape", prune::scheduleShapeNames().name(schedule.shape)},
                      {"unit", prune::scheduleUnitNames().name(schedule.unit)}, {"updates", curve}});
        stages.push_back(extra);
    };
    for (const prune::UnstructuredStage& stage : recipe.unstructured)
        scheduled("unstructured", stage.schedule, nlohmann::json::object(), stage.schedule.updateTimes());
    for (const prune::StructuredStage& stage : recipe.structured) {
        std::vector<std::string> kinds;
        for (prune::ChannelKind k : stage.channels)
            kinds.push_back(prune::channelKindNames().name(k));
        scheduled("structured", stage.schedule, {{"channels", kinds}, {"rescore_every", stage.rescoreEvery}},
                  stage.schedule.updateTimes());
    }
    for (const prune::DynamicStage& stage : recipe.dynamic)
        scheduled("dynamic", stage.schedule,
                  {{"drop_fraction", stage.dropFraction}, {"mask_lr", stage.maskLr}, {"decay", stage.decay}},
                  stage.updateTimes());
    for (const prune::LayerStage& stage : recipe.layer)
        stages.push_back({{"type", "layer"}, {"drop", stage.drop}, {"blocks", stage.blocks}});
    if (context.json) {
        context.printJson({{"recipe", path}, {"name", recipe.name}, {"stages", stages}});
        return kExitOk;
    }
    std::printf("%s: %zu stage(s)\n", path.c_str(), stages.size());
    for (const auto& stage : stages) {
        const std::string type = stage["type"].get<std::string>();
        if (type == "layer") {
            if (stage["blocks"].empty())
                std::printf("  layer: drop the %d least sensitive block(s)\n", stage["drop"].get<int>());
            else
                std::printf("  layer: drop blocks %s\n", stage["blocks"].dump().c_str());
            continue;
        }
        std::printf("  %s%s, %s over %s:", type.c_str(),
                    type == "structured" ? (" " + stage["channels"].dump()).c_str() : "",
                    stage["shape"].get<std::string>().c_str(), stage["unit"].get<std::string>().c_str());
        for (const auto& u : stage["updates"])
            std::printf(" %g→%.1f%%", u["at"].get<double>(), 100.0 * u["sparsity"].get<double>());
        std::printf("\n");
    }
    return kExitOk;
}

int pruneCommand(const CliContext& context, const std::string& model, const std::string& recipe, const std::string& out,
                 const train::OneShotOptions& options)
{
    const train::OneShotResult r = train::pruneCheckpoint(model, recipe, out, options);
    const double sparsity = sparsityOf(r.prunableParameters, r.prunableNonzeros);
    if (context.json) {
        nlohmann::json sensitivity = nlohmann::json::array();
        for (const auto& s : r.sensitivity)
            sensitivity.push_back({{"block", s.block}, {"loss", s.loss}, {"sensitivity", s.sensitivity}});
        context.printJson({{"input", r.input}, {"out", out}, {"masked_tensors", r.prunedTensors},
                           {"prunable_parameters", r.prunableParameters}, {"prunable_nonzeros", r.prunableNonzeros},
                           {"sparsity", sparsity}, {"parameters_before", r.parametersBefore},
                           {"parameters_after", r.parametersAfter}, {"channels_removed", r.channelsRemoved},
                           {"dropped_blocks", r.droppedBlocks}, {"block_sensitivity", sensitivity},
                           {"calibration", r.calibration}, {"latency_before_ms", r.latencyBeforeMs},
                           {"latency_after_ms", r.latencyAfterMs}});
        return kExitOk;
    }
    if (!r.sensitivity.empty()) {
        std::printf("block sensitivity (relative rise of the CTC loss with the block dropped, %s):\n", r.calibration.c_str());
        for (const auto& s : r.sensitivity)
            std::printf("  block %2d  loss %.4f  %+.3f\n", s.block, s.loss, s.sensitivity);
    }
    for (const auto& [kind, fraction] : r.channelsRemoved)
        std::printf("%s channels removed: %.1f %%\n", kind.c_str(), 100.0 * fraction);
    if (!r.droppedBlocks.empty()) {
        std::string blocks;
        for (int b : r.droppedBlocks)
            blocks += (blocks.empty() ? "" : ", ") + std::to_string(b);
        std::printf("blocks dropped: %s\n", blocks.c_str());
    }
    if (r.latencyAfterMs > 0.0)
        std::printf("dense latency, one 6 s utterance (median of 7): %.1f ms -> %.1f ms (%.2fx)\n", r.latencyBeforeMs,
                    r.latencyAfterMs, r.latencyBeforeMs / r.latencyAfterMs);
    std::printf("%s -> %s: %lld -> %lld parameters; %d tensors masked, prunable weights %.2f %% sparse (%lld of %lld "
                "nonzero)\n",
                r.input.c_str(), out.c_str(), r.parametersBefore, r.parametersAfter, r.prunedTensors, 100.0 * sparsity,
                r.prunableNonzeros, r.prunableParameters);
    return kExitOk;
}

int recipeConvertCommand(const std::string& in, const std::string& to, const std::string& out)
{
    const prune::RecipeFormat format = prune::recipeFormatNames().require(to, "--to");
    const prune::Recipe recipe = prune::loadAnyRecipe(in);
    io::writeFileAtomic(out, prune::writeRecipe(recipe, format));
    std::printf("%s -> %s (%s, %zu stage(s))\n", in.c_str(), out.c_str(), to.c_str(), recipe.unstructured.size());
    return kExitOk;
}

} // namespace

void addModelCommands(CLI::App& app, const CliContext& context, Action& action)
{
    CLI::App* modelCmd = app.add_subcommand("model", "Inspect trained models");
    modelCmd->require_subcommand(1);
    auto model = std::make_shared<std::string>();
    auto all = std::make_shared<bool>(false);
    CLI::App* stats = modelCmd->add_subcommand(
        "stats", "Per-tensor shape, parameters, nonzeros and achieved sparsity of a checkpoint");
    stats->add_option("MODEL", *model, "Checkpoint (.pt) or run folder (its best checkpoint)")->required();
    stats->add_flag("--all", *all, "Every parameter, not only the prunable weights");
    stats->callback([&context, &action, model, all] {
        action = [&context, model, all] { return modelStatsCommand(context, *model, *all); };
    });

    auto pruneModel = std::make_shared<std::string>();
    auto pruneRecipe = std::make_shared<std::string>();
    auto pruneOut = std::make_shared<std::string>();
    auto pruneOptions = std::make_shared<train::OneShotOptions>();
    CLI::App* prune = app.add_subcommand(
        "prune", "Apply a recipe's stages at their final sparsity to a checkpoint (one shot, no training); structured and "
                 "layer stages remove channels, heads and blocks physically");
    prune->add_option("--model", *pruneModel, "Checkpoint (.pt) or run folder (its best checkpoint)")->required();
    prune->add_option("--recipe", *pruneRecipe, "Pruning recipe (docs/formats/recipe.md)")->required();
    prune->add_option("--out", *pruneOut, "The pruned checkpoint to write")->required();
    prune->add_option("--calibration", pruneOptions->calibration,
                      "Manifest of calibration utterances (feature maps, layer sensitivity); default: the run's dev set");
    prune->callback([&context, &action, pruneModel, pruneRecipe, pruneOut, pruneOptions] {
        action = [&context, pruneModel, pruneRecipe, pruneOut, pruneOptions] {
            return pruneCommand(context, *pruneModel, *pruneRecipe, *pruneOut, *pruneOptions);
        };
    });

    CLI::App* recipeCmd = app.add_subcommand("recipe", "Pruning recipes (docs/formats/recipe.md)");
    recipeCmd->require_subcommand(1);
    auto recipe = std::make_shared<std::string>();
    CLI::App* check = recipeCmd->add_subcommand("check", "Read a recipe, report its first problem or its sparsity updates");
    check->add_option("RECIPE", *recipe, "Recipe YAML")->required();
    check->callback([&context, &action, recipe] {
        action = [&context, recipe] { return recipeCheckCommand(context, *recipe); };
    });
    auto convertIn = std::make_shared<std::string>();
    auto convertTo = std::make_shared<std::string>();
    auto convertOut = std::make_shared<std::string>();
    CLI::App* convert = recipeCmd->add_subcommand(
        "convert", "Convert between Espalier recipes, SparseML recipes and Distiller schedules (input detected)");
    convert->add_option("IN", *convertIn, "Recipe to read (Espalier, SparseML or Distiller YAML)")->required();
    convert->add_option("--to", *convertTo, "espalier, sparseml or distiller")->required();
    convert->add_option("--out", *convertOut, "File to write")->required();
    convert->callback([&action, convertIn, convertTo, convertOut] {
        action = [convertIn, convertTo, convertOut] { return recipeConvertCommand(*convertIn, *convertTo, *convertOut); };
    });
}

} // namespace espalier::cli
