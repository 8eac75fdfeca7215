#include "core/data/text_normalize.h"

#include "core/data/utf8.h"

#include <algorithm>
#include <cstdint>

namespace espalier::data {
namespace {

const char* const kReplacement = "\xEF\xBF\xBD";  // U+FFFD

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
    forEachUtf8(text, [&](const Utf8Char& c, size_t offset) {
        out.push_back(c.valid ? text.substr(offset, c.length) : std::string(kReplacement));
    });
    return out;
}

std::vector<std::string> normalizeForCer(const std::string& text)
{
    std::vector<std::string> out;
    out.reserve(text.size());
    forEachUtf8(text, [&](const Utf8Char& c, size_t offset) {
        if (!c.valid)
            out.emplace_back(kReplacement);
        else if (isDropped(c.codePoint))
            return;
        else if (c.codePoint >= 'a' && c.codePoint <= 'z')
            out.emplace_back(1, static_cast<char>(c.codePoint - 'a' + 'A'));
        else
            out.push_back(text.substr(offset, c.length));
    });
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
