#include "core/io/png.h"

#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <zlib.h>

namespace espalier::io {

namespace {

void putU32(std::string& out, std::uint32_t v)
{
    out += char((v >> 24) & 0xff);
    out += char((v >> 16) & 0xff);
    out += char((v >> 8) & 0xff);
    out += char(v & 0xff);
}

// length, type, data, CRC-32 of type + data.
void putChunk(std::string& out, const char type[4], const std::string& data)
{
    putU32(out, std::uint32_t(data.size()));
    const size_t start = out.size();
    out.append(type, 4);
    out += data;
    const auto* bytes = reinterpret_cast<const Bytef*>(out.data() + start);
    putU32(out, std::uint32_t(crc32(crc32(0L, Z_NULL, 0), bytes, uInt(out.size() - start))));
}

} // namespace

std::string encodePng(int width, int height, const std::vector<std::uint8_t>& rgb)
{
    if (width <= 0 || height <= 0 || width > (1 << 20) || height > (1 << 20))
        throw InputError("PNG size must be positive (and at most 2^20), got " + std::to_string(width) + " x "
                         + std::to_string(height));
    const size_t rowBytes = size_t(width) * 3;
    if (rgb.size() != rowBytes * size_t(height))
        throw InputError("PNG pixel buffer holds " + std::to_string(rgb.size()) + " bytes, expected "
                         + std::to_string(rowBytes * size_t(height)) + " for " + std::to_string(width) + " x "
                         + std::to_string(height) + " RGB");

    // Each scanline is preceded by its filter type; 0 (none) keeps the encoder trivial.
    std::string raw;
    raw.reserve((rowBytes + 1) * size_t(height));
    for (int y = 0; y < height; ++y) {
        raw += '\0';
        raw.append(reinterpret_cast<const char*>(rgb.data()) + size_t(y) * rowBytes, rowBytes);
    }
    uLongf packedSize = compressBound(uLong(raw.size()));
    std::string packed(packedSize, '\0');
    if (compress2(reinterpret_cast<Bytef*>(packed.data()), &packedSize, reinterpret_cast<const Bytef*>(raw.data()),
                  uLong(raw.size()), 6)
        != Z_OK)
        throw IoError("PNG: zlib could not compress the image");
    packed.resize(packedSize);

    std::string png("\x89PNG\r\n\x1a\n", 8);
    std::string header;
    putU32(header, std::uint32_t(width));
    putU32(header, std::uint32_t(height));
    header += char(8);  // bit depth
    header += char(2);  // colour type: truecolour
    header += char(0);  // deflate
    header += char(0);  // adaptive filtering
    header += char(0);  // no interlace
    putChunk(png, "IHDR", header);
    putChunk(png, "IDAT", packed);
    putChunk(png, "IEND", {});
    return png;
}

void writePng(const std::string& path, int width, int height, const std::vector<std::uint8_t>& rgb)
{
    writeFileAtomic(path, encodePng(width, height, rgb));
}

} // namespace espalier::io
