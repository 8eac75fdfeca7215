#pragma once
// One-shot pruning of a trained checkpoint (espalier-cli prune): each stage of a recipe applied at its
// final sparsity to the checkpoint's weights (no training), written as a new checkpoint with the masks,
// ready for evaluation, fine-tuning or export. Torch-free header.
#include <string>

namespace espalier::train {

struct OneShotResult {
    std::string input;           // the checkpoint read (a run folder resolves to its best)
    int prunedTensors = 0;
    long long prunableParameters = 0;
    long long prunableNonzeros = 0;  // after pruning, over every prunable weight
};

// Throws InputError for a bad recipe or one that selects nothing, FormatError for a bad checkpoint;
// writes `out` atomically.
OneShotResult pruneCheckpoint(const std::string& modelOrRun, const std::string& recipePath, const std::string& out);

} // namespace espalier::train
