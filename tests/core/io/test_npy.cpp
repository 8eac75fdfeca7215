#include "core/io/atomic_file.h"
#include "core/io/npy.h"
#include "core/runtime/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <fstream>

using namespace espalier;

Q_DECLARE_METATYPE(std::vector<size_t>)

namespace {

std::string npyBytes(const std::string& header, int major = 1, const std::string& data = {})
{
    std::string out("\x93NUMPY", 6);
    out += char(major);
    out += char(0);
    const size_t n = header.size();
    out += char(n & 0xFF);
    out += char((n >> 8) & 0xFF);
    if (major >= 2) {
        out += char((n >> 16) & 0xFF);
        out += char((n >> 24) & 0xFF);
    }
    return out + header + data;
}

std::string floatBytes(const std::vector<float>& v)
{
    return std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(float));
}

} // namespace

class TestNpy : public QObject {
    Q_OBJECT

private slots:
    void roundTrip_data()
    {
        QTest::addColumn<std::vector<size_t>>("shape");
        QTest::newRow("scalar") << std::vector<size_t>{};
        QTest::newRow("empty") << std::vector<size_t>{0};
        QTest::newRow("vector") << std::vector<size_t>{7};
        QTest::newRow("matrix 2x3") << std::vector<size_t>{2, 3};
        QTest::newRow("fbank 98x80") << std::vector<size_t>{98, 80};
        QTest::newRow("3-d 2x0x4") << std::vector<size_t>{2, 0, 4};
        QTest::newRow("3-d 2x3x4") << std::vector<size_t>{2, 3, 4};
    }
    void roundTrip()
    {
        QFETCH(std::vector<size_t>, shape);
        size_t count = 1;
        for (size_t d : shape) count *= d;
        std::vector<float> data(count);
        for (size_t i = 0; i < count; ++i) data[i] = float(i) * 0.25f - 3.0f + (i % 7 == 0 ? 1e-30f : 0.0f);
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.npy").toStdString();
        io::writeNpy(path, data.data(), shape);

        const std::string bytes = io::readFile(path);
        const size_t headerLen = size_t(uint8_t(bytes[8])) | (size_t(uint8_t(bytes[9])) << 8);
        QCOMPARE((10 + headerLen) % 64, size_t(0));  // numpy's alignment
        QCOMPARE(bytes[10 + headerLen - 1], '\n');
        QCOMPARE(bytes.size(), 10 + headerLen + count * 4);

        const io::NpyArray back = io::readNpy(path);
        QCOMPARE(back.shape, shape);
        QCOMPARE(back.data, data);
    }

    void headerTextMatchesNumpy()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.npy").toStdString();
        const float v[3] = {1, 2, 3};
        io::writeNpy(path, v, {3});
        const std::string bytes = io::readFile(path);
        const std::string dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }";
        QCOMPARE(bytes.substr(10, dict.size()), dict);
        QCOMPARE(bytes.find_first_not_of(' ', 10 + dict.size()), size_t(127));  // spaces, then '\n', as numpy
    }

    void readsNumpyWrittenLayouts_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<int>("major");
        QTest::newRow("numpy 1.0") << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }"
                                                 "                 \n")
                                   << 1;
        QTest::newRow("double quotes, no trailing comma")
            << QByteArray("{\"shape\": (2,2), \"fortran_order\": False, \"descr\": \"<f4\"}\n") << 1;
        QTest::newRow("version 2.0") << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2, 2), }\n")
                                     << 2;
        QTest::newRow("python 2 longs") << QByteArray("{'descr': '<f4', 'fortran_order': False, 'shape': (2L, 2L), }\n")
                                        << 1;
    }
    void readsNumpyWrittenLayouts()
    {
        QFETCH(QByteArray, header);
        QFETCH(int, major);
        QTemporaryDir dir;
        const std::string path = dir.filePath("a.npy").toStdString();
        io::writeFileAtomic(path, npyBytes(header.toStdString(), major, floatBytes({1.5f, -2.0f, 0.0f, 4.0f})));
        const io::NpyArray a = io::readNpy(path);
        QCOMPARE(a.shape, (std::vector<size_t>{2, 2}));
        QCOMPARE(a.data, (std::vector<float>{1.5f, -2.0f, 0.0f, 4.0f}));
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("reason");
        const std::string four = floatBytes({1, 2, 3, 4});
        const auto row = [](const char* name, const std::string& bytes, const char* reason) {
            QTest::newRow(name) << QByteArray(bytes.data(), int(bytes.size())) << QString(reason);
        };
        row("empty file", "", "too short");
        row("bad magic", std::string("\x93NUMPX\x01\x00\x10\x00", 10) + "{}            \n" + four, "bad magic");
        row("text file", "name,value\n1,2\n3,4\n", "bad magic");
        row("fortran order", npyBytes("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }\n", 1, four),
            "Fortran");
        row("float64", npyBytes("{'descr': '<f8', 'fortran_order': False, 'shape': (2,), }\n", 1, four), "'<f8'");
        row("big-endian float32", npyBytes("{'descr': '>f4', 'fortran_order': False, 'shape': (4,), }\n", 1, four),
            "'>f4'");
        row("int32", npyBytes("{'descr': '<i4', 'fortran_order': False, 'shape': (4,), }\n", 1, four), "'<i4'");
        row("truncated data", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (5,), }\n", 1, four),
            "truncated data");
        row("trailing bytes", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }\n", 1, four),
            "unexpected bytes");
        row("huge shape", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4611686018427387904, 8), }\n",
                                   1, four),
            "too large");
        row("negative dimension", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (-4,), }\n", 1, four),
            "non-negative");
        row("missing shape", npyBytes("{'descr': '<f4', 'fortran_order': False, }\n", 1, four), "no 'shape'");
        row("unknown key", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), 'x': 1}\n", 1, four),
            "unexpected key");
        row("garbage header", npyBytes("not a python dict at all\n", 1, four), "malformed header");
        row("header longer than file", npyBytes("{'descr': '<f4'", 1).replace(8, 2, std::string("\xff\x00", 2)),
            "truncated header");
        std::string tooLong = npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", 2, four);
        tooLong[10] = '\x40';  // header length 0x400000+...: 4 MiB
        row("header too long", tooLong, "header too long");
        row("version 9", npyBytes("{'descr': '<f4', 'fortran_order': False, 'shape': (4,), }\n", 9, four),
            "version 9");
    }
    void rejectsMalformed()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, reason);
        QTemporaryDir dir;
        const std::string path = dir.filePath("bad.npy").toStdString();
        std::ofstream(path, std::ios::binary).write(bytes.constData(), bytes.size());
        try {
            io::readNpy(path);
            QFAIL("expected FormatError");
        } catch (const FormatError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find(path) != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(reason.toStdString()) != std::string::npos, msg.c_str());
        }
    }

    void missingFileIsIoError()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("absent.npy").toStdString();
        try {
            io::readNpy(path);
            QFAIL("expected IoError");
        } catch (const IoError& e) {
            QVERIFY2(std::string(e.what()).find(path) != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, io::readNpy(dir.path().toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestNpy)
#include "test_npy.moc"
