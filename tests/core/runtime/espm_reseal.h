#pragma once
// A forger's move on a .espm file: recompute every section checksum and the table checksum
// (docs/formats/espm.md), so a test or a fuzzer's mutation reaches past the CRCs to the parser.
#include "core/runtime/crc32.h"

#include <cstdint>
#include <cstring>
#include <vector>

namespace espmtest {

inline void reseal(std::vector<uint8_t>& bytes)
{
    if (bytes.size() < 32)
        return;  // no header: nothing to forge
    uint32_t count;
    std::memcpy(&count, bytes.data() + 16, 4);
    if (count > 64 || 32 + 32 * size_t(count) > bytes.size())
        return;  // a damaged table: nothing to forge
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

} // namespace espmtest
