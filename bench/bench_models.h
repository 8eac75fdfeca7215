#pragma once
// Models the latency benchmarks compare: a trained checkpoint or a preset with random weights, and
// variants of it — channels removed physically (structured pruning), or the smallest weights zeroed
// (unstructured magnitude pruning, one global threshold as the pruning engine uses).
#include "core/model/asr_model.h"
#include "core/prune/channels.h"
#include "core/prune/masks.h"
#include "core/prune/shrink.h"
#include "core/train/checkpoint.h"
#include "core/train/eval_job.h"
#include "core/train/shipped_configs.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace benchmodels {

// The checkpoint of modelOrRun, or with random weights (seed 1) a Conformer preset of that size, or
// "demo": the model of the shipped `small` training config (the demo project's 20-minute run).
inline std::unique_ptr<espalier::model::AsrModel> denseModel(const std::string& modelOrRun, const std::string& size,
                                                             espalier::train::CheckpointMeta* meta = nullptr)
{
    using namespace espalier;
    if (!modelOrRun.empty())
        return train::loadModelFromCheckpoint(train::resolveCheckpoint(modelOrRun), meta);
    torch::manual_seed(1);
    model::ModelConfig config = model::ModelConfig::preset(size == "demo" ? "small" : size, model::ModelType::Conformer, 500);
    if (size == "demo") {
        config = train::shippedTemplate("small").model.config;
        config.vocabSize = 500;
    }
    auto m = model::createModel(config);
    m->train(false);
    if (meta) {
        meta->modelConfigYaml = m->config()->toYaml();
        meta->units = "<blank> 0\n<unk> 1\n";
        for (int i = 2; i < 500; ++i)
            meta->units += "u" + std::to_string(i) + " " + std::to_string(i) + "\n";
        meta->fbank.numMelBins = m->inputDim();
    }
    return m;
}

// The model with `fraction` of the channels of the given kinds removed physically, ranked by their
// feature maps on a random calibration batch (latency does not depend on which ones go).
inline std::unique_ptr<espalier::model::AsrModel> shrunk(espalier::model::AsrModel& dense, double fraction,
                                                         const std::vector<espalier::prune::ChannelKind>& kinds)
{
    using namespace espalier;
    const auto groups = prune::channelGroups(dense);
    torch::manual_seed(2);
    prune::CalibrationBatch calibration{torch::randn({2, 300, dense.inputDim()}), torch::tensor({300L, 240L}), {}, {}};
    const prune::ChannelScores scores = prune::featureMapImportance(dense, {calibration});
    std::map<std::string, double> fractions;
    for (const auto& g : groups)
        if (std::find(kinds.begin(), kinds.end(), g.kind) != kinds.end())
            fractions[g.name] = fraction;
    return prune::shrinkModel(dense, prune::keepTopChannels(groups, scores, fractions)).model;
}

// A copy of the model with `sparsity` of its prunable weights zeroed by one global magnitude threshold.
inline std::unique_ptr<espalier::model::AsrModel> magnitudePruned(const espalier::model::AsrModel& dense, double sparsity)
{
    using namespace espalier;
    std::unique_ptr<model::AsrModel> m = dense.clone();
    std::vector<prune::NamedTensor> weights;
    const auto params = m->namedParameters();
    const auto infos = m->parameterInfos();
    for (size_t i = 0; i < infos.size(); ++i)
        if (infos[i].prunable)
            weights.emplace_back(params[i].key(), params[i].value());
    std::vector<prune::NamedTensor> all;
    for (const auto& item : params)
        all.emplace_back(item.key(), item.value());
    prune::applyMasksToWeights(all, prune::globalMagnitudeMasks(weights, sparsity));
    return m;
}

} // namespace benchmodels
