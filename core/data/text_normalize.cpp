#include "data/text_normalize.h"

#include <algorithm>
#include <cstdint>

namespace espalier::data {
namespace {

const char* const kReplacement = "\xEF\xBF\xBD";  // U+FFFD

// Length of the well-formed UTF-8 sequence at text[i], or the length of its maximal invalid
// prefix as a negative number (Unicode's "maximal subpart" rule: one U+FFFD per such prefix).
int sequenceLength(const std::string& text, size_t i, uint32_t& codePoint)
{
    const auto byte = [&](size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    if (lead < 0x80) {
        codePoint = lead;
        return 1;
    }
    int length = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // allowed range of the second byte
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
        codePoint = lead & 0x1F;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        codePoint = lead & 0x0F;
        if (lead == 0xE0) lo = 0xA0;       // no overlongs
        if (lead == 0xED) hi = 0x9F;       // no surrogates
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        codePoint = lead & 0x07;
        if (lead == 0xF0) lo = 0x90;       // no overlongs
        if (lead == 0xF4) hi = 0x8F;       // nothing above U+10FFFF
    } else {
        return -1;
    }
    for (int k = 1; k < length; ++k) {
        if (i + k >= text.size()) return -k;
        const unsigned char c = byte(i + k);
        const unsigned char min = k == 1 ? lo : 0x80, max = k == 1 ? hi : 0xBF;
        if (c < min || c > max) return -k;
        codePoint = (codePoint << 6) | (c & 0x3F);
    }
    return length;
}

bool isDropped(uint32_t c)
{
    // WeNet compute-cer.py's punctuation list: !,?、。！，；？：「」︰『』《》
    static const uint32_t kPunctuation[] = {'!',    ',',    '?',    0x3001, 0x3002, 0xFF01,
                                            0xFF0C, 0xFF1B, 0xFF1F, 0xFF1A, 0x300C, 0x300D,
                                            0xFE30, 0x300E, 0x300F, 0x300A, 0x300B};
    if (std::find(std::begin(kPunctuation), std::end(kPunctuation), c) != std::end(kPunctuation))
        return true;
    // Whitespace: ASCII whitespace and Unicode space separators (category Zs).
    if (c == ' ' || (c >= '\t' && c <= '\r')) return true;
    return c == 0x00A0 || c == 0x1680 || (c >= 0x2000 && c <= 0x200A) || c == 0x202F || c == 0x205F ||
           c == 0x3000;
}

} // namespace

std::vector<std::string> splitUtf8(const std::string& text)
{
    std::vector<std::string> out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        uint32_t codePoint = 0;
        const int n = sequenceLength(text, i, codePoint);
        if (n > 0) {
            out.emplace_back(text, i, static_cast<size_t>(n));
            i += static_cast<size_t>(n);
        } else {
            out.emplace_back(kReplacement);
            i += static_cast<size_t>(-n);
        }
    }
    return out;
}

std::vector<std::string> normalizeForCer(const std::string& text)
{
    std::vector<std::string> out;
    out.reserve(text.size());
    size_t i = 0;
    while (i < text.size()) {
        uint32_t codePoint = 0;
        const int n = sequenceLength(text, i, codePoint);
        if (n <= 0) {
            out.emplace_back(kReplacement);
            i += static_cast<size_t>(-n);
            continue;
        }
        if (!isDropped(codePoint)) {
            if (codePoint >= 'a' && codePoint <= 'z')
                out.emplace_back(1, static_cast<char>(codePoint - 'a' + 'A'));
            else
                out.emplace_back(text, i, static_cast<size_t>(n));
        }
        i += static_cast<size_t>(n);
    }
    return out;
}

std::string normalizeText(const std::string& text)
{
    std::string out;
    out.reserve(text.size());
    for (const auto& c : normalizeForCer(text)) out += c;
    return out;
}

} // namespace espalier::data
