#pragma once
// CRC-32 (IEEE 802.3, the polynomial zlib and PNG use), for the .espm container's section checksums:
// the runtime has no zlib.
#include <cstddef>
#include <cstdint>

namespace espalier::runtime {

// crc32(data) continuing from `crc` (0 for a fresh sum); equals zlib's crc32(crc, data, size).
uint32_t crc32(const void* data, size_t size, uint32_t crc = 0);

} // namespace espalier::runtime
