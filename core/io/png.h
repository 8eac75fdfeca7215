#pragma once
// Minimal PNG writer (8-bit RGB, no interlace) for images the headless engine produces, such as the
// augmentation preview's spectrograms. Uses zlib: design.md does not list zlib among core's
// dependencies, but writing PNGs from espalier-cli without Qt needs a deflate implementation, and
// zlib is on every platform (libpng would add nothing we use).
#include <cstdint>
#include <string>
#include <vector>

namespace espalier::io {

// Encodes rgb (width * height * 3 bytes, rows top to bottom) as a PNG file's bytes. Throws
// InputError for a non-positive size or a buffer of the wrong length.
std::string encodePng(int width, int height, const std::vector<std::uint8_t>& rgb);

// Writes encodePng(...) to path atomically. Throws InputError as encodePng, IoError on write.
void writePng(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb);

} // namespace espalier::io
