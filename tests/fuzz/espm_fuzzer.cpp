// libFuzzer harness: a .espm container as a device would be handed it. The input's section and table
// checksums are fixed up first (a forger's move), so mutations reach the tensor table, the graph
// build and one forward pass instead of stopping at a CRC. Any espalier::Error is a clean refusal;
// anything else (a crash, a sanitizer report, an escaping exception) is a finding.
#include "core/runtime/asr_runtime.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"
#include "tests/core/runtime/espm_reseal.h"

#include <cstdint>
#include <cstring>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::vector<uint8_t> bytes(data, data + size);
    espmtest::reseal(bytes);
    try {
        espalier::runtime::AsrRuntime runtime(espalier::runtime::parseEspm(bytes, "fuzz.espm"), "fuzz.espm");
        // One more forward than the build's own dry run, on a length with a partial frame block.
        std::vector<float> features(size_t(19) * size_t(runtime.inputDim()), 0.5f);
        const espalier::runtime::Activations logProbs = runtime.logProbs(features.data(), 19);
        (void)runtime.greedyText(logProbs);
    } catch (const espalier::Error&) {
        // refused with a message: what bad input should get
    }
    return 0;
}
