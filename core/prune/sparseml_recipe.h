#pragma once
// SparseML recipes, read into and written from Espalier's Recipe (reference.md): GMPruning /
// MagnitudePruning (unstructured, per-pattern final sparsities), StructuredPruning (feed-forward
// units, attention heads), LayerPruning and RigLPruning modifiers with their EpochRangeModifier;
// top-level variables and eval(...) as plain arithmetic (recipe_eval.h). Distillation modifiers and
// others are refused by name and line, never dropped. Torch-free.
#include "core/prune/recipe.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace espalier::prune {

// Whether a parsed document is a SparseML recipe (it has modifiers, training_modifiers or pruning_modifiers).
bool isSparseMLRecipe(const YAML::Node& root);

Recipe readSparseMLRecipe(const std::string& yaml, const std::string& sourceName);
// Throws InputError when the recipe uses what SparseML cannot say (it counts epochs).
std::string writeSparseMLRecipe(const Recipe& recipe);

} // namespace espalier::prune
