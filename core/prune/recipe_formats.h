#pragma once
// The pruning recipes Espalier reads and writes, whichever tool wrote them: Espalier's own
// (recipe.h), SparseML's (sparseml_recipe.h: unstructured, structured, layer and RigL modifiers)
// and Distiller's AGP schedules (distiller_recipe.h); the format detected from the text. Torch-free.
#include "core/prune/distiller_recipe.h"
#include "core/prune/recipe.h"
#include "core/prune/sparseml_recipe.h"
#include "core/runtime/enum_names.h"

#include <string>

namespace espalier::prune {

enum class RecipeFormat { Espalier, SparseML, Distiller };
const EnumNames<RecipeFormat>& recipeFormatNames();  // "espalier", "sparseml", "distiller"

// Which format a YAML text is (espalier_recipe; modifiers / training_modifiers / pruning_modifiers;
// pruners + policies). Throws InputError naming sourceName when it is none of them.
RecipeFormat detectRecipeFormat(const std::string& yaml, const std::string& sourceName);

// Any of the three, detected.
Recipe readAnyRecipe(const std::string& yaml, const std::string& sourceName);
Recipe loadAnyRecipe(const std::string& path);

std::string writeRecipe(const Recipe& recipe, RecipeFormat format);

} // namespace espalier::prune
