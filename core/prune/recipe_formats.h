#pragma once
// Other tools' pruning recipes, read into and written from Espalier's Recipe (reference.md):
// SparseML YAML (GMPruningModifier with its EpochRangeModifier; top-level variables and eval(...) as
// plain arithmetic only, never executed) and Distiller schedules (AutomatedGradualPruner with its
// policy). Modifiers this release cannot run (structured, layer, RigL, distillation) are refused
// by name and line, not dropped. Torch-free.
#include "prune/recipe.h"

#include <map>
#include <optional>
#include <string>

namespace espalier::prune {

enum class RecipeFormat { Espalier, SparseML, Distiller };
const char* recipeFormatName(RecipeFormat format);  // "espalier", "sparseml", "distiller"
std::optional<RecipeFormat> recipeFormatFromName(const std::string& name);

// Which format a YAML text is (espalier_recipe; modifiers / training_modifiers / pruning_modifiers;
// pruners + policies). Throws InputError naming sourceName when it is none of them.
RecipeFormat detectRecipeFormat(const std::string& yaml, const std::string& sourceName);

Recipe readSparseMLRecipe(const std::string& yaml, const std::string& sourceName);
Recipe readDistillerSchedule(const std::string& yaml, const std::string& sourceName);
// Any of the three, detected.
Recipe readAnyRecipe(const std::string& yaml, const std::string& sourceName);
Recipe loadAnyRecipe(const std::string& path);

// Throw InputError when the recipe uses what the format cannot say (SparseML and Distiller count
// epochs; Distiller's only curve is AGP, per tensor).
std::string writeSparseMLRecipe(const Recipe& recipe);
std::string writeDistillerSchedule(const Recipe& recipe);
std::string writeRecipe(const Recipe& recipe, RecipeFormat format);

// SparseML's eval(...): + - * / and parentheses over numbers and the given variables. Throws
// InputError for anything else.
double evaluateArithmetic(const std::string& expression, const std::map<std::string, double>& variables);

} // namespace espalier::prune
