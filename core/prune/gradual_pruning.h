#pragma once
// Pruning during training: a recipe's unstructured, structured and dynamic stages followed step by
// step. At each schedule update the masks are recomputed from the current weights (global pool and
// per-tensor overrides; channel masks from feature-map importance re-scored every rescore_every units;
// prune-and-regrow for dynamic stages). The trainer multiplies the gradients by the masks before the
// optimiser step and the weights after it. Layer stages are one-shot (espalier-cli prune) and refused.
#include "core/model/asr_model.h"
#include "core/prune/channels.h"
#include "core/prune/masks.h"
#include "core/prune/recipe.h"

#include <map>
#include <optional>
#include <vector>

namespace espalier::prune {

// A model's parameters as (name, tensor) pairs.
std::vector<NamedTensor> namedTensors(const model::NamedTensors& parameters);

class GradualPruning {
public:
    // Schedules in epochs are converted to optimiser steps with stepsPerEpoch. Throws InputError when a
    // stage selects no parameter or channel of the model, or the recipe has a layer stage.
    GradualPruning(Recipe recipe, const model::AsrModel& model, double stepsPerEpoch);

    // Structured stages measure feature maps on these (the trainer hands over dev utterances).
    bool needsCalibration() const { return !recipe_.structured.empty(); }
    int calibrationUtterances() const;
    void setCalibration(std::vector<CalibrationBatch> batches) { calibration_ = std::move(batches); }

    // Whether any stage updates its masks after optimiser step `step`.
    bool isUpdate(long long step) const;
    // The masks every stage asks for after step `step` (a parameter two stages prune gets the product).
    // `current` are the masks in force (dynamic stages regrow from them; regrown weights get their
    // decayed shadow values back in the model).
    MaskMap update(model::AsrModel& model, long long step, const MaskMap& current);

    // Dynamic stages, every step: mask scores follow |gradient| (call with the unscaled gradients before
    // they are masked) ...
    void observeGradients(const model::AsrModel& model);
    // ... and after the optimiser step, inactive weights' shadow values decay by λ.
    void afterStep();
    bool hasDynamicStages() const { return !recipe_.dynamic.empty(); }

    // Scores and shadows of dynamic stages, for checkpoints ("score:<name>", "shadow:<name>").
    MaskMap state() const;
    void restoreState(const MaskMap& state);

    // The overall target sparsity over the unstructured and dynamic stages' parameters at `step`
    // (weighted by their sizes); structured stages' target is the removed-channel fraction (below).
    double targetSparsityAt(long long step) const;
    std::optional<double> targetChannelFractionAt(long long step) const;
    // Channels removed (dead in the weights) over the groups structured stages select.
    double achievedChannelFraction(const model::AsrModel& model) const;
    const Recipe& recipe() const { return recipe_; }
    size_t prunedParameterCount() const;

private:
    struct DynamicTarget {
        std::vector<std::string> names;  // one pool (global) or one tensor (layer scope)
    };
    void structuredMasks(model::AsrModel& model, long long step, MaskMap& masks);
    void dynamicMasks(model::AsrModel& model, long long step, const MaskMap& current, MaskMap& masks);

    Recipe recipe_;  // schedules in steps
    double stepsPerEpoch_ = 1.0;
    std::vector<std::vector<UnstructuredStage::Target>> targets_;  // per unstructured stage
    std::vector<std::vector<DynamicTarget>> dynamicTargets_;      // per dynamic stage
    std::map<std::string, int64_t> sizes_;
    std::vector<ChannelGroup> groups_;
    std::vector<CalibrationBatch> calibration_;
    ChannelScores scores_;
    std::optional<long long> scoredAt_;  // step of the last importance scoring
    MaskMap gradientScores_;        // dynamic: running mean of |gradient|
    MaskMap shadows_;               // dynamic: decaying values of inactive weights
};

} // namespace espalier::prune
