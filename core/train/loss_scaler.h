#pragma once
// Dynamic loss scaling for fp16 training, with PyTorch GradScaler's semantics: the loss is multiplied
// by the scale before backward; the gradients are divided by it before clipping and checked for
// inf/nan across all parameters; a step with inf/nan is skipped and the scale multiplied by the
// backoff factor; after growthInterval clean steps in a row the scale grows by the growth factor,
// never past maxScale (the seed's cap). Works on any tensors (no CUDA needed).
#include "core/train/checkpoint_meta.h"
#include "core/train/train_config.h"

#include <torch/types.h>

#include <vector>

namespace espalier::train {

// One optimiser step's outcome as the scaler saw it.
struct ScaleRecord {
    long long step = 0;
    double scale = 0.0;    // the scale the step's loss was multiplied by
    bool skipped = false;  // inf/nan found: the optimiser step was not taken
};

class LossScaler {
public:
    // A disabled scaler (fp32, bf16) has scale 1, still finds inf/nan and reports the step as
    // skipped, but never changes its scale.
    explicit LossScaler(const LossScalerOptions& options = {}, bool enabled = true);

    // The part of the scaler a checkpoint holds.
    using State = LossScalerState;

    bool enabled() const { return enabled_; }
    const LossScalerOptions& options() const { return options_; }
    double scale() const { return enabled_ ? state_.scale : 1.0; }
    int growthTracker() const { return state_.growthTracker; }
    long long skippedSteps() const { return state_.skippedSteps; }

    // loss * scale() (the loss itself when disabled).
    torch::Tensor scaleLoss(const torch::Tensor& loss) const;

    // Divides every defined gradient of `parameters` by scale() in place and returns true when all of
    // them are finite. Call once per optimiser step, after the last accumulated backward and before
    // clipping.
    bool unscaleGradients(const std::vector<torch::Tensor>& parameters) const;

    // Records step `step` (finite: whether unscaleGradients found only finite values) and adjusts the
    // scale: backoff on inf/nan (growth tracker reset), growth after growthInterval clean steps (capped
    // at maxScale). Returns the record (scale used, skipped).
    ScaleRecord update(long long step, bool finite);

    State state() const { return state_; }
    void setState(const State& state);  // throws InputError for a non-positive or non-finite scale

    // Every step that changed the scale or was skipped, in order (the full per-step log is metrics.jsonl).
    const std::vector<ScaleRecord>& history() const { return history_; }

private:
    LossScalerOptions options_;
    bool enabled_;
    State state_;
    std::vector<ScaleRecord> history_;
};

} // namespace espalier::train
