#include "core/data/utf8.h"

namespace espalier::data {

Utf8Char decodeUtf8At(const std::string& text, size_t offset)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(offset);
    if (lead < 0x80)
        return {lead, 1, true};
    const Utf8Char invalid{0xFFFD, 1, false};
    size_t length = 0;
    uint32_t codePoint = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
        if (lead == 0xE0) lo = 0xA0;  // no overlongs
        if (lead == 0xED) hi = 0x9F;  // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
        if (lead == 0xF0) lo = 0x90;  // no overlongs
        if (lead == 0xF4) hi = 0x8F;  // nothing above U+10FFFF
    } else {
        return invalid;
    }
    for (size_t k = 1; k < length; ++k) {
        if (offset + k >= text.size())
            return {invalid.codePoint, k, false};
        const unsigned char c = byte(offset + k);
        const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (c < min || c > max)
            return {invalid.codePoint, k, false};
        codePoint = (codePoint << 6) | (c & 0x3F);
    }
    return {codePoint, length, true};
}

size_t utf8Length(const std::string& text)
{
    size_t count = 0;
    forEachUtf8(text, [&count](const Utf8Char&, size_t) { ++count; });
    return count;
}

} // namespace espalier::data
