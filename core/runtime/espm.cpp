#include "core/runtime/espm.h"

#include "core/runtime/crc32.h"
#include "core/runtime/error.h"

#include <cstdio>
#include <cstring>
#include <fstream>
#include <limits>
#include <sstream>

namespace espalier::runtime {

namespace {

constexpr char kMagic[8] = {'E', 'S', 'P', 'M', '\r', '\n', 0x1A, '\n'};  // PNG-style: text-mode damage shows
constexpr uint32_t kEndianCheck = 0x01020304u;
constexpr size_t kHeaderBytes = 32;
constexpr size_t kEntryBytes = 32;
constexpr uint32_t kMaxSections = 64;
constexpr size_t kAlign = 64;
constexpr int kMaxRank = 4;
constexpr int64_t kMaxElements = int64_t(1) << 31;  // per tensor
constexpr size_t kMaxName = 512;

enum Layout : uint8_t { Dense = 0, Csr16 = 1, Csr32 = 2 };

// Little-endian writer.
class Writer {
public:
    template <typename T>
    void put(T v)
    {
        unsigned char b[sizeof(T)];
        std::memcpy(b, &v, sizeof(T));
        bytes_.insert(bytes_.end(), b, b + sizeof(T));  // the container is little-endian; so are our targets
    }
    void raw(const void* p, size_t n) { bytes_.insert(bytes_.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n); }
    void align()
    {
        while (bytes_.size() % kAlign)
            bytes_.push_back(0);
    }
    size_t size() const { return bytes_.size(); }
    std::vector<uint8_t>& bytes() { return bytes_; }

private:
    std::vector<uint8_t> bytes_;
};

// Bounds-checked little-endian reader over [begin, end) of a buffer.
class Reader {
public:
    Reader(const uint8_t* data, size_t size, std::string where) : data_(data), size_(size), where_(std::move(where)) {}
    template <typename T>
    T get(const char* what)
    {
        need(sizeof(T), what);
        T v;
        std::memcpy(&v, data_ + pos_, sizeof(T));
        pos_ += sizeof(T);
        return v;
    }
    std::string bytes(size_t n, const char* what)
    {
        need(n, what);
        std::string s(reinterpret_cast<const char*>(data_ + pos_), n);
        pos_ += n;
        return s;
    }
    bool done() const { return pos_ == size_; }
    [[noreturn]] void fail(const std::string& message) const { throw FormatError(where_ + ": " + message); }

private:
    void need(size_t n, const char* what) const
    {
        if (n > size_ - pos_)
            fail(std::string("truncated ") + what);
    }
    const uint8_t* data_;
    size_t size_;
    size_t pos_ = 0;
    std::string where_;
};

struct Section {
    std::string tag;
    uint64_t offset = 0;
    uint64_t size = 0;
    uint32_t crc = 0;
};

std::string tagOf(const char raw[8])
{
    return std::string(raw, strnlen(raw, 8));
}

std::string metaText(const EspmModel& model)
{
    std::string out;
    for (const auto& [key, value] : model.meta) {
        if (key.empty() || key.find_first_of(" \n") != std::string::npos || value.find('\n') != std::string::npos)
            throw InputError("espm: META key '" + key + "' or its value has a space or newline where it must not");
        out += key + " " + value + "\n";
    }
    return out;
}

std::string vocabText(const EspmModel& model)
{
    std::string out;
    for (const std::string& unit : model.vocabulary) {
        if (unit.empty() || unit.find('\n') != std::string::npos)
            throw InputError("espm: vocabulary unit '" + unit + "' is empty or has a newline");
        out += unit + "\n";
    }
    return out;
}

template <typename T>
void putArray(Writer& data, const std::vector<T>& v, Writer& table)
{
    data.align();
    table.put<uint64_t>(data.size());
    data.raw(v.data(), v.size() * sizeof(T));
}

std::vector<Section> readTable(const std::vector<uint8_t>& bytes, const std::string& name)
{
    Reader header(bytes.data(), bytes.size(), name);
    if (bytes.size() < 8 || std::memcmp(bytes.data(), kMagic, 8) != 0)
        header.fail("not an Espalier model (.espm): the file does not start with ESPM");
    if (bytes.size() < kHeaderBytes)
        header.fail("truncated header");
    header.bytes(8, "magic");
    const uint32_t version = header.get<uint32_t>("version");
    const uint32_t endian = header.get<uint32_t>("endianness check");
    if (endian != kEndianCheck)
        header.fail("written with the other byte order (endianness check failed)");
    if (version != EspmModel::kVersion)
        header.fail("format version " + std::to_string(version) + " (this runtime reads version "
                    + std::to_string(EspmModel::kVersion) + (version > EspmModel::kVersion ? "; upgrade it)" : ")"));
    const uint32_t count = header.get<uint32_t>("section count");
    const uint32_t tableCrc = header.get<uint32_t>("table checksum");
    if (count == 0 || count > kMaxSections)
        header.fail("section count " + std::to_string(count) + " out of range (1 to " + std::to_string(kMaxSections) + ")");
    const size_t tableBytes = size_t(count) * kEntryBytes;
    if (bytes.size() < kHeaderBytes + tableBytes)
        header.fail("truncated section table");
    if (crc32(bytes.data() + kHeaderBytes, tableBytes) != tableCrc)
        header.fail("section table checksum mismatch (the file is damaged)");
    Reader table(bytes.data() + kHeaderBytes, tableBytes, name);
    std::vector<Section> sections;
    for (uint32_t i = 0; i < count; ++i) {
        char raw[8];
        std::memcpy(raw, table.bytes(8, "section tag").data(), 8);
        Section s;
        s.tag = tagOf(raw);
        s.offset = table.get<uint64_t>("section offset");
        s.size = table.get<uint64_t>("section size");
        s.crc = table.get<uint32_t>("section checksum");
        table.get<uint32_t>("reserved");
        if (s.offset < kHeaderBytes + tableBytes || s.offset > bytes.size() || s.size > bytes.size() - s.offset)
            header.fail("section " + s.tag + " lies outside the file (truncated?)");
        if (crc32(bytes.data() + s.offset, size_t(s.size)) != s.crc)
            header.fail("section " + s.tag + " checksum mismatch (the file is damaged)");
        sections.push_back(s);
    }
    return sections;
}

const Section& required(const std::vector<Section>& sections, const std::string& tag, const std::string& name)
{
    for (const Section& s : sections)
        if (s.tag == tag)
            return s;
    throw FormatError(name + ": no " + tag + " section");
}

std::vector<std::string> lines(const std::vector<uint8_t>& bytes, const Section& s)
{
    std::vector<std::string> out;
    std::string line;
    for (uint64_t i = 0; i < s.size; ++i) {
        const char c = char(bytes[size_t(s.offset + i)]);
        if (c == '\n') {
            out.push_back(line);
            line.clear();
        } else {
            line += c;
        }
    }
    if (!line.empty())
        out.push_back(line);
    return out;
}

template <typename T>
std::vector<T> readArray(const std::vector<uint8_t>& bytes, const Section& data, uint64_t offset, uint64_t count,
                         Reader& where, const std::string& what)
{
    if (offset > data.size || count > (data.size - offset) / sizeof(T))
        where.fail(what + " lies outside the DATA section");
    std::vector<T> out(static_cast<size_t>(count));
    if (count > 0)  // an empty vector's data() may be null: memcpy from or to it is undefined even for 0 bytes
        std::memcpy(out.data(), bytes.data() + data.offset + offset, size_t(count) * sizeof(T));
    return out;
}

} // namespace

int64_t EspmTensor::numel() const
{
    int64_t n = 1;
    for (int64_t d : shape)
        n *= d;
    return n;
}

std::string EspmModel::metaValue(const std::string& key, const std::string& fallback) const
{
    for (const auto& [k, v] : meta)
        if (k == key)
            return v;
    return fallback;
}

const EspmTensor* EspmModel::find(const std::string& name) const
{
    for (const EspmTensor& t : tensors)
        if (t.name == name)
            return &t;
    return nullptr;
}

std::vector<uint8_t> serializeEspm(const EspmModel& model)
{
    Writer table, data;
    table.put<uint32_t>(uint32_t(model.tensors.size()));
    for (const EspmTensor& t : model.tensors) {
        if (t.name.empty() || t.name.size() > kMaxName)
            throw InputError("espm: tensor name '" + t.name + "' is empty or too long");
        if (t.shape.size() > size_t(kMaxRank))
            throw InputError("espm: tensor " + t.name + " has more than 4 dimensions");
        table.put<uint16_t>(uint16_t(t.name.size()));
        table.raw(t.name.data(), t.name.size());
        const Layout layout = !t.sparse ? Dense : t.csr.narrowIndices() ? Csr16 : Csr32;
        table.put<uint8_t>(layout);
        table.put<uint8_t>(uint8_t(t.shape.size()));
        for (int64_t d : t.shape)
            table.put<uint32_t>(uint32_t(d));
        if (layout == Dense) {
            if (int64_t(t.dense.size()) != t.numel())
                throw InputError("espm: tensor " + t.name + " has " + std::to_string(t.dense.size()) + " values for its shape");
            putArray(data, t.dense, table);
        } else {
            if (t.shape.size() != 2 || t.shape[0] != t.csr.rows || t.shape[1] != t.csr.cols)
                throw InputError("espm: sparse tensor " + t.name + " must be 2-D and match its CSR shape");
            table.put<uint32_t>(uint32_t(t.csr.values.size()));
            putArray(data, t.csr.rowPtr, table);
            if (layout == Csr16)
                putArray(data, t.csr.colIdx16, table);
            else
                putArray(data, t.csr.colIdx32, table);
            putArray(data, t.csr.values, table);
        }
    }
    const std::string metaBytes = metaText(model), vocabBytes = vocabText(model);
    struct Part {
        const char* tag;
        const uint8_t* data;
        size_t size;
    };
    const Part parts[] = {{"META", reinterpret_cast<const uint8_t*>(metaBytes.data()), metaBytes.size()},
                          {"VOCAB", reinterpret_cast<const uint8_t*>(vocabBytes.data()), vocabBytes.size()},
                          {"TENSORS", table.bytes().data(), table.size()},
                          {"DATA", data.bytes().data(), data.size()}};
    const uint32_t count = uint32_t(std::size(parts));
    Writer file;
    file.raw(kMagic, 8);
    file.put<uint32_t>(EspmModel::kVersion);
    file.put<uint32_t>(kEndianCheck);
    file.put<uint32_t>(count);
    file.put<uint32_t>(0);  // table checksum, filled below
    file.put<uint64_t>(0);  // reserved
    Writer entries;
    uint64_t offset = kHeaderBytes + count * kEntryBytes;
    for (const Part& p : parts) {
        offset = (offset + kAlign - 1) / kAlign * kAlign;
        char tag[8] = {};
        std::memcpy(tag, p.tag, std::strlen(p.tag));
        entries.raw(tag, 8);
        entries.put<uint64_t>(offset);
        entries.put<uint64_t>(p.size);
        entries.put<uint32_t>(crc32(p.data, p.size));
        entries.put<uint32_t>(0);
        offset += p.size;
    }
    const uint32_t tableCrc = crc32(entries.bytes().data(), entries.size());
    std::memcpy(file.bytes().data() + 20, &tableCrc, 4);
    file.raw(entries.bytes().data(), entries.size());
    for (const Part& p : parts) {
        file.align();
        file.raw(p.data, p.size);
    }
    return std::move(file.bytes());
}

std::vector<EspmSectionInfo> espmSections(const std::vector<uint8_t>& bytes, const std::string& sourceName)
{
    std::vector<EspmSectionInfo> out;
    for (const Section& s : readTable(bytes, sourceName))
        out.push_back({s.tag, s.offset, s.size, s.crc});
    return out;
}

EspmModel parseEspm(const std::vector<uint8_t>& bytes, const std::string& name)
{
    const std::vector<Section> sections = readTable(bytes, name);
    EspmModel model;
    for (const std::string& line : lines(bytes, required(sections, "META", name))) {
        const size_t space = line.find(' ');
        if (space == 0 || line.empty())
            throw FormatError(name + ": META line '" + line + "' has no key");
        model.meta.emplace_back(line.substr(0, space), space == std::string::npos ? std::string() : line.substr(space + 1));
    }
    model.vocabulary = lines(bytes, required(sections, "VOCAB", name));
    const Section& tensors = required(sections, "TENSORS", name);
    const Section& data = required(sections, "DATA", name);
    Reader table(bytes.data() + tensors.offset, size_t(tensors.size), name + ": TENSORS");
    const uint32_t count = table.get<uint32_t>("tensor count");
    if (count > tensors.size / 8)
        table.fail("tensor count " + std::to_string(count) + " does not fit the table");
    for (uint32_t i = 0; i < count; ++i) {
        EspmTensor t;
        const uint16_t nameSize = table.get<uint16_t>("tensor name length");
        if (nameSize == 0 || nameSize > kMaxName)
            table.fail("tensor " + std::to_string(i) + ": bad name length");
        t.name = table.bytes(nameSize, "tensor name");
        const uint8_t layout = table.get<uint8_t>("tensor layout");
        const uint8_t rank = table.get<uint8_t>("tensor rank");
        if (layout > Csr32)
            table.fail(t.name + ": unknown layout " + std::to_string(layout));
        if (rank > kMaxRank)
            table.fail(t.name + ": rank " + std::to_string(rank) + " (at most 4)");
        int64_t n = 1;
        for (uint8_t d = 0; d < rank; ++d) {
            const uint32_t dim = table.get<uint32_t>("tensor dimension");
            t.shape.push_back(dim);
            n *= int64_t(dim);
            if (n > kMaxElements)
                table.fail(t.name + ": too many elements");
        }
        const std::string what = t.name + "'s data";
        if (layout == Dense) {
            const uint64_t offset = table.get<uint64_t>("data offset");
            t.dense = readArray<float>(bytes, data, offset, uint64_t(n), table, what);
        } else {
            if (rank != 2)
                table.fail(t.name + ": a CSR tensor must be 2-D");
            t.sparse = true;
            CsrMatrix& m = t.csr;
            m.rows = int(t.shape[0]);
            m.cols = int(t.shape[1]);
            const uint32_t nnz = table.get<uint32_t>("nonzero count");
            if (int64_t(nnz) > n)
                table.fail(t.name + ": more nonzeros than elements");
            if (layout == Csr16 && m.cols > 65536)
                table.fail(t.name + ": 16-bit column indices for " + std::to_string(m.cols) + " columns");
            m.rowPtr = readArray<uint32_t>(bytes, data, table.get<uint64_t>("row pointer offset"), uint64_t(m.rows) + 1, table, what);
            const uint64_t indexOffset = table.get<uint64_t>("column index offset");
            if (layout == Csr16)
                m.colIdx16 = readArray<uint16_t>(bytes, data, indexOffset, nnz, table, what);
            else
                m.colIdx32 = readArray<uint32_t>(bytes, data, indexOffset, nnz, table, what);
            m.values = readArray<float>(bytes, data, table.get<uint64_t>("values offset"), nnz, table, what);
            // Row pointers rise from 0 to nnz; indices stay inside the row and ascend within it.
            if (m.rowPtr.front() != 0 || m.rowPtr.back() != nnz)
                table.fail(t.name + ": row pointers do not span the nonzeros");
            for (int r = 0; r < m.rows; ++r) {
                if (m.rowPtr[size_t(r)] > m.rowPtr[size_t(r) + 1] || m.rowPtr[size_t(r) + 1] > nnz)
                    table.fail(t.name + ": row pointers decrease or pass the nonzeros at row " + std::to_string(r));
                int64_t previous = -1;
                for (uint32_t p = m.rowPtr[size_t(r)]; p < m.rowPtr[size_t(r) + 1]; ++p) {
                    const int64_t c = layout == Csr16 ? int64_t(m.colIdx16[p]) : int64_t(m.colIdx32[p]);
                    if (c >= m.cols || c <= previous)
                        table.fail(t.name + ": column index out of range or out of order in row " + std::to_string(r));
                    previous = c;
                }
            }
            m.buildPanels();
        }
        model.tensors.push_back(std::move(t));
    }
    if (!table.done())
        table.fail("bytes left after the last tensor");
    return model;
}

EspmModel readEspm(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot read " + path);
    in.seekg(0, std::ios::end);
    const std::streamoff size = in.tellg();
    if (size < 0 || uint64_t(size) > (uint64_t(1) << 34))
        throw FormatError(path + ": not a model file (size " + std::to_string(size) + " bytes)");
    in.seekg(0);
    std::vector<uint8_t> bytes(static_cast<size_t>(size));
    in.read(reinterpret_cast<char*>(bytes.data()), size);
    if (!in)
        throw IoError("cannot read " + path);
    return parseEspm(bytes, path);
}

} // namespace espalier::runtime
