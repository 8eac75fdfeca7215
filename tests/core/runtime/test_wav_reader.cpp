// readWav: sample formats, mix-down, chunk walking, and rejection of malformed files.
#include "core/runtime/error.h"
#include "core/runtime/wav_reader.h"

#include <QtTest>

#include <cmath>
#include <cstring>
#include <vector>

using espalier::FormatError;
using espalier::IoError;
using espalier::runtime::readWav;

namespace {

void put16(QByteArray& b, quint32 v)
{
    b.append(static_cast<char>(v & 0xFF));
    b.append(static_cast<char>((v >> 8) & 0xFF));
}

void put32(QByteArray& b, quint32 v)
{
    put16(b, v & 0xFFFF);
    put16(b, v >> 16);
}

void putChunk(QByteArray& b, const char* id, const QByteArray& body, quint32 declaredSize)
{
    b.append(id, 4);
    put32(b, declaredSize);
    b.append(body);
    if (body.size() % 2 == 1)
        b.append('\0');
}

void putChunk(QByteArray& b, const char* id, const QByteArray& body)
{
    putChunk(b, id, body, static_cast<quint32>(body.size()));
}

struct Spec {
    int tag = 1;          // 1 PCM, 3 float, anything else for codec tests
    int channels = 1;
    int rate = 16000;
    int bits = 16;
    bool extensible = false;
    int blockAlign = -1;  // -1: channels * bits / 8
};

QByteArray fmtBody(const Spec& s)
{
    const int align = s.blockAlign >= 0 ? s.blockAlign : s.channels * s.bits / 8;
    QByteArray f;
    put16(f, s.extensible ? 0xFFFE : s.tag);
    put16(f, s.channels);
    put32(f, s.rate);
    put32(f, s.rate * align);
    put16(f, align);
    put16(f, s.bits);
    if (s.extensible) {
        put16(f, 22);
        put16(f, s.bits);
        put32(f, s.channels == 2 ? 3 : 4);
        put16(f, s.tag);  // sub-format GUID: tag, then the fixed KSDATAFORMAT tail
        f.append("\x00\x00\x00\x00\x10\x00\x80\x00\x00\xAA\x00\x38\x9B\x71", 14);
    }
    return f;
}

QByteArray encode(const Spec& s, const std::vector<double>& interleaved)
{
    QByteArray d;
    for (double v : interleaved) {
        if (s.tag == 3 && s.bits == 32) {
            const float f = static_cast<float>(v);
            quint32 u;
            std::memcpy(&u, &f, 4);
            put32(d, u);
        } else if (s.tag == 3 && s.bits == 64) {
            quint64 u;
            std::memcpy(&u, &v, 8);
            put32(d, static_cast<quint32>(u));
            put32(d, static_cast<quint32>(u >> 32));
        } else {
            const double full = std::ldexp(1.0, s.bits - 1);
            qint64 q = std::llround(v * full);
            q = std::min<qint64>(q, static_cast<qint64>(full) - 1);
            if (s.bits == 8)
                q += 128;
            for (int byte = 0; byte < s.bits / 8; ++byte)
                d.append(static_cast<char>((static_cast<quint64>(q) >> (8 * byte)) & 0xFF));
        }
    }
    return d;
}

QByteArray riff(const QByteArray& chunks)
{
    QByteArray b("RIFF");
    put32(b, static_cast<quint32>(chunks.size() + 4));
    b.append("WAVE");
    b.append(chunks);
    return b;
}

QByteArray makeWav(const Spec& s, const std::vector<double>& interleaved, bool listChunk = false)
{
    QByteArray chunks;
    if (listChunk)
        putChunk(chunks, "LIST", QByteArray("INFOISFT\x05\0\0\0espal", 17));  // odd size: tests the pad byte
    putChunk(chunks, "fmt ", fmtBody(s));
    if (listChunk)
        putChunk(chunks, "fact", QByteArray(4, '\0'));
    putChunk(chunks, "data", encode(s, interleaved));
    return riff(chunks);
}

QString writeFile(const QTemporaryDir& dir, const QString& name, const QByteArray& bytes)
{
    const QString path = dir.filePath(name);
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly) || f.write(bytes) != bytes.size())
        qFatal("cannot write %s", qPrintable(path));
    return path;
}

const std::vector<double> kLeft{0.0, 0.5, -0.5, -1.0, 0.125, -0.25, 0.75};
const std::vector<double> kRight{0.25, -0.5, 0.5, 0.0, 0.375, -0.75, -0.25};

} // namespace

Q_DECLARE_METATYPE(Spec)

class TestWavReader : public QObject {
    Q_OBJECT

private slots:
    void initTestCase() { QVERIFY(dir_.isValid()); }

    void readsFormats_data()
    {
        QTest::addColumn<Spec>("spec");
        QTest::addColumn<bool>("listChunk");
        auto spec = [](int tag, int channels, int bits, bool ext, int rate) {
            Spec s;
            s.tag = tag;
            s.channels = channels;
            s.bits = bits;
            s.extensible = ext;
            s.rate = rate;
            return s;
        };
        QTest::newRow("pcm16 mono") << spec(1, 1, 16, false, 16000) << false;
        QTest::newRow("pcm24 mono") << spec(1, 1, 24, false, 44100) << false;
        QTest::newRow("pcm32 mono") << spec(1, 1, 32, false, 48000) << false;
        QTest::newRow("float32 mono") << spec(3, 1, 32, false, 16000) << false;
        QTest::newRow("pcm8 mono") << spec(1, 1, 8, false, 8000) << false;
        QTest::newRow("float64 mono") << spec(3, 1, 64, false, 16000) << false;
        QTest::newRow("pcm16 stereo") << spec(1, 2, 16, false, 16000) << false;
        QTest::newRow("float32 stereo, extra chunks") << spec(3, 2, 32, false, 22050) << true;
        QTest::newRow("extensible pcm24 stereo") << spec(1, 2, 24, true, 16000) << true;
        QTest::newRow("extensible float32 mono") << spec(3, 1, 32, true, 16000) << false;
    }

    void readsFormats()
    {
        QFETCH(Spec, spec);
        QFETCH(bool, listChunk);
        std::vector<double> interleaved;
        std::vector<double> expected;
        for (size_t i = 0; i < kLeft.size(); ++i) {
            interleaved.push_back(kLeft[i]);
            if (spec.channels == 2) {
                interleaved.push_back(kRight[i]);
                expected.push_back(0.5 * (kLeft[i] + kRight[i]));
            } else {
                expected.push_back(kLeft[i]);
            }
        }
        const QString path = writeFile(dir_, QTest::currentDataTag() + QString(".wav"), makeWav(spec, interleaved, listChunk));
        const auto wav = readWav(path.toStdString());
        QCOMPARE(wav.sampleRate, spec.rate);
        QCOMPARE(wav.channels, spec.channels);
        QCOMPARE(wav.samples.size(), expected.size());
        const double tolerance = spec.bits == 8 ? 1.0 / 128 : 1e-6;
        for (size_t i = 0; i < expected.size(); ++i)
            QVERIFY2(std::fabs(wav.samples[i] - expected[i]) <= tolerance,
                     qPrintable(QString("sample %1: %2 vs %3").arg(i).arg(wav.samples[i]).arg(expected[i])));
    }

    void int16FullScale()
    {
        // -32768 maps to exactly -1 and 32767 to 32767/32768, as torchaudio and libsndfile do.
        Spec s;
        QByteArray data;
        put16(data, 0x8000);
        put16(data, 0x7FFF);
        put16(data, 1);
        QByteArray chunks;
        putChunk(chunks, "fmt ", fmtBody(s));
        putChunk(chunks, "data", data);
        const auto wav = readWav(writeFile(dir_, "fullscale.wav", riff(chunks)).toStdString());
        QCOMPARE(wav.samples.size(), size_t(3));
        QCOMPARE(wav.samples[0], -1.0f);
        QCOMPARE(wav.samples[1], 32767.0f / 32768.0f);
        QCOMPARE(wav.samples[2], 1.0f / 32768.0f);
    }

    void partialLastFrameDropped()
    {
        Spec s;
        s.channels = 2;
        QByteArray chunks;
        putChunk(chunks, "fmt ", fmtBody(s));
        putChunk(chunks, "data", encode(s, {0.5, 0.25, -0.5}));  // one and a half frames
        const auto wav = readWav(writeFile(dir_, "partial.wav", riff(chunks)).toStdString());
        QCOMPARE(wav.samples.size(), size_t(1));
        QCOMPARE(wav.samples[0], 0.375f);
    }

    void dataBeforeFmt()
    {
        Spec s;
        QByteArray chunks;
        putChunk(chunks, "data", encode(s, {0.5, -0.5}));
        putChunk(chunks, "fmt ", fmtBody(s));
        const auto wav = readWav(writeFile(dir_, "datafirst.wav", riff(chunks)).toStdString());
        QCOMPARE(wav.samples.size(), size_t(2));
        QCOMPARE(wav.samples[1], -0.5f);
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<QString>("expected");
        Spec pcm16;
        const QByteArray fmt16 = fmtBody(pcm16);

        QTest::newRow("empty") << QByteArray() << "too short";
        QByteArray random(4096, '\0');
        QRandomGenerator rng(7);
        for (auto& c : random)
            c = static_cast<char>(rng.bounded(256));
        QTest::newRow("random bytes") << random << "RIFF";
        QTest::newRow("text") << QByteArray("this is a transcript, not audio\n") << "RIFF";
        {
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmt16);
            putChunk(chunks, "data", QByteArray(100, '\1'), 100000);
            QTest::newRow("truncated data chunk") << riff(chunks) << "truncated";
        }
        {
            Spec alaw;
            alaw.tag = 6;
            alaw.bits = 8;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(alaw));
            putChunk(chunks, "data", QByteArray(16, '\x55'));
            QTest::newRow("A-law codec") << riff(chunks) << "unsupported codec";
        }
        {
            Spec ext;
            ext.tag = 2;  // MS ADPCM as an extensible sub-format
            ext.extensible = true;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(ext));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("extensible ADPCM") << riff(chunks) << "unsupported codec";
        }
        {
            Spec twelve;
            twelve.bits = 12;
            twelve.blockAlign = 2;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(twelve));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("12-bit PCM") << riff(chunks) << "12-bit";
        }
        {
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmt16);
            QTest::newRow("no data chunk") << riff(chunks) << "no data chunk";
        }
        {
            QByteArray chunks;
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("no fmt chunk") << riff(chunks) << "no fmt chunk";
        }
        {
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmt16.left(10));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("short fmt chunk") << riff(chunks) << "fmt chunk is 10 bytes";
        }
        {
            Spec none;
            none.channels = 0;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(none));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("zero channels") << riff(chunks) << "channel count 0";
        }
        {
            Spec zero;
            zero.rate = 0;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(zero));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("zero sample rate") << riff(chunks) << "sample rate 0";
        }
        {
            Spec bad;
            bad.blockAlign = 3;
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmtBody(bad));
            putChunk(chunks, "data", QByteArray(16, '\0'));
            QTest::newRow("bad block align") << riff(chunks) << "block align 3";
        }
        {
            QByteArray chunks;
            putChunk(chunks, "LIST", QByteArray(8, 'x'), 0xFFFFFFF0u);
            QTest::newRow("huge chunk size") << riff(chunks) << "no fmt chunk";
        }
        {
            QByteArray chunks;
            putChunk(chunks, "fmt ", fmt16, 0x7FFFFFFFu);
            QTest::newRow("huge fmt size") << riff(chunks) << "fmt chunk declares";
        }
        QTest::newRow("RIFF header only") << QByteArray("RIFF\x04\0\0\0WAVE", 12) << "no fmt chunk";
    }

    void rejectsBadFiles()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(QString, expected);
        const QString path = writeFile(dir_, QString("bad-%1.wav").arg(count_++), bytes);
        try {
            readWav(path.toStdString());
            QFAIL("no FormatError thrown");
        } catch (const FormatError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.contains(path), qPrintable(message));
            QVERIFY2(message.contains(expected), qPrintable(message));
        }
    }

    void missingFileIsIoError()
    {
        const QString path = dir_.filePath("does-not-exist.wav");
        try {
            readWav(path.toStdString());
            QFAIL("no IoError thrown");
        } catch (const IoError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains(path), e.what());
        }
    }

private:
    QTemporaryDir dir_;
    int count_ = 0;
};

QTEST_GUILESS_MAIN(TestWavReader)
#include "test_wav_reader.moc"
