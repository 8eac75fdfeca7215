#pragma once
// One-shot pruning of a trained checkpoint (espalier-cli prune): each stage of a recipe applied at its
// final sparsity to the checkpoint's weights (no training). Unstructured and dynamic stages leave masks;
// structured stages remove the least important channels and heads and layer stages drop the least
// sensitive blocks physically, so the new checkpoint holds a smaller dense model (its config records
// the per-block widths). Ready for evaluation, fine-tuning (train --init) or export. Torch-free header.
#include <map>
#include <string>
#include <vector>

namespace espalier::train {

struct OneShotOptions {
    std::string calibration;  // manifest for feature maps and layer sensitivity; default: the run's dev set
};

struct BlockSensitivityRow {
    int block = -1;
    double loss = 0.0;
    double sensitivity = 0.0;  // relative rise of the calibration loss with the block dropped alone
};

struct OneShotResult {
    std::string input;               // the checkpoint read (a run folder resolves to its best)
    int prunedTensors = 0;           // tensors with a mask
    long long prunableParameters = 0;
    long long prunableNonzeros = 0;  // after pruning, over every prunable weight
    long long parametersBefore = 0;  // whole model, before and after physical removal
    long long parametersAfter = 0;
    std::map<std::string, double> channelsRemoved;  // "ffn", "heads": fraction removed physically
    std::vector<BlockSensitivityRow> sensitivity;   // when a layer stage ranked the blocks
    std::vector<int> droppedBlocks;
    std::string calibration;         // the manifest measured on ("" when no stage needed one)
    // When the model shrank: dense forward latency of one 6-second utterance before and after, median
    // of 7 runs on this machine (float32, no gradients, LibTorch's intra-op threads).
    double latencyBeforeMs = 0.0;
    double latencyAfterMs = 0.0;
};

// Throws InputError for a bad recipe or one that selects nothing, FormatError for a bad checkpoint;
// writes `out` atomically.
OneShotResult pruneCheckpoint(const std::string& modelOrRun, const std::string& recipePath, const std::string& out,
                              const OneShotOptions& options = {});

} // namespace espalier::train
