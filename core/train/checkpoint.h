#pragma once
// Training checkpoints: one file per checkpoint holding everything needed to continue the run
// exactly (model, optimiser, loss scaler, schedule position, RNG state, data-order position,
// pruning masks) and to use the model on its own (model config, vocabulary). Written atomically.
// The run's checkpoints/ folder keeps the last K step checkpoints and the best by dev CER.
#include "core/model/asr_model.h"
#include "core/prune/masks.h"
#include "core/train/checkpoint_meta.h"
#include "core/train/loss_scaler.h"

#include <torch/optim/optimizer.h>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {


// Pruning masks by parameter name (prune/masks.h); empty for a dense run.
using MaskMap = prune::MaskMap;

// Writes a checkpoint atomically (temporary file, then rename). optimizer and masks may be null /
// empty. rngState is LibTorch's CPU generator state to store (undefined: the current state; the
// trainer passes the state it snapshotted at the last step boundary). Throws IoError naming the path.
// prunerState: a pruner's own tensors (dynamic sparse training's mask scores and shadow weights).
void saveCheckpoint(const std::string& path, const model::AsrModel& model, const torch::optim::Optimizer* optimizer,
                    const CheckpointMeta& meta, const MaskMap& masks = {}, const torch::Tensor& rngState = {},
                    const MaskMap& prunerState = {});

// What loadCheckpoint restored.
struct LoadedCheckpoint {
    CheckpointMeta meta;
    MaskMap masks;
    MaskMap prunerState;
};

// LibTorch's CPU generator state, as a tensor to hand to saveCheckpoint later.
torch::Tensor cpuRngState();

// Restores the model's weights (names and shapes must match), the optimiser's state (when given) and
// LibTorch's CPU generator state. Throws FormatError naming the file for anything that is not an
// Espalier checkpoint or does not match.
LoadedCheckpoint loadCheckpoint(const std::string& path, model::AsrModel& model, torch::optim::Optimizer* optimizer);

// Reads only the metadata.
CheckpointMeta readCheckpointMeta(const std::string& path);

// Builds the checkpoint's model (reference config or TorchScript file) with its weights, in eval
// mode on the CPU. The vocabulary is in meta().units.
std::unique_ptr<model::AsrModel> loadModelFromCheckpoint(const std::string& path, CheckpointMeta* meta = nullptr);


// The checkpoints/ folder of a run: step-<8 digits>.pt files, best.pt (a hard link to or copy of the best
// by dev CER) and best.json ({"step", "dev_cer", "file"}).
class CheckpointStore {
public:
    CheckpointStore(std::string dir, int keepLast);

    const std::string& dir() const { return dir_; }
    std::string pathForStep(long long step) const;
    // Step checkpoints present, oldest first.
    std::vector<std::string> stepCheckpoints() const;
    // The newest step checkpoint, or "" when there is none.
    std::string latest() const;
    std::string bestPath() const;  // dir/best.pt (may not exist)

    // Saves step meta.step; when meta.bestStep == meta.step (this step's dev CER is the best so far) also
    // makes it best.pt. Then deletes the oldest step checkpoints beyond keepLast. Returns the file written.
    std::string save(const model::AsrModel& model, const torch::optim::Optimizer* optimizer, const CheckpointMeta& meta,
                     const MaskMap& masks = {}, const torch::Tensor& rngState = {}, const MaskMap& prunerState = {});

private:
    std::string dir_;
    int keepLast_;
};

} // namespace espalier::train
