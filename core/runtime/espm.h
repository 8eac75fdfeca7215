#pragma once
// The .espm deployable model container (docs/formats/espm.md): a header with magic, version and an
// endianness check, a section table, and sections each with a CRC-32 — META (the architecture and the
// front end as "key value" lines, the graph the runtime executes), VOCAB (one unit per line), TENSORS
// (name, shape, dense or CSR with 16- or 32-bit column indices) and DATA (the arrays, 64-byte
// aligned). Reading checks every size, offset and checksum before it allocates: a corrupt or truncated
// file is a FormatError naming the file and what is wrong, never a crash.
#include "core/runtime/csr_matrix.h"

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace espalier::runtime {

struct EspmTensor {
    std::string name;
    std::vector<int64_t> shape;
    bool sparse = false;      // CSR (2-D only): csr holds it; else dense holds the row-major values
    std::vector<float> dense;
    CsrMatrix csr;

    int64_t numel() const;
};

struct EspmModel {
    static constexpr uint32_t kVersion = 1;

    std::vector<std::pair<std::string, std::string>> meta;  // "key value" lines, in order
    std::vector<std::string> vocabulary;                     // id = position
    std::vector<EspmTensor> tensors;

    // The first value of a META key, or fallback.
    std::string metaValue(const std::string& key, const std::string& fallback = {}) const;
    const EspmTensor* find(const std::string& name) const;  // nullptr when absent
};

// The bytes of a container (the writer's half; core/export fills the model from a checkpoint).
std::vector<uint8_t> serializeEspm(const EspmModel& model);

// Parses a container; sourceName is what errors name. Throws FormatError.
EspmModel parseEspm(const std::vector<uint8_t>& bytes, const std::string& sourceName);
// Reads a file (IoError when it cannot be read, FormatError when it is not a valid container).
EspmModel readEspm(const std::string& path);

// One line per section (tag, offset, size, CRC), for `espalier-run info`.
struct EspmSectionInfo {
    std::string tag;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint32_t crc = 0;
};
std::vector<EspmSectionInfo> espmSections(const std::vector<uint8_t>& bytes, const std::string& sourceName);

} // namespace espalier::runtime
