#include "core/train/model_stats.h"

#include "core/prune/gradual_pruning.h"
#include "core/train/checkpoint.h"
#include "core/train/eval_job.h"

namespace espalier::train {

ModelStats checkpointModelStats(const std::string& modelOrRun)
{
    ModelStats stats;
    stats.checkpoint = resolveCheckpoint(modelOrRun);
    const std::unique_ptr<model::AsrModel> model = loadModelFromCheckpoint(stats.checkpoint);
    const LoadedCheckpoint loaded = loadCheckpoint(stats.checkpoint, *model, nullptr);
    stats.description = model->description();
    const std::vector<prune::TensorSparsity> measured = prune::measureSparsity(prune::namedTensors(model->namedParameters()));
    const std::vector<model::ParameterInfo> infos = model->parameterInfos();
    for (const model::ParameterInfo& info : infos) {
        ParameterStats p;
        p.info = info;
        for (const prune::TensorSparsity& m : measured)
            if (m.name == info.name)
                p.nonzeros = m.nonzeros;
        p.masked = loaded.masks.count(info.name) > 0;
        stats.totalParameters += info.numel();
        stats.totalNonzeros += p.nonzeros;
        if (info.prunable) {
            stats.prunableParameters += info.numel();
            stats.prunableNonzeros += p.nonzeros;
        }
        stats.parameters.push_back(std::move(p));
    }
    return stats;
}

} // namespace espalier::train
