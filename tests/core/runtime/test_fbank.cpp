// Fbank: parity with torchaudio.compliance.kaldi.fbank (fixtures from scripts/make_fbank_fixture.py),
// frame counts, option validation and dither determinism.
#include "core/runtime/error.h"
#include "core/runtime/fbank.h"
#include "core/runtime/wav_reader.h"

#include <QtTest>

#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

using espalier::InputError;
using espalier::runtime::Fbank;
using espalier::runtime::FbankOptions;
using espalier::runtime::FeatureMatrix;

namespace {

struct NpyMatrix {
    int rows = 0;
    int cols = 0;
    std::vector<float> data;
};

// Minimal reader for the fixtures: a 2-D little-endian float32 C-order .npy.
NpyMatrix readNpy(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        throw std::runtime_error("cannot open " + path.toStdString());
    const QByteArray bytes = file.readAll();
    if (bytes.size() < 10 || !bytes.startsWith("\x93NUMPY"))
        throw std::runtime_error("not an .npy file: " + path.toStdString());
    const int major = static_cast<unsigned char>(bytes[6]);
    int headerLen = 0;
    int headerStart = 0;
    if (major == 1) {
        headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8);
        headerStart = 10;
    } else {
        headerLen = static_cast<unsigned char>(bytes[8]) | (static_cast<unsigned char>(bytes[9]) << 8)
                    | (static_cast<unsigned char>(bytes[10]) << 16) | (static_cast<unsigned char>(bytes[11]) << 24);
        headerStart = 12;
    }
    const QString header = QString::fromLatin1(bytes.mid(headerStart, headerLen));
    if (!header.contains("'descr': '<f4'") || !header.contains("'fortran_order': False"))
        throw std::runtime_error("unexpected .npy header: " + header.toStdString());
    const QRegularExpression shapeRe(R"('shape': \((\d+), (\d+)\))");
    const auto match = shapeRe.match(header);
    if (!match.hasMatch())
        throw std::runtime_error("unexpected .npy shape: " + header.toStdString());
    NpyMatrix m;
    m.rows = match.captured(1).toInt();
    m.cols = match.captured(2).toInt();
    const qsizetype payload = static_cast<qsizetype>(m.rows) * m.cols * 4;
    if (bytes.size() != headerStart + headerLen + payload)
        throw std::runtime_error("truncated .npy: " + path.toStdString());
    m.data.resize(static_cast<size_t>(m.rows) * m.cols);
    std::memcpy(m.data.data(), bytes.constData() + headerStart + headerLen, static_cast<size_t>(payload));
    return m;
}

// The options of a fixture case, from its .txt (torchaudio argument names).
FbankOptions readCaseOptions(const QString& path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        throw std::runtime_error("cannot open " + path.toStdString());
    FbankOptions o;
    while (!file.atEnd()) {
        const QString line = QString::fromUtf8(file.readLine()).trimmed();
        const QString key = line.section('=', 0, 0);
        const QString value = line.section('=', 1);
        if (key == "sample_frequency")
            o.sampleRate = value.toInt();
        else if (key == "num_mel_bins")
            o.numMelBins = value.toInt();
        else if (key == "low_freq")
            o.lowFreq = value.toFloat();
        else if (key == "high_freq")
            o.highFreq = value.toFloat();
        else if (key == "frame_length")
            o.frameLengthMs = value.toFloat();
        else if (key == "frame_shift")
            o.frameShiftMs = value.toFloat();
        else if (key == "snip_edges")
            o.snipEdges = value == "True";
        else if (!key.isEmpty())
            throw std::runtime_error("unknown option in " + path.toStdString() + ": " + key.toStdString());
    }
    return o;
}

std::vector<float> testSignal(int n, int rate)
{
    std::vector<float> x(static_cast<size_t>(n));
    for (int i = 0; i < n; ++i)
        x[i] = 0.3f * std::sin(2.0f * 3.14159265f * 700.0f * i / rate) + 0.01f * std::sin(0.37f * i * i / rate);
    return x;
}

void setOption(FbankOptions& o, const QString& field, double v)
{
    if (field == "sampleRate")
        o.sampleRate = static_cast<int>(v);
    else if (field == "numMelBins")
        o.numMelBins = static_cast<int>(v);
    else if (field == "frameLengthMs")
        o.frameLengthMs = static_cast<float>(v);
    else if (field == "frameShiftMs")
        o.frameShiftMs = static_cast<float>(v);
    else if (field == "dither")
        o.dither = static_cast<float>(v);
    else if (field == "preemphasis")
        o.preemphasis = static_cast<float>(v);
    else if (field == "lowFreq")
        o.lowFreq = static_cast<float>(v);
    else if (field == "highFreq")
        o.highFreq = static_cast<float>(v);
    else if (field == "inputScale")
        o.inputScale = static_cast<float>(v);
    else
        QFAIL(qPrintable("unknown field " + field));
}

struct Diff {
    double maxAbs = 0.0;
    int index = 0;
};

Diff compare(const FeatureMatrix& got, const NpyMatrix& expected)
{
    Diff diff;
    for (size_t i = 0; i < expected.data.size(); ++i) {
        const double d = std::fabs(static_cast<double>(got.data[i]) - expected.data[i]);
        if (d > diff.maxAbs) {
            diff.maxAbs = d;
            diff.index = static_cast<int>(i);
        }
    }
    return diff;
}

double maxAbsDiff(const FeatureMatrix& a, const FeatureMatrix& b)
{
    double d = 0.0;
    for (size_t i = 0; i < a.data.size(); ++i)
        d = std::max(d, static_cast<double>(std::fabs(a.data[i] - b.data[i])));
    return d;
}

} // namespace

class TestFbank : public QObject {
    Q_OBJECT

private slots:
    void matchesTorchaudio_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("16k 80 bins") << "chirp16k_80";
        QTest::newRow("8k 40 bins, 20 ms, no snip, 40..3600 Hz") << "chirp8k_40";
    }

    void matchesTorchaudio()
    {
        QFETCH(QString, name);
        const QString base = QStringLiteral(ESPALIER_FIXTURES_DIR "/fbank/") + name;
        const FbankOptions options = readCaseOptions(base + ".txt");
        const auto wav = espalier::runtime::readWav((base + ".wav").toStdString());
        QCOMPARE(wav.sampleRate, options.sampleRate);
        const NpyMatrix expected = readNpy(base + ".npy");
        const NpyMatrix torch32 = readNpy(base + "_torch32.npy");

        Fbank fbank(options);
        const FeatureMatrix got = fbank.compute(wav.samples);
        QCOMPARE(got.frames, expected.rows);
        QCOMPARE(got.bins, expected.cols);
        QCOMPARE(torch32.rows, expected.rows);
        QCOMPARE(fbank.numFrames(static_cast<std::int64_t>(wav.samples.size())), expected.rows);

        // Against torchaudio run in float64: the exact Kaldi result.
        const Diff exact = compare(got, expected);
        qInfo("%s: %d x %d, max abs diff vs torchaudio (float64) %.3g at frame %d bin %d", qPrintable(name),
              got.frames, got.bins, exact.maxAbs, exact.index / got.bins, exact.index % got.bins);
        QVERIFY2(exact.maxAbs <= 1e-3, qPrintable(QString("max abs diff %1").arg(exact.maxAbs)));

        // Against torchaudio run in float32 (as training usually runs it), whose own rounding is
        // a few 1e-3 on weak bands.
        const Diff single = compare(got, torch32);
        qInfo("%s: max abs diff vs torchaudio (float32) %.3g", qPrintable(name), single.maxAbs);
        QVERIFY2(single.maxAbs <= 1e-2, qPrintable(QString("max abs diff %1").arg(single.maxAbs)));
    }

    void frameCount_data()
    {
        QTest::addColumn<int>("rate");
        QTest::addColumn<float>("lengthMs");
        QTest::addColumn<float>("shiftMs");
        QTest::addColumn<bool>("snip");
        QTest::addColumn<int>("samples");
        QTest::addColumn<int>("frames");
        QTest::newRow("empty") << 16000 << 25.0f << 10.0f << true << 0 << 0;
        QTest::newRow("one short of a frame") << 16000 << 25.0f << 10.0f << true << 399 << 0;
        QTest::newRow("exactly one frame") << 16000 << 25.0f << 10.0f << true << 400 << 1;
        QTest::newRow("one short of two") << 16000 << 25.0f << 10.0f << true << 559 << 1;
        QTest::newRow("two frames") << 16000 << 25.0f << 10.0f << true << 560 << 2;
        QTest::newRow("one second") << 16000 << 25.0f << 10.0f << true << 16000 << 98;
        QTest::newRow("8 kHz one second") << 8000 << 25.0f << 10.0f << true << 8000 << 98;
        QTest::newRow("no snip, one second") << 16000 << 25.0f << 10.0f << false << 16000 << 100;
        QTest::newRow("no snip, 79 samples") << 16000 << 25.0f << 10.0f << false << 79 << 0;
        QTest::newRow("no snip, 80 samples") << 16000 << 25.0f << 10.0f << false << 80 << 1;
        QTest::newRow("no snip, 239 samples") << 16000 << 25.0f << 10.0f << false << 239 << 1;
        QTest::newRow("no snip, 240 samples") << 16000 << 25.0f << 10.0f << false << 240 << 2;
        QTest::newRow("50 ms / 12.5 ms") << 16000 << 50.0f << 12.5f << true << 16000 << 77;
    }

    void frameCount()
    {
        QFETCH(int, rate);
        QFETCH(float, lengthMs);
        QFETCH(float, shiftMs);
        QFETCH(bool, snip);
        QFETCH(int, samples);
        QFETCH(int, frames);
        FbankOptions o;
        o.sampleRate = rate;
        o.frameLengthMs = lengthMs;
        o.frameShiftMs = shiftMs;
        o.snipEdges = snip;
        Fbank fbank(o);
        QCOMPARE(fbank.numFrames(samples), frames);
        const FeatureMatrix m = fbank.compute(testSignal(samples, rate));
        QCOMPARE(m.frames, frames);
        QCOMPARE(m.bins, o.numMelBins);
        QCOMPARE(m.data.size(), static_cast<size_t>(frames) * o.numMelBins);
        for (float v : m.data)
            QVERIFY(std::isfinite(v));
    }

    void windowGeometry()
    {
        Fbank f16k(FbankOptions{});
        QCOMPARE(f16k.frameLength(), 400);
        QCOMPARE(f16k.frameShift(), 160);
        QCOMPARE(f16k.paddedLength(), 512);
        FbankOptions o;
        o.sampleRate = 8000;
        o.frameLengthMs = 20.0f;
        Fbank f8k(o);
        QCOMPARE(f8k.frameLength(), 160);
        QCOMPARE(f8k.frameShift(), 80);
        QCOMPARE(f8k.paddedLength(), 256);
    }

    void toneLandsInItsMelBin()
    {
        // A 1 kHz tone: the loudest of 80 bins must be the one whose centre is nearest 1 kHz.
        FbankOptions o;
        Fbank fbank(o);
        std::vector<float> x(16000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = 0.5f * std::sin(2.0 * 3.141592653589793 * 1000.0 * i / 16000.0);
        const FeatureMatrix m = fbank.compute(x);
        const double melLow = 1127.0 * std::log(1.0 + 20.0 / 700.0);
        const double melHigh = 1127.0 * std::log(1.0 + 8000.0 / 700.0);
        const double target = 1127.0 * std::log(1.0 + 1000.0 / 700.0);
        const int expectedBin = static_cast<int>(std::lround((target - melLow) / ((melHigh - melLow) / 81.0) - 1.0));
        const int frame = m.frames / 2;
        int best = 0;
        for (int b = 1; b < m.bins; ++b)
            if (m.at(frame, b) > m.at(frame, best))
                best = b;
        QCOMPARE(best, expectedBin);
    }

    void invalidOptionsThrow_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<double>("value");
        QTest::newRow("zero rate") << "sampleRate" << 0.0;
        QTest::newRow("negative rate") << "sampleRate" << -16000.0;
        QTest::newRow("two bins") << "numMelBins" << 2.0;
        QTest::newRow("huge bins") << "numMelBins" << 100000.0;
        QTest::newRow("zero length") << "frameLengthMs" << 0.0;
        QTest::newRow("length below shift") << "frameLengthMs" << 5.0;
        QTest::newRow("one-sample window") << "frameLengthMs" << 0.0625;
        QTest::newRow("huge window") << "frameLengthMs" << 100000.0;
        QTest::newRow("zero shift") << "frameShiftMs" << 0.0;
        QTest::newRow("nan shift") << "frameShiftMs" << std::nan("");
        QTest::newRow("negative dither") << "dither" << -0.1;
        QTest::newRow("preemphasis above 1") << "preemphasis" << 1.5;
        QTest::newRow("negative low freq") << "lowFreq" << -1.0;
        QTest::newRow("low freq at Nyquist") << "lowFreq" << 8000.0;
        QTest::newRow("high freq above Nyquist") << "highFreq" << 9000.0;
        QTest::newRow("high freq below low") << "highFreq" << 10.0;
        QTest::newRow("high offset past low") << "highFreq" << -7990.0;
        QTest::newRow("zero input scale") << "inputScale" << 0.0;
    }

    void invalidOptionsThrow()
    {
        QFETCH(QString, field);
        QFETCH(double, value);
        FbankOptions o;
        setOption(o, field, value);
        try {
            Fbank fbank(o);
            QFAIL("no InputError thrown");
        } catch (const InputError& e) {
            QVERIFY2(QString::fromUtf8(e.what()).contains("FbankOptions." + field), e.what());
        }
    }

    void validEdgeOptionsAccepted()
    {
        FbankOptions o;
        o.numMelBins = 3;
        o.preemphasis = 0.0f;
        o.removeDcOffset = false;
        o.highFreq = 7600.0f;
        Fbank fbank(o);
        QCOMPARE(fbank.compute(testSignal(1600, 16000)).frames, 8);
    }

    void noDitherIsDeterministic()
    {
        Fbank fbank(FbankOptions{});
        const auto x = testSignal(8000, 16000);
        const FeatureMatrix a = fbank.compute(x);
        const FeatureMatrix b = fbank.compute(x);
        QCOMPARE(a.frames, 48);
        QVERIFY(a.data == b.data);
    }

    void ditherIsSeeded()
    {
        // Quiet input so the dither (in int16 units) is visible in the features.
        std::vector<float> x(8000);
        for (size_t i = 0; i < x.size(); ++i)
            x[i] = 1e-4f * std::sin(0.05f * i);
        FbankOptions o;
        o.dither = 1.0f;
        o.ditherSeed = 42;
        Fbank a(o);
        Fbank b(o);
        o.ditherSeed = 43;
        Fbank c(o);
        o.dither = 0.0f;
        Fbank clean(o);
        const FeatureMatrix fa = a.compute(x);
        const FeatureMatrix fb = b.compute(x);
        const FeatureMatrix fc = c.compute(x);
        const FeatureMatrix f0 = clean.compute(x);
        QVERIFY(fa.data == fb.data);
        QVERIFY(maxAbsDiff(fa, fc) > 0.1);
        QVERIFY(maxAbsDiff(fa, f0) > 0.1);
        // The generator runs on: a second call on one instance gets fresh noise.
        QVERIFY(maxAbsDiff(a.compute(x), fa) > 0.1);
    }
};

QTEST_GUILESS_MAIN(TestFbank)
#include "test_fbank.moc"
