#pragma once
// The engine's one UTF-8 decoder: Unicode's well-formedness rules (no overlongs, surrogates or code
// points above U+10FFFF), and an ill-formed sequence read as its maximal invalid subpart, so each
// becomes one U+FFFD as Unicode recommends.
#include <cstddef>
#include <cstdint>
#include <string>

namespace espalier::data {

struct Utf8Char {
    uint32_t codePoint = 0;  // U+FFFD when invalid
    size_t length = 1;       // bytes: the sequence's, or its maximal invalid subpart's (at least 1)
    bool valid = true;
};

// The character starting at text[offset] (offset < text.size()).
Utf8Char decodeUtf8At(const std::string& text, size_t offset);

// Calls visit(character, offset) for each character of text, in order.
template <typename Visit>
void forEachUtf8(const std::string& text, Visit visit)
{
    for (size_t i = 0; i < text.size();) {
        const Utf8Char c = decodeUtf8At(text, i);
        visit(c, i);
        i += c.length;
    }
}

// Characters in text (an invalid subpart counts as one).
size_t utf8Length(const std::string& text);

} // namespace espalier::data
