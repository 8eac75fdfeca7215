#include "core/runtime/wav_reader.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace espalier::runtime {

namespace {

constexpr std::uint16_t kFormatPcm = 1;
constexpr std::uint16_t kFormatFloat = 3;
constexpr std::uint16_t kFormatExtensible = 0xFFFE;
constexpr int kMaxChannels = 1024;

std::uint16_t le16(const unsigned char* p) { return static_cast<std::uint16_t>(p[0] | (p[1] << 8)); }

std::uint32_t le32(const unsigned char* p)
{
    return static_cast<std::uint32_t>(p[0]) | (static_cast<std::uint32_t>(p[1]) << 8)
           | (static_cast<std::uint32_t>(p[2]) << 16) | (static_cast<std::uint32_t>(p[3]) << 24);
}

std::uint64_t le64(const unsigned char* p)
{
    return static_cast<std::uint64_t>(le32(p)) | (static_cast<std::uint64_t>(le32(p + 4)) << 32);
}

// Decodes one little-endian sample to [-1, 1].
float decodeSample(const unsigned char* p, std::uint16_t format, int bits)
{
    if (format == kFormatFloat) {
        if (bits == 32) {
            const std::uint32_t u = le32(p);
            float v;
            std::memcpy(&v, &u, sizeof v);
            return v;
        }
        const std::uint64_t u = le64(p);
        double v;
        std::memcpy(&v, &u, sizeof v);
        return static_cast<float>(v);
    }
    switch (bits) {
    case 8:
        return (static_cast<int>(p[0]) - 128) * (1.0f / 128.0f);
    case 16:
        return static_cast<std::int16_t>(le16(p)) * (1.0f / 32768.0f);
    case 24: {
        std::int32_t v = static_cast<std::int32_t>(le32(p) << 8) >> 8;  // sign-extend via the top byte
        return static_cast<float>(v) * (1.0f / 8388608.0f);
    }
    default:
        return static_cast<float>(static_cast<double>(static_cast<std::int32_t>(le32(p))) * (1.0 / 2147483648.0));
    }
}

// The bytes of a WAV file, read where asked: from a file, or from memory (a fuzzer's input).
class WavFile {
public:
    WavFile(std::istream& in, std::string path) : path_(std::move(path)), in_(in)
    {
        in_.seekg(0, std::ios::end);
        const std::streamoff end = in_.tellg();
        if (end < 0)
            throw IoError("cannot determine the size of '" + path_ + "'");
        size_ = static_cast<std::uint64_t>(end);
        in_.seekg(0, std::ios::beg);
    }

    std::uint64_t size() const { return size_; }

    [[noreturn]] void fail(const std::string& what) const
    {
        throw FormatError("'" + path_ + "' is not a supported WAV file: " + what);
    }

    // Reads exactly count bytes at offset; the caller has checked offset + count <= size().
    void read(std::uint64_t offset, unsigned char* dst, std::uint64_t count)
    {
        in_.seekg(static_cast<std::streamoff>(offset), std::ios::beg);
        in_.read(reinterpret_cast<char*>(dst), static_cast<std::streamsize>(count));
        if (static_cast<std::uint64_t>(in_.gcount()) != count)
            throw IoError("read error in '" + path_ + "' at byte " + std::to_string(offset));
    }

private:
    std::string path_;
    std::istream& in_;
    std::uint64_t size_ = 0;
};

struct Format {
    std::uint16_t code = 0;  // PCM or float, after resolving WAVE_FORMAT_EXTENSIBLE
    int channels = 0;
    std::uint32_t sampleRate = 0;
    int bits = 0;
    int blockAlign = 0;
};

Format parseFormat(WavFile& file, std::uint64_t offset, std::uint32_t size)
{
    if (size < 16)
        file.fail("fmt chunk is " + std::to_string(size) + " bytes, expected at least 16");
    unsigned char buf[40] = {};
    const std::uint32_t n = std::min<std::uint32_t>(size, sizeof buf);
    file.read(offset, buf, n);

    Format f;
    f.code = le16(buf);
    f.channels = le16(buf + 2);
    f.sampleRate = le32(buf + 4);
    f.blockAlign = le16(buf + 12);
    f.bits = le16(buf + 14);
    if (f.code == kFormatExtensible) {
        if (n < 40 || le16(buf + 16) < 22)
            file.fail("WAVE_FORMAT_EXTENSIBLE fmt chunk is too short (" + std::to_string(size)
                      + " bytes, expected 40)");
        f.code = le16(buf + 24);  // first two bytes of the sub-format GUID
    }
    if (f.code != kFormatPcm && f.code != kFormatFloat)
        file.fail("unsupported codec (format tag " + std::to_string(f.code)
                  + "); expected PCM (1) or IEEE float (3)");
    if (f.channels < 1 || f.channels > kMaxChannels)
        file.fail("channel count " + std::to_string(f.channels) + " is out of range 1.."
                  + std::to_string(kMaxChannels));
    if (f.sampleRate == 0 || f.sampleRate > static_cast<std::uint32_t>(std::numeric_limits<int>::max()))
        file.fail("sample rate " + std::to_string(f.sampleRate) + " Hz is invalid");
    const bool pcmOk = f.code == kFormatPcm && (f.bits == 8 || f.bits == 16 || f.bits == 24 || f.bits == 32);
    const bool floatOk = f.code == kFormatFloat && (f.bits == 32 || f.bits == 64);
    if (!pcmOk && !floatOk)
        file.fail(std::to_string(f.bits) + "-bit " + (f.code == kFormatPcm ? "PCM" : "float")
                  + " samples are not supported; expected PCM 8/16/24/32 or float 32/64");
    const int expectedAlign = f.channels * (f.bits / 8);
    if (f.blockAlign != expectedAlign)
        file.fail("block align " + std::to_string(f.blockAlign) + " does not match " + std::to_string(f.channels)
                  + " channels of " + std::to_string(f.bits) + " bits (" + std::to_string(expectedAlign) + ")");
    return f;
}

WavData decodeWav(WavFile& file);

} // namespace

WavData readWav(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot open WAV file '" + path + "'");
    WavFile file(in, path);
    return decodeWav(file);
}

WavData parseWav(const std::string& bytes, const std::string& sourceName)
{
    std::istringstream in(bytes);
    WavFile file(in, sourceName);
    return decodeWav(file);
}

namespace {

WavData decodeWav(WavFile& file)
{
    if (file.size() < 12)
        file.fail("file is " + std::to_string(file.size()) + " bytes, too short for a RIFF header");
    unsigned char header[12];
    file.read(0, header, sizeof header);
    if (std::memcmp(header, "RIFF", 4) != 0 || std::memcmp(header + 8, "WAVE", 4) != 0)
        file.fail("no RIFF/WAVE header");

    // Walk the chunks; the RIFF size field is often wrong, so bounds come from the file size.
    bool haveFormat = false;
    Format format;
    bool haveData = false;
    std::uint64_t dataOffset = 0;
    std::uint64_t dataSize = 0;
    std::uint64_t pos = 12;
    while (pos + 8 <= file.size() && !(haveFormat && haveData)) {
        unsigned char chunk[8];
        file.read(pos, chunk, sizeof chunk);
        const std::uint32_t size = le32(chunk + 4);
        const std::uint64_t body = pos + 8;
        const std::uint64_t remaining = file.size() - body;
        const std::string id(reinterpret_cast<const char*>(chunk), 4);
        if (id == "fmt ") {
            if (size > remaining)
                file.fail("fmt chunk declares " + std::to_string(size) + " bytes but only "
                          + std::to_string(remaining) + " remain (truncated file?)");
            format = parseFormat(file, body, size);
            haveFormat = true;
        } else if (id == "data") {
            if (size > remaining)
                file.fail("data chunk declares " + std::to_string(size) + " bytes but only "
                          + std::to_string(remaining) + " remain (truncated file?)");
            dataOffset = body;
            dataSize = size;
            haveData = true;
        }
        pos = body + size + (size & 1u);
    }
    if (!haveFormat)
        file.fail("no fmt chunk");
    if (!haveData)
        file.fail("no data chunk");

    WavData wav;
    wav.sampleRate = static_cast<int>(format.sampleRate);
    wav.channels = format.channels;
    const std::uint64_t frames = dataSize / static_cast<std::uint64_t>(format.blockAlign);  // a partial last frame is dropped
    wav.samples.resize(static_cast<size_t>(frames));

    const int bytesPerSample = format.bits / 8;
    const float mixScale = 1.0f / static_cast<float>(format.channels);
    const std::uint64_t framesPerBlock = std::max<std::uint64_t>(1, (1u << 16) / format.blockAlign);
    std::vector<unsigned char> block(static_cast<size_t>(framesPerBlock * format.blockAlign));
    for (std::uint64_t done = 0; done < frames;) {
        const std::uint64_t count = std::min(framesPerBlock, frames - done);
        file.read(dataOffset + done * format.blockAlign, block.data(), count * format.blockAlign);
        const unsigned char* p = block.data();
        for (std::uint64_t i = 0; i < count; ++i) {
            float sum = 0.0f;
            for (int c = 0; c < format.channels; ++c, p += bytesPerSample)
                sum += decodeSample(p, format.code, format.bits);
            wav.samples[static_cast<size_t>(done + i)] = format.channels == 1 ? sum : sum * mixScale;
        }
        done += count;
    }
    return wav;
}

} // namespace

} // namespace espalier::runtime
