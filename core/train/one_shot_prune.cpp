#include "core/train/one_shot_prune.h"

#include "core/prune/gradual_pruning.h"
#include "core/prune/layer_pruning.h"
#include "core/prune/recipe_formats.h"
#include "core/prune/shrink.h"
#include "core/runtime/error.h"
#include "core/train/calibration.h"
#include "core/train/checkpoint.h"
#include "core/train/eval_job.h"
#include "core/train/train_config.h"

#include <algorithm>
#include <chrono>
#include <cmath>

namespace espalier::train {

namespace {

// The latest time any stage's schedule reaches: every stage is at its final sparsity there.
double lastUpdate(const prune::Recipe& recipe)
{
    double last = 0.0;
    auto reach = [&last](const prune::SparsitySchedule& s) { last = std::max({last, s.begin, s.end}); };
    for (const auto& s : recipe.unstructured)
        reach(s.schedule);
    for (const auto& s : recipe.structured)
        reach(s.schedule);
    for (const auto& s : recipe.dynamic)
        reach(s.schedule);
    return last;
}

// The manifest calibration utterances come from: the option, else the run's dev set, else its train set.
std::string calibrationManifest(const OneShotOptions& options, const CheckpointMeta& meta, const std::string& checkpoint)
{
    if (!options.calibration.empty())
        return options.calibration;
    if (!meta.trainConfigYaml.empty()) {
        const TrainConfig config = TrainConfig::fromYaml(meta.trainConfigYaml, checkpoint + " (training config)");
        if (!config.data.dev.empty())
            return config.data.dev;
        if (!config.data.train.empty())
            return config.data.train;
    }
    throw InputError(checkpoint + ": structured and layer pruning need calibration utterances; give --calibration MANIFEST");
}

// Median forward time of one 6-second utterance (600 fbank frames), after two warm-up runs.
double medianForwardMs(model::AsrModel& model)
{
    torch::manual_seed(0);
    const torch::Tensor features = torch::randn({1, 600, model.inputDim()});
    const torch::Tensor lengths = torch::full({1}, 600, torch::kInt64);
    torch::NoGradGuard noGrad;
    model.train(false);
    std::vector<double> ms;
    for (int i = 0; i < 9; ++i) {
        const auto start = std::chrono::steady_clock::now();
        model.forward(features, lengths);
        if (i >= 2)
            ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::sort(ms.begin(), ms.end());
    return ms[ms.size() / 2];
}

} // namespace

OneShotResult pruneCheckpoint(const std::string& modelOrRun, const std::string& recipePath, const std::string& out,
                              const OneShotOptions& options)
{
    OneShotResult result;
    result.input = resolveCheckpoint(modelOrRun);
    prune::Recipe recipe = prune::loadAnyRecipe(recipePath);
    std::unique_ptr<model::AsrModel> model = loadModelFromCheckpoint(result.input);
    const LoadedCheckpoint loaded = loadCheckpoint(result.input, *model, nullptr);
    result.parametersBefore = model->parameterCount();

    const std::vector<prune::LayerStage> layerStages = recipe.layer;
    recipe.layer.clear();
    int maxCalibration = 0;
    for (const auto& s : recipe.structured)
        maxCalibration = std::max(maxCalibration, s.calibrationUtterances);
    for (const auto& s : layerStages)
        maxCalibration = std::max(maxCalibration, s.calibrationUtterances);
    std::vector<prune::CalibrationBatch> calibration;
    if (maxCalibration > 0) {
        result.calibration = calibrationManifest(options, loaded.meta, result.input);
        const data::CharTokenizer tokenizer = checkpointTokenizer(loaded.meta, result.input);
        const SampleSet samples = loadSamples(result.calibration, loaded.meta.fbank, &tokenizer);
        calibration = calibrationBatches(samples.samples, loaded.meta.fbank, maxCalibration);
    }

    // Unstructured, dynamic and structured stages as masks at their final sparsity.
    prune::MaskMap masks = loaded.masks;
    if (!recipe.empty()) {
        prune::GradualPruning pruning(recipe, *model, 1.0);
        pruning.setCalibration(calibration);
        for (auto& [name, mask] : pruning.update(*model, (long long)std::ceil(lastUpdate(recipe)), {})) {
            auto it = masks.find(name);
            masks[name] = it == masks.end() ? mask : it->second * mask;
        }
        prune::applyMasksToWeights(prune::namedTensors(model->namedParameters()), masks);
    }

    // Physical removal: dead channels (structured stages) and dropped blocks (layer stages).
    if (!recipe.structured.empty() || !layerStages.empty()) {
        prune::ChannelKeep keep;
        if (!recipe.structured.empty()) {
            const auto groups = prune::channelGroups(*model);
            keep = prune::liveChannels(*model, groups);
            result.channelsRemoved = prune::removedFractions(groups, keep);
        }
        std::vector<int> drop;
        if (!layerStages.empty()) {
            // Rank the blocks of the channel-pruned model.
            prune::ShrinkResult thinned = prune::shrinkModel(*model, keep, {}, masks);
            for (const prune::LayerStage& stage : layerStages) {
                if (!stage.blocks.empty()) {
                    drop.insert(drop.end(), stage.blocks.begin(), stage.blocks.end());
                    continue;
                }
                const auto sensitivity = prune::blockSensitivity(*thinned.model, calibration);
                for (const auto& s : sensitivity)
                    result.sensitivity.push_back({s.block, s.loss, s.sensitivity});
                const auto least = prune::leastSensitiveBlocks(sensitivity, stage.drop);
                drop.insert(drop.end(), least.begin(), least.end());
            }
            std::sort(drop.begin(), drop.end());
            drop.erase(std::unique(drop.begin(), drop.end()), drop.end());
            result.droppedBlocks = drop;
        }
        prune::ShrinkResult shrunk = prune::shrinkModel(*model, keep, drop, masks);
        result.latencyBeforeMs = medianForwardMs(*model);
        result.latencyAfterMs = medianForwardMs(*shrunk.model);
        model = std::move(shrunk.model);
        masks = std::move(shrunk.masks);
        // Channel masks sliced to the kept channels are all ones: nothing left to mask.
        for (auto it = masks.begin(); it != masks.end();)
            it = it->second.all().item<bool>() ? masks.erase(it) : std::next(it);
    }

    result.prunedTensors = int(masks.size());
    result.parametersAfter = model->parameterCount();
    std::vector<prune::NamedTensor> prunable;
    for (const model::ParameterInfo& info : model->parameterInfos())
        if (info.prunable)
            prunable.emplace_back(info.name, model->namedParameters()[info.name]);
    const prune::TensorSparsity total = prune::totalSparsity(prune::measureSparsity(prunable));
    result.prunableParameters = total.numel;
    result.prunableNonzeros = total.nonzeros;
    CheckpointMeta meta = loaded.meta;
    meta.devCer.reset();  // the pruned model has not been evaluated
    if (const model::ModelConfig* config = model->config())
        meta.modelConfigYaml = config->toYaml();
    saveCheckpoint(out, *model, nullptr, meta, masks);
    return result;
}

} // namespace espalier::train
