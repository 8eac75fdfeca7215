#include "core/prune/recipe_formats.h"

#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/runtime/enum_names.h"
#include "core/runtime/error.h"

#include <filesystem>

namespace espalier::prune {

const EnumNames<RecipeFormat>& recipeFormatNames()
{
    static const EnumNames<RecipeFormat> names{
        {RecipeFormat::Espalier, "espalier"}, {RecipeFormat::SparseML, "sparseml"}, {RecipeFormat::Distiller, "distiller"}};
    return names;
}

RecipeFormat detectRecipeFormat(const std::string& yaml, const std::string& sourceName)
{
    const YAML::Node root = io::parseYaml(yaml, io::YamlReader(sourceName));
    if (root.IsMap() && root["espalier_recipe"])
        return RecipeFormat::Espalier;
    if (isSparseMLRecipe(root))
        return RecipeFormat::SparseML;
    if (isDistillerSchedule(root))
        return RecipeFormat::Distiller;
    throw InputError(sourceName + ": not a pruning recipe this release reads (an Espalier recipe has espalier_recipe, "
                                  "a SparseML recipe modifiers, a Distiller schedule pruners and policies)");
}

Recipe readAnyRecipe(const std::string& yaml, const std::string& sourceName)
{
    switch (detectRecipeFormat(yaml, sourceName)) {
    case RecipeFormat::Espalier: return Recipe::fromYaml(yaml, sourceName);
    case RecipeFormat::SparseML: return readSparseMLRecipe(yaml, sourceName);
    case RecipeFormat::Distiller: return readDistillerSchedule(yaml, sourceName);
    }
    throw InputError(sourceName + ": unknown recipe format");
}

Recipe loadAnyRecipe(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw InputError("recipe not found: " + path);
    return readAnyRecipe(io::readFile(path), path);
}

std::string writeRecipe(const Recipe& recipe, RecipeFormat format)
{
    switch (format) {
    case RecipeFormat::Espalier: return recipe.toYaml();
    case RecipeFormat::SparseML: return writeSparseMLRecipe(recipe);
    case RecipeFormat::Distiller: return writeDistillerSchedule(recipe);
    }
    return {};
}

} // namespace espalier::prune
