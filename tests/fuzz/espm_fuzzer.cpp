// libFuzzer harness: a .espm container as a device would be handed it. The input's section and table
// checksums are fixed up first (a forger's move), so mutations reach the tensor table, the graph
// build and one forward pass instead of stopping at a CRC. Any espalier::Error is a clean refusal;
// anything else (a crash, a sanitizer report, an escaping exception) is a finding.
#include "core/runtime/asr_runtime.h"
#include "core/runtime/crc32.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace {

// Recomputes every section checksum and the table checksum (the container's layout: docs/formats/espm.md).
void reseal(std::vector<uint8_t>& bytes)
{
    if (bytes.size() < 32)
        return;
    uint32_t count;
    std::memcpy(&count, bytes.data() + 16, 4);
    if (count > 64 || 32 + 32 * size_t(count) > bytes.size())
        return;
    for (uint32_t i = 0; i < count; ++i) {
        uint8_t* entry = bytes.data() + 32 + 32 * i;
        uint64_t offset, size;
        std::memcpy(&offset, entry + 8, 8);
        std::memcpy(&size, entry + 16, 8);
        if (offset > bytes.size() || size > bytes.size() - offset)
            continue;
        const uint32_t crc = espalier::runtime::crc32(bytes.data() + offset, size_t(size));
        std::memcpy(entry + 24, &crc, 4);
    }
    const uint32_t table = espalier::runtime::crc32(bytes.data() + 32, 32 * count);
    std::memcpy(bytes.data() + 20, &table, 4);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
    std::vector<uint8_t> bytes(data, data + size);
    reseal(bytes);
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
