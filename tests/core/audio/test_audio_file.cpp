#include "core/audio/audio_file.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QtTest>

#include <sndfile.h>

#include <cmath>
#include <cstdint>
#include <fstream>
#include <functional>
#include <random>

using namespace espalier;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Interleaved 16-bit test signal: channel c is a sine of amplitude 0.1·(c+1) at 300·(c+1) Hz, except
// the sixth (the LFE of a 5.1 layout, which Vorbis low-passes) at 60 Hz.
std::vector<short> testSignal(int rate, int channels, int frames)
{
    std::vector<short> pcm(size_t(frames) * size_t(channels));
    for (int i = 0; i < frames; ++i)
        for (int c = 0; c < channels; ++c) {
            const double freq = c == 5 ? 60.0 : 300.0 * (c + 1);
            pcm[size_t(i) * size_t(channels) + size_t(c)] =
                short(std::lrint(32767.0 * 0.1 * (c + 1) * std::sin(2 * kPi * freq * i / rate)));
        }
    return pcm;
}

std::vector<float> monoMean(const std::vector<short>& pcm, int channels)
{
    std::vector<float> out(pcm.size() / size_t(channels));
    for (size_t i = 0; i < out.size(); ++i) {
        double sum = 0;
        for (int c = 0; c < channels; ++c) sum += pcm[i * size_t(channels) + size_t(c)] / 32768.0;
        out[i] = float(sum / channels);
    }
    return out;
}

void writeSndfile(const std::string& path, int format, int rate, int channels, const std::vector<short>& pcm)
{
    SF_INFO info{};
    info.samplerate = rate;
    info.channels = channels;
    info.format = format;
    SNDFILE* f = sf_open(path.c_str(), SFM_WRITE, &info);
    QVERIFY2(f, sf_strerror(nullptr));
    const sf_count_t frames = sf_count_t(pcm.size()) / channels;
    if ((format & SF_FORMAT_SUBMASK) == SF_FORMAT_FLOAT) {
        std::vector<float> x(pcm.size());
        for (size_t i = 0; i < x.size(); ++i) x[i] = pcm[i] / 32768.0f;
        QCOMPARE(sf_writef_float(f, x.data(), frames), frames);
    } else {
        QCOMPARE(sf_writef_short(f, pcm.data(), frames), frames);
    }
    QCOMPARE(sf_close(f), 0);
}

void writeBytes(const std::string& path, const std::string& bytes)
{
    std::ofstream(path, std::ios::binary).write(bytes.data(), std::streamsize(bytes.size()));
}

// Zero crossings per second / 2 over the middle of the signal.
double toneFrequency(const std::vector<float>& x, int rate)
{
    int crossings = 0;
    double first = -1, last = -1;
    for (size_t i = x.size() / 10 + 1; i < x.size() * 9 / 10; ++i) {
        if ((x[i - 1] < 0) != (x[i] < 0)) {
            const double t = double(i - 1) + x[i - 1] / double(x[i - 1] - x[i]);
            if (first < 0) first = t;
            last = t;
            ++crossings;
        }
    }
    return (crossings - 1) / (2.0 * (last - first) / rate);
}

} // namespace

class TestAudioFile : public QObject {
    Q_OBJECT

private slots:
    void decodesFormats_data()
    {
        QTest::addColumn<int>("format");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("channels");
        QTest::addColumn<QString>("formatName");
        QTest::addColumn<double>("tolerance");
        const struct {
            const char* name;
            int format;
            const char* formatName;
            double tolerance;
        } formats[] = {
            {"wav", SF_FORMAT_WAV | SF_FORMAT_PCM_16, "WAV PCM_16", 1e-6},
            {"flac", SF_FORMAT_FLAC | SF_FORMAT_PCM_16, "FLAC PCM_16", 1e-6},
            {"ogg", SF_FORMAT_OGG | SF_FORMAT_VORBIS, "OGG VORBIS", 0.2},  // lossy; 5.1 LFE is coded coarsely
        };
        for (const auto& f : formats)
            for (int rate : {8000, 16000, 44100})
                for (int channels : {1, 2, 6})
                    QTest::addRow("%s %d Hz %d ch", f.name, rate, channels)
                        << f.format << rate << channels << QString(f.formatName) << f.tolerance;
        QTest::newRow("wav 24-bit 16 kHz 2 ch") << (SF_FORMAT_WAV | SF_FORMAT_PCM_24) << 16000 << 2
                                                << QString("WAV PCM_24") << 1e-6;
        QTest::newRow("wav float 16 kHz 1 ch") << (SF_FORMAT_WAV | SF_FORMAT_FLOAT) << 16000 << 1
                                               << QString("WAV FLOAT") << 1e-6;
        QTest::newRow("flac 24-bit 44.1 kHz 6 ch") << (SF_FORMAT_FLAC | SF_FORMAT_PCM_24) << 44100 << 6
                                                   << QString("FLAC PCM_24") << 1e-6;
    }
    void decodesFormats()
    {
        QFETCH(int, format);
        QFETCH(int, rate);
        QFETCH(int, channels);
        QFETCH(QString, formatName);
        QFETCH(double, tolerance);
        QTemporaryDir dir;
        const std::string path = dir.filePath("audio.bin").toStdString();
        const int frames = rate / 2;
        const std::vector<short> pcm = testSignal(rate, channels, frames);
        writeSndfile(path, format, rate, channels, pcm);

        const audio::AudioInfo info = audio::probeAudio(path);
        QCOMPARE(info.sampleRate, rate);
        QCOMPARE(info.channels, channels);
        QCOMPARE(info.frames, (long long)frames);
        QCOMPARE(QString::fromStdString(info.format), formatName);
        QCOMPARE(info.duration(), 0.5);

        const audio::Audio a = audio::readAudio(path);
        QCOMPARE(a.sampleRate, rate);
        QCOMPARE(a.samples.size(), size_t(frames));
        const std::vector<float> expected = monoMean(pcm, channels);
        double maxErr = 0, errEnergy = 0, energy = 0;
        for (size_t i = 0; i < expected.size(); ++i) {
            const double e = double(a.samples[i]) - expected[i];
            maxErr = std::max(maxErr, std::fabs(e));
            errEnergy += e * e;
            energy += double(expected[i]) * expected[i];
        }
        if (tolerance < 1e-3) {
            QVERIFY2(maxErr <= tolerance, qPrintable(QString("max error %1").arg(maxErr)));
        } else {
            // Lossy: the decoded mono mix stays near the original (a wrong down-mix is off by > 50 %).
            const double relRms = std::sqrt(errEnergy / energy);
            QVERIFY2(relRms < tolerance, qPrintable(QString("relative RMS error %1").arg(relRms)));
        }
    }

    void writeWavRoundTripsAndClips()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("out.wav").toStdString();
        audio::Audio in;
        in.sampleRate = 16000;
        for (int k = -32768; k < 32768; k += 97) in.samples.push_back(float(k) / 32768.0f);
        const size_t exact = in.samples.size();
        in.samples.insert(in.samples.end(), {1.5f, -2.0f, 1.0f, -1.0f});
        audio::writeWav(path, in);

        const audio::AudioInfo info = audio::probeAudio(path);
        QCOMPARE(info.format, std::string("WAV PCM_16"));
        QCOMPARE(info.channels, 1);
        const audio::Audio back = audio::readAudio(path);
        QCOMPARE(back.sampleRate, 16000);
        QCOMPARE(back.samples.size(), in.samples.size());
        for (size_t i = 0; i < exact; ++i) QCOMPARE(back.samples[i], in.samples[i]);
        QCOMPARE(back.samples[exact + 0], 32767.0f / 32768.0f);
        QCOMPARE(back.samples[exact + 1], -1.0f);
        QCOMPARE(back.samples[exact + 2], 32767.0f / 32768.0f);
        QCOMPARE(back.samples[exact + 3], -1.0f);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{"out.wav"});
    }

    void writeWavRejectsBadInput()
    {
        QTemporaryDir dir;
        audio::Audio bad;
        bad.samples = {0.1f};
        QVERIFY_THROWS_EXCEPTION(InputError, audio::writeWav(dir.filePath("a.wav").toStdString(), bad));
        bad.sampleRate = 16000;
        QVERIFY_THROWS_EXCEPTION(IoError, audio::writeWav(dir.filePath("missing/a.wav").toStdString(), bad));
    }

    void readResamplesToTarget_data()
    {
        QTest::addColumn<int>("fileRate");
        QTest::addColumn<int>("targetRate");
        QTest::newRow("44.1k to 16k") << 44100 << 16000;
        QTest::newRow("8k to 16k") << 8000 << 16000;
        QTest::newRow("16k unchanged") << 16000 << 16000;
    }
    void readResamplesToTarget()
    {
        QFETCH(int, fileRate);
        QFETCH(int, targetRate);
        QTemporaryDir dir;
        const std::string path = dir.filePath("tone.wav").toStdString();
        const int frames = fileRate;  // one second
        writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, fileRate, 2, testSignal(fileRate, 2, frames));
        const audio::Audio a = audio::readAudio(path, targetRate);
        QCOMPARE(a.sampleRate, targetRate);
        QCOMPARE(a.samples.size(), size_t(targetRate));
        QCOMPARE(a.duration(), 1.0);
        // Channel 0 holds 300 Hz at 0.1, channel 1 600 Hz at 0.2: the mix still crosses zero at the
        // same rate as before resampling.
        const double before = toneFrequency(audio::readAudio(path).samples, fileRate);
        QVERIFY(std::fabs(toneFrequency(a.samples, targetRate) - before) < 1.0);
        QVERIFY_THROWS_EXCEPTION(InputError, audio::readAudio(path, 0));
    }

    void rejectsBadFiles_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("isIoError");
        QTest::addColumn<QString>("needle");
        QTest::newRow("missing path") << "missing" << true << "cannot open audio file";
        QTest::newRow("folder") << "folder" << true << "cannot open audio file";
        QTest::newRow("empty file") << "empty" << false << "empty";
        QTest::newRow("random bytes") << "random" << false << "cannot decode audio file";
        QTest::newRow("text file") << "text" << false << "cannot decode audio file";
        QTest::newRow("truncated wav") << "truncated-wav" << false << "truncated";
        QTest::newRow("wav header only") << "header-only" << false << "cannot decode audio file";
        QTest::newRow("absurd data size") << "absurd" << false << "truncated";
        QTest::newRow("truncated flac") << "truncated-flac" << false << "truncated";
        QTest::newRow("truncated aiff") << "truncated-aiff" << false << "truncated";
        QTest::newRow("no samples") << "no-samples" << false << "no audio samples";
    }
    void rejectsBadFiles()
    {
        QFETCH(QString, kind);
        QFETCH(bool, isIoError);
        QFETCH(QString, needle);
        QTemporaryDir dir;
        const std::string path = dir.filePath("input.wav").toStdString();
        const std::string valid = dir.filePath("valid.wav").toStdString();
        const std::string validFlac = dir.filePath("valid.flac").toStdString();
        writeSndfile(valid, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2, testSignal(16000, 2, 16000));
        writeSndfile(validFlac, SF_FORMAT_FLAC | SF_FORMAT_PCM_16, 16000, 1, testSignal(16000, 1, 64000));
        const std::string wav = io::readFile(valid);

        if (kind == "folder") {
            QVERIFY(QDir(dir.path()).mkdir("input.wav"));
        } else if (kind == "empty") {
            writeBytes(path, "");
        } else if (kind == "random") {
            std::mt19937 rng(7);
            std::string bytes(4096, '\0');
            for (char& c : bytes) c = char(rng());
            writeBytes(path, bytes);
        } else if (kind == "text") {
            writeBytes(path, "utt1 /data/wav/utt1.wav\nutt2 /data/wav/utt2.wav\n");
        } else if (kind == "truncated-wav") {
            writeBytes(path, wav.substr(0, wav.size() / 2 + 1));  // cut mid-frame too
        } else if (kind == "header-only") {
            writeBytes(path, wav.substr(0, 36));
        } else if (kind == "absurd") {
            std::string bytes = wav.substr(0, 44 + 64);
            bytes[40] = bytes[41] = bytes[42] = '\xf0';  // data chunk claims ~4 GB
            bytes[43] = '\x7f';
            writeBytes(path, bytes);
        } else if (kind == "truncated-flac") {
            const std::string flac = io::readFile(validFlac);
            writeBytes(path, flac.substr(0, flac.size() / 2));
        } else if (kind == "truncated-aiff") {
            const std::string aiff = dir.filePath("valid.aiff").toStdString();
            writeSndfile(aiff, SF_FORMAT_AIFF | SF_FORMAT_PCM_24, 16000, 3, testSignal(16000, 3, 4000));
            writeBytes(path, io::readFile(aiff).substr(0, 5000));
        } else if (kind == "no-samples") {
            writeSndfile(path, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 1, {});
        }

        const auto check = [&](const char* what, const std::function<void()>& call) {
            try {
                call();
                QFAIL(qPrintable(QString("%1: expected an error").arg(what)));
            } catch (const Error& e) {
                const std::string msg = e.what();
                QVERIFY2(msg.find(path) != std::string::npos, msg.c_str());
                QVERIFY2(msg.find(needle.toStdString()) != std::string::npos, msg.c_str());
                if (isIoError)
                    QVERIFY2(dynamic_cast<const IoError*>(&e), msg.c_str());
                else
                    QVERIFY2(dynamic_cast<const FormatError*>(&e), msg.c_str());
            }
        };
        check("readAudio", [&] { audio::readAudio(path); });
        if (QTest::currentTestFailed()) return;
        // The header alone shows all but the cut FLAC stream and the sample-less file.
        if (kind != "truncated-flac" && kind != "no-samples") check("probeAudio", [&] { audio::probeAudio(path); });
    }

    void acceptsStreamedWavHeader()
    {
        // Writers that stream to a pipe leave the RIFF and data sizes at 0xFFFFFFFF: not truncation.
        QTemporaryDir dir;
        const std::string valid = dir.filePath("valid.wav").toStdString();
        const std::vector<short> pcm = testSignal(16000, 2, 4000);
        writeSndfile(valid, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 16000, 2, pcm);
        std::string bytes = io::readFile(valid);
        QCOMPARE(bytes.substr(36, 4), std::string("data"));
        bytes.replace(4, 4, "\xff\xff\xff\xff");
        bytes.replace(40, 4, "\xff\xff\xff\xff");
        const std::string path = dir.filePath("streamed.wav").toStdString();
        writeBytes(path, bytes);
        const audio::Audio a = audio::readAudio(path);
        QCOMPARE(a.samples.size(), size_t(4000));
        QCOMPARE(a.samples[123], monoMean(pcm, 2)[123]);
    }

    void probeFindsTruncatedWav()
    {
        QTemporaryDir dir;
        const std::string valid = dir.filePath("valid.wav").toStdString();
        writeSndfile(valid, SF_FORMAT_WAV | SF_FORMAT_PCM_16, 8000, 1, testSignal(8000, 1, 8000));
        const std::string path = dir.filePath("cut.wav").toStdString();
        writeBytes(path, io::readFile(valid).substr(0, 2000));
        QVERIFY_THROWS_EXCEPTION(FormatError, audio::probeAudio(path));
    }
};

QTEST_GUILESS_MAIN(TestAudioFile)
#include "test_audio_file.moc"
