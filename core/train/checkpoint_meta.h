#pragma once
// A checkpoint's metadata: everything in it besides tensors and the optimiser, stored as the JSON
// string entry "meta" of the archive (docs/formats/run.md). Torch-free, so tools read it without
// LibTorch and the fuzzer reaches it.
#include "core/data/tokenizer.h"
#include "core/runtime/fbank.h"

#include <optional>
#include <string>

namespace espalier::train {

// The part of the loss scaler a checkpoint holds (LossScaler::State).
struct LossScalerState {
    double scale = 65536.0;
    int growthTracker = 0;      // clean steps since the last growth or backoff
    long long skippedSteps = 0; // over the whole run
};

// Everything in a checkpoint besides tensors and the optimiser.
struct CheckpointMeta {
    static constexpr int kFormatVersion = 1;

    long long step = 0;           // optimiser steps done
    long long epoch = 0;          // epoch the next batch belongs to (0-based)
    long long batchInEpoch = 0;   // batches of that epoch already consumed (the data-order position)
    long long utterancesSeen = 0;
    LossScalerState scaler;
    std::optional<double> devCer;       // at this step, when evaluated
    std::optional<double> bestDevCer;   // best so far in the run
    long long bestStep = -1;
    std::string modelConfigYaml;  // ModelConfig::toYaml() of a reference model (CMVN inline); empty for TorchScript
    std::string torchScriptPath;  // a TorchScript model's file
    std::string units;            // the tokenizer's units.txt text
    runtime::FbankOptions fbank;  // the features the model was trained on (dither as in training)
    std::string trainConfigYaml;  // the run's resolved TrainConfig
};

std::string checkpointMetaJson(const CheckpointMeta& meta);
// Throws FormatError naming path for malformed, foreign or newer metadata.
CheckpointMeta parseCheckpointMeta(const std::string& text, const std::string& path);

// The vocabulary stored in a checkpoint (meta.units). Throws FormatError naming sourceName.
data::CharTokenizer checkpointTokenizer(const CheckpointMeta& meta, const std::string& sourceName);

} // namespace espalier::train
