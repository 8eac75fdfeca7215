#include "core/io/npy.h"

#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdint>
#include <cstring>
#include <fcntl.h>
#include <limits>
#include <sys/stat.h>
#include <unistd.h>

namespace espalier::io {

namespace {

constexpr char kMagic[] = "\x93NUMPY";
constexpr size_t kMagicSize = 6;
constexpr size_t kAlign = 64;                 // numpy pads the header to this
constexpr size_t kGrowthDigits = 21;         // numpy's GROWTH_AXIS_MAX_DIGITS
constexpr size_t kMaxHeader = 1 << 20;        // anything longer is not a header numpy would write

bool hostIsLittleEndian()
{
    const std::uint16_t one = 1;
    unsigned char first;
    std::memcpy(&first, &one, 1);
    return first == 1;
}

void swapFloats(float* data, size_t n)
{
    for (size_t i = 0; i < n; ++i) {
        unsigned char b[4];
        std::memcpy(b, data + i, 4);
        std::swap(b[0], b[3]);
        std::swap(b[1], b[2]);
        std::memcpy(data + i, b, 4);
    }
}

std::string shapeText(const std::vector<size_t>& shape)
{
    std::string s = "(";
    for (size_t i = 0; i < shape.size(); ++i) {
        if (i > 0) s += ", ";
        s += std::to_string(shape[i]);
    }
    if (shape.size() == 1) s += ",";
    return s + ")";
}

// Total element count, or false on overflow.
bool elementCount(const std::vector<size_t>& shape, size_t& count)
{
    count = 1;
    for (size_t d : shape) {
        if (d != 0 && count > std::numeric_limits<size_t>::max() / d) return false;
        count *= d;
    }
    return true;
}

// Reads the Python dict literal numpy writes, e.g. {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }.
class HeaderParser {
public:
    HeaderParser(const std::string& text, const std::string& path) : s_(text), path_(path) {}

    void parse(std::string& descr, bool& fortran, std::vector<size_t>& shape)
    {
        bool haveDescr = false, haveFortran = false, haveShape = false;
        expect('{');
        for (;;) {
            skipSpace();
            if (peek() == '}') { ++i_; break; }
            const std::string key = parseString();
            expect(':');
            if (key == "descr") {
                descr = parseString();
                haveDescr = true;
            } else if (key == "fortran_order") {
                fortran = parseBool();
                haveFortran = true;
            } else if (key == "shape") {
                shape = parseShape();
                haveShape = true;
            } else {
                fail("unexpected key '" + key + "'");
            }
            skipSpace();
            if (peek() == ',') { ++i_; continue; }
            expect('}');
            break;
        }
        skipSpace();
        if (i_ != s_.size()) fail("unexpected text after the header dictionary");
        if (!haveDescr) fail("the header has no 'descr'");
        if (!haveFortran) fail("the header has no 'fortran_order'");
        if (!haveShape) fail("the header has no 'shape'");
    }

private:
    [[noreturn]] void fail(const std::string& why) const
    {
        throw FormatError("'" + path_ + "' is not a valid .npy file: " + why);
    }
    char peek() const { return i_ < s_.size() ? s_[i_] : '\0'; }
    void skipSpace()
    {
        while (i_ < s_.size() && std::isspace(static_cast<unsigned char>(s_[i_]))) ++i_;
    }
    void expect(char c)
    {
        skipSpace();
        if (peek() != c)
            fail(std::string("malformed header (expected '") + c + "' at offset " + std::to_string(i_) + ")");
        ++i_;
    }
    std::string parseString()
    {
        skipSpace();
        const char q = peek();
        if (q != '\'' && q != '"')
            fail("malformed header (expected a quoted string at offset " + std::to_string(i_) + ")");
        const size_t end = s_.find(q, i_ + 1);
        if (end == std::string::npos) fail("malformed header (unterminated string)");
        std::string out = s_.substr(i_ + 1, end - i_ - 1);
        i_ = end + 1;
        return out;
    }
    bool parseBool()
    {
        skipSpace();
        if (s_.compare(i_, 4, "True") == 0) { i_ += 4; return true; }
        if (s_.compare(i_, 5, "False") == 0) { i_ += 5; return false; }
        fail("malformed header ('fortran_order' must be True or False)");
    }
    std::vector<size_t> parseShape()
    {
        std::vector<size_t> shape;
        expect('(');
        for (;;) {
            skipSpace();
            if (peek() == ')') { ++i_; break; }
            if (!std::isdigit(static_cast<unsigned char>(peek())))
                fail("malformed header ('shape' must be a tuple of non-negative integers)");
            size_t v = 0;
            while (std::isdigit(static_cast<unsigned char>(peek()))) {
                const size_t digit = size_t(peek() - '0');
                if (v > (std::numeric_limits<size_t>::max() - digit) / 10) fail("'shape' has a dimension too large");
                v = v * 10 + digit;
                ++i_;
            }
            if (peek() == 'L') ++i_;  // Python 2 long suffix
            shape.push_back(v);
            if (shape.size() > 64) fail("'shape' has more than 64 dimensions");
            skipSpace();
            if (peek() == ',') { ++i_; continue; }
            expect(')');
            break;
        }
        return shape;
    }

    const std::string& s_;
    const std::string& path_;
    size_t i_ = 0;
};

// A regular file opened for sequential reading; throws IoError naming the path.
class FileReader {
public:
    explicit FileReader(const std::string& path) : path_(path)
    {
        fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
        if (fd_ < 0) throw IoError("cannot read '" + path + "': " + std::strerror(errno));
        struct stat st;
        int err = 0;
        if (::fstat(fd_, &st) != 0) err = errno;
        else if (!S_ISREG(st.st_mode)) err = S_ISDIR(st.st_mode) ? EISDIR : EINVAL;
        if (err != 0) {
            ::close(fd_);
            fail(err);
        }
        size_ = size_t(st.st_size);
    }
    ~FileReader() { ::close(fd_); }
    FileReader(const FileReader&) = delete;
    FileReader& operator=(const FileReader&) = delete;

    size_t size() const { return size_; }
    void read(void* dst, size_t n)
    {
        auto* p = static_cast<char*>(dst);
        while (n > 0) {
            const ssize_t got = ::read(fd_, p, n);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) fail(errno);
            if (got == 0) throw IoError("cannot read '" + path_ + "': the file shrank while being read");
            p += got;
            n -= size_t(got);
        }
    }

private:
    [[noreturn]] void fail(int err) const { throw IoError("cannot read '" + path_ + "': " + std::strerror(err)); }

    std::string path_;
    int fd_ = -1;
    size_t size_ = 0;
};

} // namespace

void writeNpy(const std::string& path, const float* data, const std::vector<size_t>& shape)
{
    size_t count = 0;
    if (!elementCount(shape, count)) throw InputError("cannot write '" + path + "': the array shape overflows");
    if (count > 0 && data == nullptr) throw InputError("cannot write '" + path + "': no data for a non-empty array");

    std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': " + shapeText(shape) + ", }";
    // Byte for byte what numpy.save writes: room for the first dimension to grow to 21 digits, then
    // magic(6) + version(2) + length(2) + header + padding + '\n' padded to a multiple of 64.
    if (!shape.empty()) header.append(kGrowthDigits - std::min(kGrowthDigits, std::to_string(shape[0]).size()), ' ');
    const size_t unpadded = kMagicSize + 2 + 2 + header.size() + 1;
    header.append((kAlign - unpadded % kAlign) % kAlign, ' ');
    header += '\n';
    if (header.size() > 0xFFFF) throw InputError("cannot write '" + path + "': too many dimensions for an .npy header");

    std::string out(kMagic, kMagicSize);
    out += char(1);
    out += char(0);
    out += char(header.size() & 0xFF);
    out += char((header.size() >> 8) & 0xFF);
    out += header;
    const size_t offset = out.size();
    out.resize(offset + count * sizeof(float));
    if (count > 0) {
        std::memcpy(&out[offset], data, count * sizeof(float));
        if (!hostIsLittleEndian()) swapFloats(reinterpret_cast<float*>(&out[offset]), count);
    }
    writeFileAtomic(path, out);
}

NpyArray readNpy(const std::string& path)
{
    FileReader in(path);
    const size_t fileSize = in.size();
    const auto bad = [&](const std::string& why) {
        return FormatError("'" + path + "' is not a valid .npy file: " + why);
    };

    unsigned char pre[12];
    if (fileSize < 10) throw bad("the file is too short for an .npy header");
    in.read(pre, 10);
    if (std::memcmp(pre, kMagic, kMagicSize) != 0) throw bad("bad magic (expected \\x93NUMPY)");
    const int major = pre[6];
    size_t headerLen = 0;
    size_t prefix = 10;
    if (major == 1) {
        headerLen = size_t(pre[8]) | (size_t(pre[9]) << 8);
    } else if (major == 2 || major == 3) {
        if (fileSize < 12) throw bad("the file is too short for an .npy header");
        in.read(pre + 10, 2);
        headerLen = size_t(pre[8]) | (size_t(pre[9]) << 8) | (size_t(pre[10]) << 16) | (size_t(pre[11]) << 24);
        prefix = 12;
    } else {
        throw bad("unsupported format version " + std::to_string(major) + "." + std::to_string(int(pre[7])));
    }
    if (headerLen > kMaxHeader) throw bad("header too long (" + std::to_string(headerLen) + " bytes)");
    if (prefix + headerLen > fileSize)
        throw bad("truncated header (" + std::to_string(headerLen) + " bytes promised, " +
                  std::to_string(fileSize - prefix) + " present)");
    std::string header(headerLen, '\0');
    if (headerLen > 0) in.read(&header[0], headerLen);

    std::string descr;
    bool fortran = false;
    NpyArray array;
    HeaderParser(header, path).parse(descr, fortran, array.shape);
    if (descr != "<f4")
        throw bad("unsupported dtype '" + descr + "' (only little-endian float32, '<f4', is read)");
    if (fortran) throw bad("Fortran-ordered arrays are not supported (save with C order)");

    size_t count = 0;
    if (!elementCount(array.shape, count) || count > std::numeric_limits<size_t>::max() / sizeof(float))
        throw bad("the shape " + shapeText(array.shape) + " is too large");
    const size_t present = fileSize - prefix - headerLen;
    const size_t expected = count * sizeof(float);
    if (present < expected)
        throw bad("truncated data (shape " + shapeText(array.shape) + " needs " + std::to_string(expected) +
                  " bytes, " + std::to_string(present) + " present)");
    if (present > expected)
        throw bad(std::to_string(present - expected) + " unexpected bytes after the data of shape " +
                  shapeText(array.shape));

    array.data.resize(count);
    if (count > 0) in.read(array.data.data(), expected);
    if (!hostIsLittleEndian()) swapFloats(array.data.data(), count);
    return array;
}

} // namespace espalier::io
