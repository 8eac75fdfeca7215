#pragma once
// Terminal column width of text as compute-cer.py measures it to line up aligned characters: two
// columns for East Asian Wide, Fullwidth and Ambiguous code points, one for the rest.
#include <cstdint>
#include <string>

namespace espalier::eval {

// Columns of one code point: 2 for East Asian width W, F or A, else 1.
int codePointWidth(uint32_t codePoint);

// Columns of UTF-8 text (invalid bytes count as one column each).
int displayWidth(const std::string& utf8);

} // namespace espalier::eval
