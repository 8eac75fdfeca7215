#pragma once
// FNV-1a, 64 bits: a fingerprint of bytes for cache keys (model weights, utterance lists, grids), not
// a checksum against forgery.
#include <cstdint>
#include <cstdio>
#include <string>

namespace espalier::analysis {

class Fingerprint {
public:
    Fingerprint& add(const void* data, size_t size)
    {
        const auto* bytes = static_cast<const unsigned char*>(data);
        for (size_t i = 0; i < size; ++i) {
            hash_ ^= bytes[i];
            hash_ *= 0x100000001b3ULL;
        }
        return *this;
    }
    // The text and a separator, so ("ab", "c") and ("a", "bc") differ.
    Fingerprint& add(const std::string& text) { return add(text.data(), text.size()).add("\x1f", 1); }

    std::string hex() const
    {
        char buf[17];
        std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(hash_));
        return buf;
    }

private:
    uint64_t hash_ = 0xcbf29ce484222325ULL;
};

} // namespace espalier::analysis
