#include "core/prune/layer_pruning.h"

#include "core/prune/shrink.h"
#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>

namespace espalier::prune {

double calibrationLoss(model::AsrModel& model, const std::vector<CalibrationBatch>& batches)
{
    if (batches.empty())
        throw InputError("layer sensitivity needs at least one calibration utterance");
    const bool wasTraining = model.isTraining();
    model.train(false);
    torch::NoGradGuard noGrad;
    double total = 0.0;
    int64_t utterances = 0;
    for (const CalibrationBatch& b : batches) {
        if (!b.targets.defined())
            throw InputError("layer sensitivity needs transcripts for the calibration utterances");
        const model::AsrOutput out = model.forward(b.features, b.lengths);
        const torch::Tensor logProbs = out.logProbs.to(torch::kCPU, torch::kFloat).transpose(0, 1);  // [T, B, V]
        const torch::Tensor losses = torch::ctc_loss(logProbs, b.targets, out.lengths.cpu(), b.targetLengths,
                                                     /*blank=*/0, at::Reduction::None, /*zero_infinity=*/true);
        total += losses.sum().item<double>();
        utterances += losses.numel();
    }
    model.train(wasTraining);
    return total / double(utterances);
}

std::vector<BlockSensitivity> blockSensitivity(model::AsrModel& model, const std::vector<CalibrationBatch>& batches,
                                               double* baseLoss)
{
    const double base = calibrationLoss(model, batches);
    if (baseLoss)
        *baseLoss = base;
    std::vector<BlockSensitivity> out;
    for (int b = 0; b < model.numBlocks(); ++b) {
        if (model.numBlocks() == 1)
            break;  // the only block cannot be dropped
        ShrinkResult dropped = shrinkModel(model, {}, {b});
        dropped.model->to(model.device());
        const double loss = calibrationLoss(*dropped.model, batches);
        out.push_back({b, loss, base > 0 ? (loss - base) / base : 0.0});
    }
    return out;
}

std::vector<int> leastSensitiveBlocks(const std::vector<BlockSensitivity>& sensitivity, int count)
{
    std::vector<BlockSensitivity> sorted = sensitivity;
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const BlockSensitivity& a, const BlockSensitivity& b) { return a.sensitivity < b.sensitivity; });
    std::vector<int> blocks;
    for (int i = 0; i < count && i < int(sorted.size()); ++i)
        blocks.push_back(sorted[size_t(i)].block);
    std::sort(blocks.begin(), blocks.end());
    return blocks;
}

} // namespace espalier::prune
