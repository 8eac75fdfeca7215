// libFuzzer harness: pruning recipes as users hand them in, whichever tool wrote them (Espalier,
// SparseML with its variables and eval(...), Distiller), and what Espalier writes back from them;
// then the eval(...) arithmetic on its own. An espalier::Error is a clean refusal.
#include "core/prune/recipe_eval.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    const std::string yaml = fuzzutil::text(data, size);
    try {
        const prune::Recipe recipe = prune::readAnyRecipe(yaml, "fuzz.yaml");
        for (prune::RecipeFormat format : prune::recipeFormatNames().values()) {
            try {
                const std::string written = prune::writeRecipe(recipe, format);
                (void)prune::readAnyRecipe(written, "written.yaml");  // what we write, we read
            } catch (const InputError&) {
                // the recipe has what that format cannot say
            }
        }
    } catch (const Error&) {
    }
    try {
        (void)prune::evaluateArithmetic(yaml, {{"num_epochs", 30.0}, {"x", 2.0}});
    } catch (const Error&) {
    }
    return 0;
}
