#pragma once
// Transcript normalisation as WeNet's tools/compute-cer.py: drop the punctuation
// !,?、。！，；？：「」︰『』《》 and all whitespace, upper-case ASCII letters, split into characters.
#include <string>
#include <vector>

namespace espalier::data {

// Splits UTF-8 text into code points (each returned as its UTF-8 string). Invalid bytes become U+FFFD.
std::vector<std::string> splitUtf8(const std::string& text);

// Normalised characters of a transcript.
std::vector<std::string> normalizeForCer(const std::string& text);

// The same, joined back into one string.
std::string normalizeText(const std::string& text);

} // namespace espalier::data
