// libFuzzer harness: a sensitivity result file (docs/formats/sensitivity.md) as the page, `sensitivity
// show|allocate|merge` read it: parsed, condensed per row and block, merged with itself, allocated
// to a global target and written as a recipe; and a level list as --levels takes it. An
// espalier::Error is a clean refusal.
#include "core/analysis/sensitivity_allocation.h"
#include "core/analysis/sensitivity_result.h"
#include "core/runtime/error.h"
#include "tests/fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    using namespace espalier;
    if (size == 0)
        return 0;
    const std::string rest = fuzzutil::text(data + 1, size - 1);
    try {
        if (data[0] % 4 == 0) {
            (void)analysis::levelsText(analysis::parseLevels(rest));
            return 0;
        }
        const analysis::SensitivityResult result = analysis::SensitivityResult::fromJson(rest, "fuzz.json");
        for (const analysis::SensitivityRow& row : result.rows)
            (void)analysis::rowSensitivity(result, row);
        (void)analysis::blockSummaries(result);
        (void)analysis::SensitivityResult::fromJson(result.toJson(), "written.json");
        (void)analysis::mergeShards({result}, {"fuzz.json"});
        analysis::AllocationOptions options;
        options.target = 0.5;
        const analysis::Allocation allocation = analysis::allocate(result, options);
        (void)analysis::allocationRecipe(result, allocation, options);
    } catch (const Error&) {
    }
    return 0;
}
