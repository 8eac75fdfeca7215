#pragma once
// Stage 3, layer pruning: how much each encoder block matters, measured by dropping it alone (the block
// becomes the identity) and reading the CTC loss on calibration utterances. Blocks whose loss rises
// least are dropped first.
#include "core/prune/channels.h"

#include <vector>

namespace espalier::prune {

// Mean CTC loss per utterance (blank 0) over the batches, in eval mode.
double calibrationLoss(model::AsrModel& model, const std::vector<CalibrationBatch>& batches);

struct BlockSensitivity {
    int block = -1;
    double loss = 0.0;       // with the block dropped
    double sensitivity = 0.0; // (loss - base) / base: the relative rise
};

// One entry per block, in block order, and the loss of the whole model in *baseLoss.
std::vector<BlockSensitivity> blockSensitivity(model::AsrModel& model, const std::vector<CalibrationBatch>& batches,
                                               double* baseLoss = nullptr);

// The `count` least sensitive blocks, ascending by index.
std::vector<int> leastSensitiveBlocks(const std::vector<BlockSensitivity>& sensitivity, int count);

} // namespace espalier::prune
