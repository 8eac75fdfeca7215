#pragma once
// Physical removal (Distiller's "thinning"): a smaller dense reference model holding only the kept
// channels and heads of each block and only the blocks not dropped, whose shapes, not just masks,
// change. A dropped block becomes the identity: the next block reads what the dropped one was given.
// The removed channels' contribution must already be zero (channelMasks applied, or dead weights), so
// the shrunk model computes the same outputs as the masked one.
#include "core/prune/channels.h"

#include <memory>
#include <vector>

namespace espalier::prune {

struct ShrinkResult {
    std::unique_ptr<model::AsrModel> model;  // on the CPU, in eval mode, with the input's precision policy
    MaskMap masks;                           // the input masks sliced and renamed to the new shapes
    int64_t parametersBefore = 0;
    int64_t parametersAfter = 0;
};

// keep: kept channels per group (groups left out keep all); dropBlocks: block indices removed. Throws
// InputError for a TorchScript model, an unknown block, or when every block would be dropped.
ShrinkResult shrinkModel(const model::AsrModel& model, const ChannelKeep& keep, const std::vector<int>& dropBlocks = {},
                         const MaskMap& masks = {});

} // namespace espalier::prune
