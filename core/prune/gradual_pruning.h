#pragma once
// Gradual magnitude pruning during training: a recipe's unstructured stages followed step by step.
// At each schedule update the masks are recomputed from the current weights (global pool and
// per-tensor overrides); the trainer multiplies the gradients by the masks before the optimiser
// step and the weights after it.
#include "model/asr_model.h"
#include "prune/masks.h"
#include "prune/recipe.h"

#include <vector>

namespace espalier::prune {

// A model's parameters as (name, tensor) pairs.
std::vector<NamedTensor> namedTensors(const model::NamedTensors& parameters);

class GradualPruning {
public:
    // Schedules in epochs are converted to optimiser steps with stepsPerEpoch. Throws InputError when a
    // stage selects no prunable parameter of the model.
    GradualPruning(Recipe recipe, const std::vector<model::ParameterInfo>& parameters, double stepsPerEpoch);

    // Whether any stage updates its masks after optimiser step `step`.
    bool isUpdate(long long step) const;
    // The masks every stage asks for after step `step`, from the model's current weights (later stages
    // win for a parameter two stages prune).
    MaskMap masksAt(const model::AsrModel& model, long long step) const;
    // The overall target sparsity over the pruned parameters at `step` (weighted by their sizes).
    double targetSparsityAt(long long step) const;
    const Recipe& recipe() const { return recipe_; }
    size_t prunedParameterCount() const;

private:
    Recipe recipe_;  // schedules in steps
    std::vector<std::vector<UnstructuredStage::Target>> targets_;  // per stage
    std::map<std::string, int64_t> sizes_;
};

} // namespace espalier::prune
