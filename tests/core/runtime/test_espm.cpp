// The .espm container: dense and CSR tensors, META and VOCAB round-trip through bytes and files; a
// damaged file (wrong magic, other version or byte order, any truncation, random byte flips) is a
// FormatError naming the file, and so is a well-checksummed file whose tensor table lies (sizes,
// offsets, nonzero counts, column order) — checked before anything is allocated.
#include "core/runtime/crc32.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"
#include "tests/core/runtime/espm_reseal.h"

#include <QTemporaryDir>
#include <QTest>

#include <cstring>
#include <fstream>
#include <random>

using namespace espalier;
using namespace espalier::runtime;

namespace {

EspmModel sampleModel()
{
    EspmModel m;
    m.meta = {{"format", "espalier-conformer-ctc"}, {"input_dim", "40"}, {"note", "two words"}};
    m.vocabulary = {"<blank>", "<unk>", "你", "好"};
    EspmTensor dense;
    dense.name = "encoder.after_norm.weight";
    dense.shape = {5};
    dense.dense = {1.0f, 2.0f, 3.0f, 4.0f, 5.0f};
    m.tensors.push_back(dense);
    std::vector<float> w(6 * 7, 0.0f);
    for (size_t i = 0; i < w.size(); i += 3)
        w[i] = float(i) * 0.5f;
    EspmTensor narrow;
    narrow.name = "encoder.blocks.0.feed_forward.w_1.weight";
    narrow.shape = {6, 7};
    narrow.sparse = true;
    narrow.csr = CsrMatrix::fromDense(w.data(), 6, 7);
    m.tensors.push_back(narrow);
    EspmTensor wide = narrow;
    wide.name = "ctc.ctc_lo.weight";
    wide.csr = CsrMatrix::fromDense(w.data(), 6, 7, /*wideIndices=*/true);
    m.tensors.push_back(wide);
    return m;
}

// Offset of the TENSORS section's bytes.
size_t tensorsOffset(const std::vector<uint8_t>& bytes)
{
    for (const EspmSectionInfo& s : espmSections(bytes, "t"))
        if (s.tag == "TENSORS")
            return size_t(s.offset);
    return 0;
}

} // namespace

class TestEspm : public QObject {
    Q_OBJECT
private slots:
    void roundTrip()
    {
        const EspmModel m = sampleModel();
        const std::vector<uint8_t> bytes = serializeEspm(m);
        const EspmModel back = parseEspm(bytes, "mem.espm");
        QCOMPARE(back.metaValue("note"), std::string("two words"));
        QCOMPARE(back.metaValue("input_dim"), std::string("40"));
        QVERIFY(back.vocabulary == m.vocabulary);
        QCOMPARE(back.tensors.size(), size_t(3));
        QVERIFY(back.find("encoder.after_norm.weight")->dense == m.tensors[0].dense);
        const EspmTensor* narrow = back.find("encoder.blocks.0.feed_forward.w_1.weight");
        QVERIFY(narrow->sparse && narrow->csr.narrowIndices());
        QVERIFY(narrow->csr.values == m.tensors[1].csr.values && narrow->csr.colIdx16 == m.tensors[1].csr.colIdx16);
        QVERIFY(!narrow->csr.panelPtr.empty());  // rebuilt for the kernel
        const EspmTensor* wide = back.find("ctc.ctc_lo.weight");
        QVERIFY(!wide->csr.narrowIndices() && wide->csr.colIdx32 == m.tensors[2].csr.colIdx32);
        QCOMPARE(espmSections(bytes, "mem").size(), size_t(4));
        // Every section starts on a 64-byte boundary (arrays can be read in place on a device).
        for (const EspmSectionInfo& s : espmSections(bytes, "mem"))
            QCOMPARE(s.offset % 64, uint64_t(0));

        QTemporaryDir dir;
        const std::string path = dir.filePath("m.espm").toStdString();
        std::ofstream(path, std::ios::binary).write(reinterpret_cast<const char*>(bytes.data()), std::streamsize(bytes.size()));
        QCOMPARE(readEspm(path).tensors.size(), size_t(3));
        QVERIFY_THROWS_EXCEPTION(IoError, readEspm(dir.filePath("missing.espm").toStdString()));
    }

    // Found by UBSan under fuzzing: an array of zero elements was memcpy'd from an empty vector's
    // null pointer. An all-zero CSR matrix (no values, no column indices) round-trips.
    void emptyArraysRoundTrip()
    {
        EspmModel m = sampleModel();
        const std::vector<float> zeros(4 * 9, 0.0f);
        EspmTensor empty;
        empty.name = "encoder.blocks.0.feed_forward.w_2.weight";
        empty.shape = {4, 9};
        empty.sparse = true;
        empty.csr = CsrMatrix::fromDense(zeros.data(), 4, 9);
        QCOMPARE(empty.csr.values.size(), size_t(0));
        m.tensors.push_back(empty);
        const EspmModel back = parseEspm(serializeEspm(m), "empty.espm");
        const EspmTensor* t = back.find(empty.name);
        QVERIFY(t && t->sparse);
        QCOMPARE(t->csr.rows, 4);
        QCOMPARE(t->csr.cols, 9);
        QCOMPARE(t->csr.values.size(), size_t(0));
        QCOMPARE(t->csr.rowPtr, std::vector<uint32_t>(5, 0));
    }

    void headerProblemsAreNamed()
    {
        const std::vector<uint8_t> good = serializeEspm(sampleModel());
        auto expect = [](std::vector<uint8_t> bytes, const char* text) {
            try {
                parseEspm(bytes, "bad.espm");
                QFAIL("no error");
            } catch (const FormatError& e) {
                QVERIFY2(QString(e.what()).startsWith("bad.espm: ") && QString(e.what()).contains(text), e.what());
            }
        };
        std::vector<uint8_t> b = good;
        b[0] = 'X';
        expect(b, "not an Espalier model");
        b = good;
        b[8] = 2;
        expect(b, "format version 2");
        b = good;
        std::swap(b[12], b[15]);
        expect(b, "other byte order");
        b = good;
        b[good.size() - 3] ^= 0x40;  // inside DATA
        expect(b, "section DATA checksum mismatch");
        expect({good.begin(), good.begin() + 20}, "truncated");
    }

    void everyTruncationIsAFormatError()
    {
        const std::vector<uint8_t> good = serializeEspm(sampleModel());
        for (size_t n = 0; n < good.size(); n += 3)
            QVERIFY_THROWS_EXCEPTION(FormatError, parseEspm({good.begin(), good.begin() + long(n)}, "cut.espm"));
    }

    void randomDamageNeverCrashes()
    {
        const std::vector<uint8_t> good = serializeEspm(sampleModel());
        std::mt19937 rng(7);
        int rejected = 0;
        for (int i = 0; i < 3000; ++i) {
            std::vector<uint8_t> b = good;
            const int flips = 1 + int(rng() % 4);
            for (int f = 0; f < flips; ++f)
                b[rng() % b.size()] ^= uint8_t(1u << (rng() % 8));
            if (i % 2)
                espmtest::reseal(b);  // checksums right: the parser's own checks must hold
            try {
                parseEspm(b, "fuzz.espm");
            } catch (const FormatError&) {
                ++rejected;
            }
        }
        QVERIFY(rejected > 1000);
    }

    void lyingTensorTablesAreRejected_data()
    {
        QTest::addColumn<int>("field");  // byte offset inside the first sparse tensor's entry
        QTest::addColumn<QString>("message");
        // Entry of tensor 1 (after tensor 0: 2 + 25 name + 1 + 1 + 4 dims + 8 offset = 41 bytes, plus the count).
        QTest::newRow("huge dimension") << 0 << "too many elements";
        QTest::newRow("nonzero count") << 1 << "more nonzeros than elements";
        QTest::newRow("offset beyond DATA") << 2 << "outside the DATA section";
        QTest::newRow("column order") << 3 << "out of order";
    }

    void lyingTensorTablesAreRejected()
    {
        QFETCH(int, field);
        QFETCH(QString, message);
        EspmModel m = sampleModel();
        std::vector<uint8_t> b = serializeEspm(m);
        const size_t entry = tensorsOffset(b) + 4 + 41;  // tensor 1's entry
        const size_t dims = entry + 2 + m.tensors[1].name.size() + 2;
        const uint32_t huge = 0x7FFFFFFF;
        switch (field) {
        case 0: std::memcpy(b.data() + dims, &huge, 4); break;
        case 1: {
            const uint32_t nnz = 6 * 7 + 1;
            std::memcpy(b.data() + dims + 8, &nnz, 4);
            break;
        }
        case 2: {
            const uint64_t far = uint64_t(1) << 40;
            std::memcpy(b.data() + dims + 12, &far, 8);
            break;
        }
        case 3: {
            // Swap the first two column indices of row 0 in DATA (the row has indices 0 and 3).
            uint64_t indexOffset;
            std::memcpy(&indexOffset, b.data() + dims + 20, 8);
            size_t dataOffset = 0;
            for (const EspmSectionInfo& s : espmSections(b, "t"))
                if (s.tag == "DATA")
                    dataOffset = size_t(s.offset);
            std::swap(b[dataOffset + indexOffset], b[dataOffset + indexOffset + 2]);
            break;
        }
        }
        espmtest::reseal(b);
        try {
            parseEspm(b, "lie.espm");
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
    }

    void crcMatchesZlib()
    {
        const char* text = "123456789";
        QCOMPARE(crc32(text, 9), 0xCBF43926u);  // the standard check value
    }
};

QTEST_GUILESS_MAIN(TestEspm)
#include "test_espm.moc"
