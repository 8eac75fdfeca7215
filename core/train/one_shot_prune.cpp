#include "train/one_shot_prune.h"

#include "prune/gradual_pruning.h"
#include "prune/recipe_formats.h"
#include "train/checkpoint.h"
#include "train/eval_job.h"

#include <algorithm>
#include <cmath>

namespace espalier::train {

OneShotResult pruneCheckpoint(const std::string& modelOrRun, const std::string& recipePath, const std::string& out)
{
    OneShotResult result;
    result.input = resolveCheckpoint(modelOrRun);
    prune::Recipe recipe = prune::loadAnyRecipe(recipePath);
    const std::unique_ptr<model::AsrModel> model = loadModelFromCheckpoint(result.input);
    const LoadedCheckpoint loaded = loadCheckpoint(result.input, *model, nullptr);
    // Every stage at its end: the final sparsity (epoch schedules need no conversion for that).
    double last = 0.0;
    for (const prune::UnstructuredStage& stage : recipe.unstructured)
        last = std::max({last, stage.schedule.begin, stage.schedule.end});
    const prune::GradualPruning pruning(recipe, model->parameterInfos(), 1.0);
    prune::MaskMap masks = loaded.masks;
    for (auto& [name, mask] : pruning.masksAt(*model, (long long)std::ceil(last)))
        masks[name] = mask;
    const auto parameters = prune::namedTensors(model->namedParameters());
    prune::applyMasksToWeights(parameters, masks);
    result.prunedTensors = int(masks.size());
    std::vector<prune::NamedTensor> prunable;
    for (const model::ParameterInfo& info : model->parameterInfos())
        if (info.prunable)
            prunable.emplace_back(info.name, model->namedParameters()[info.name]);
    const prune::TensorSparsity total = prune::totalSparsity(prune::measureSparsity(prunable));
    result.prunableParameters = total.numel;
    result.prunableNonzeros = total.nonzeros;
    CheckpointMeta meta = loaded.meta;
    meta.devCer.reset();  // the pruned model has not been evaluated
    saveCheckpoint(out, *model, nullptr, meta, masks);
    return result;
}

} // namespace espalier::train
