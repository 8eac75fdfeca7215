#pragma once
// The built-in pool of Mandarin sentences the demo corpus reads: voice-assistant commands, numbers,
// dates and times and everyday phrases, generated from templates with slot fillers.
#include "core/runtime/enum_names.h"
#include "core/runtime/random.h"

#include <cstdint>
#include <string>
#include <vector>

namespace espalier::data {

using runtime::SeededRandom;
using runtime::deriveSeed;

enum class SentenceKind { Command, Number, DateTime, Everyday };
const EnumNames<SentenceKind>& sentenceKindNames();

struct Sentence {
    std::string text;  // UTF-8, Chinese characters only (no digits, Latin letters or punctuation)
    SentenceKind kind = SentenceKind::Everyday;
};

// Draws sentences of kMinChars..kMaxChars characters; a few thousand distinct ones are possible.
// Stateless apart from its templates: the same random state gives the same sentence.
class SentencePool {
public:
    static constexpr int kMinChars = 4;
    static constexpr int kMaxChars = 20;

    SentencePool();
    Sentence draw(SeededRandom& random) const;
    size_t templateCount() const { return templates_.size(); }

    // A pattern such as "把{room}的{light}关了"; each {slot} is filled by a named filler.
    struct Template {
        SentenceKind kind;
        int weight;
        std::string pattern;
    };

private:
    std::vector<Template> templates_;
    std::uint64_t totalWeight_ = 0;
};

// Reads a non-negative integer in Chinese characters: 26 → 二十六, 105 → 一百零五, 10 → 十,
// 2000 → 两千 (两 for a leading 2 before 千/万/亿). Throws InputError for n < 0 or n >= 10^12.
std::string hanziNumber(long long n);

// Reads a digit string digit by digit: "2026" → 二零二六; with yaoForOne 1 is 幺 (phone numbers).
std::string hanziDigits(const std::string& digits, bool yaoForOne = false);

} // namespace espalier::data
