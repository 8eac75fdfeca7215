#include "core/audio/audio_file.h"
#include "core/audio/mix.h"
#include "core/augment/ops/audio_cache.h"
#include "core/augment/ops/noise.h"
#include "tests/core/augment/ops_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

using namespace espalier;
using namespace espalier::augment;
using namespace espalier::augment::testing;

namespace {

// A voiced, amplitude-modulated "utterance" (harmonics of f0) at rate.
std::vector<float> voice(double f0, double seconds, int rate, double level)
{
    std::vector<float> x(size_t(std::lround(seconds * rate)));
    for (size_t i = 0; i < x.size(); ++i) {
        const double t = double(i) / rate;
        double v = 0;
        for (int h = 1; h <= 8; ++h) v += std::sin(2 * kPi * f0 * h * t + h) / h;
        x[i] = float(level * v * (0.55 + 0.45 * std::sin(2 * kPi * 4 * t)));
    }
    return x;
}

} // namespace

class TestNoiseOp : public QObject {
    Q_OBJECT

    QTemporaryDir dir_;
    std::string list_;      // WeNet data.list of five recordings
    std::string kaldiDir_;  // the same in a Kaldi dir with wav.scp only
    std::vector<std::string> files_;
    double maxSnrError_ = 0;

    std::string path(const std::string& name) const { return dir_.path().toStdString() + "/" + name; }

    ParamMap withSource(const std::string& source, double snr) const
    {
        return {{"source", std::vector<std::string>{source}},
                {"snr_choices", std::vector<double>{snr}},
                {"noise_manifest", list_}};
    }

private slots:
    void initTestCase()
    {
        QVERIFY(dir_.isValid());
        std::ofstream list(path("noise.list"));
        std::filesystem::create_directories(path("kaldi"));
        std::ofstream scp(path("kaldi/wav.scp"));
        const double f0s[] = {110, 145, 190, 230, 275};
        for (int i = 0; i < 5; ++i) {
            const int rate = i == 4 ? 8000 : 16000;  // one file needs resampling
            audio::Audio a;
            a.sampleRate = rate;
            a.samples = voice(f0s[i], 0.4 + 0.3 * i, rate, 0.05 + 0.1 * i);  // shorter than the signal: looped
            const std::string file = path("n" + std::to_string(i) + ".wav");
            audio::writeWav(file, a);
            files_.push_back(file);
            list << "{\"key\":\"n" << i << "\",\"wav\":\"n" << i << ".wav\",\"txt\":\"-\"}\n";
            scp << "n" << i << " " << file << "\n";
        }
        list_ = path("noise.list");
        kaldiDir_ = path("kaldi");
    }

    void cleanupTestCase() { qInfo("largest |measured SNR - target| over all rows: %.2e dB", maxSnrError_); }

    void hitsTargetSnr_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<double>("snr");
        for (const char* source : {"white", "pink", "brown", "file", "babble"})
            for (double snr : {-5.0, 0.0, 7.3, 15.0, 20.0})
                QTest::newRow(qPrintable(QString("%1 %2 dB").arg(source).arg(snr))) << QString(source) << snr;
    }

    void hitsTargetSnr()
    {
        QFETCH(QString, source);
        QFETCH(double, snr);
        const auto op = NoiseOp::create(withSource(source.toStdString(), snr), {});
        const Signal input = signalOf(voice(160, 2.0, 16000, 0.2));
        Signal s = input;
        runtime::SeededRandom random(9);
        AppliedOp drawn = op->draw(s, random);
        QCOMPARE(QString::fromStdString(drawn.label("noise")), source);
        QCOMPARE(drawn.value("snr_db", 0), snr);
        op->apply(s, drawn);
        QCOMPARE(s.samples.size(), input.samples.size());
        double addedPower = 0;
        for (size_t i = 0; i < s.samples.size(); ++i) {
            const double d = double(s.samples[i]) - double(input.samples[i]);
            addedPower += d * d;
        }
        addedPower /= double(s.samples.size());
        const double measured = 10 * std::log10(meanPower(input.samples) / addedPower);
        maxSnrError_ = std::max(maxSnrError_, std::fabs(measured - snr));
        QVERIFY2(std::fabs(measured - snr) < 0.1, qPrintable(QString("measured %1 dB").arg(measured)));
        QVERIFY2(std::fabs(drawn.value("snr_measured_db", 1e9) - measured) < 1e-6,
                 qPrintable(QString("recorded %1 dB").arg(drawn.value("snr_measured_db", 1e9))));

        std::vector<std::string> used;
        for (const auto& [name, v] : drawn.labels)
            if (name == "file") used.push_back(v);
        if (source == "file") QCOMPARE(int(used.size()), 1);
        if (source == "babble") {
            QVERIFY(used.size() >= 3 && used.size() <= 5);
            QCOMPARE(drawn.value("talkers", 0), double(used.size()));
        }
        if (source != "file" && source != "babble") QVERIFY(used.empty());
        for (const auto& f : used) QVERIFY(std::find(files_.begin(), files_.end(), f) != files_.end());
    }

    // The added noise is exactly the drawn colour's generator output (scaled), for each colour.
    void colouredNoiseIsTheDrawnOne_data()
    {
        QTest::addColumn<QString>("source");
        QTest::addColumn<int>("colour");
        QTest::newRow("white") << "white" << int(audio::NoiseColour::White);
        QTest::newRow("pink") << "pink" << int(audio::NoiseColour::Pink);
        QTest::newRow("brown") << "brown" << int(audio::NoiseColour::Brown);
    }

    void colouredNoiseIsTheDrawnOne()
    {
        QFETCH(QString, source);
        QFETCH(int, colour);
        const auto op = NoiseOp::create(withSource(source.toStdString(), 10), {});
        const Signal input = signalOf(voice(160, 1.0, 16000, 0.2));
        Signal s = input;
        runtime::SeededRandom random(4);
        AppliedOp drawn = op->draw(s, random);
        op->apply(s, drawn);
        const auto ref = audio::colouredNoise(audio::NoiseColour(colour), input.samples.size(),
                                              std::uint64_t(drawn.value("noise_seed", -1)));
        double dot = 0, norm = 0;
        for (size_t i = 0; i < ref.size(); ++i) {
            dot += (double(s.samples[i]) - input.samples[i]) * ref[i];
            norm += double(ref[i]) * ref[i];
        }
        const double g = dot / norm;
        for (size_t i = 0; i < ref.size(); ++i)
            QVERIFY(std::fabs(double(s.samples[i]) - input.samples[i] - g * ref[i]) < 1e-6);
    }

    // File noise: the recorded file, looped from the recorded offset.
    void fileNoiseLoopsFromOffset()
    {
        const auto op = NoiseOp::create(withSource("file", 3), {});
        const Signal input = signalOf(voice(160, 3.0, 16000, 0.2));
        for (std::uint64_t seed = 1; seed <= 5; ++seed) {
            Signal s = input;
            runtime::SeededRandom random(seed);
            AppliedOp drawn = op->draw(s, random);
            op->apply(s, drawn);
            const auto noise = audio::readAudio(drawn.label("file"), 16000).samples;
            const size_t offset = size_t(drawn.value("offset", -1));
            QVERIFY(offset < noise.size());
            double dot = 0, norm = 0;
            std::vector<double> ref(s.samples.size());
            for (size_t i = 0; i < ref.size(); ++i) {
                ref[i] = noise[(offset + i) % noise.size()];
                dot += (double(s.samples[i]) - input.samples[i]) * ref[i];
                norm += ref[i] * ref[i];
            }
            const double g = dot / norm;
            QVERIFY(g > 0);
            for (size_t i = 0; i < ref.size(); ++i)
                QVERIFY(std::fabs(double(s.samples[i]) - input.samples[i] - g * ref[i]) < 1e-6);
        }
    }

    void kaldiDirAndRelativePaths()
    {
        OpContext context;
        context.baseDir = dir_.path().toStdString();
        const auto viaKaldi = NoiseOp::create({{"source", std::vector<std::string>{"file"}}, {"noise_manifest", std::string("kaldi")}}, context);
        QCOMPARE(std::get<std::string>(viaKaldi->params().at("noise_manifest")), std::string("kaldi"));
        std::set<std::string> seen;
        runtime::SeededRandom random(1);
        const Signal input = signalOf(voice(160, 0.5, 16000, 0.2));
        for (int i = 0; i < 60; ++i) seen.insert(viaKaldi->draw(input, random).label("file"));
        QCOMPARE(seen, std::set<std::string>(files_.begin(), files_.end()));
    }

    void silentInputSkipped()
    {
        const auto op = NoiseOp::create(withSource("pink", 10), {});
        Signal s = signalOf(std::vector<float>(8000, 0.0f));
        runtime::SeededRandom random(1);
        AppliedOp drawn = op->draw(s, random);
        op->apply(s, drawn);
        QCOMPARE(s.samples, std::vector<float>(8000, 0.0f));
        QCOMPARE(QString::fromStdString(drawn.label("skipped")), QString("silent input"));
        QVERIFY(!drawn.hasValue("snr_measured_db"));
        QVERIFY(QString::fromStdString(drawn.summary()).contains("skipped"));
    }

    void missingFileInManifest()
    {
        const std::string bad = path("bad.list");
        std::ofstream(bad) << "{\"key\":\"a\",\"wav\":\"n0.wav\",\"txt\":\"-\"}\n"
                           << "{\"key\":\"b\",\"wav\":\"gone.wav\",\"txt\":\"-\"}\n";
        OpContext context;
        context.where = "p.yaml: op 1 (noise)";
        const QString m = errorOf([&] {
            NoiseOp::create({{"source", std::vector<std::string>{"babble"}}, {"noise_manifest", bad}}, context);
        });
        QVERIFY2(m.startsWith("p.yaml: op 1 (noise): 'noise_manifest'"), qPrintable(m));
        QVERIFY2(m.contains("gone.wav"), qPrintable(m));
    }

    void babbleWithoutManifestNamesBoth()
    {
        const QString m = errorOf([] { NoiseOp::create({{"source", std::vector<std::string>{"white", "babble"}}}, {}); });
        QVERIFY2(m.contains("'source'") && m.contains("babble") && m.contains("noise_manifest"), qPrintable(m));
    }

    // One op shared by several workers gives what it gives on one thread.
    void threadSafe()
    {
        const auto op = NoiseOp::create({{"source", std::vector<std::string>{"file", "babble", "pink"}},
                                         {"noise_manifest", list_}},
                                        {});
        const Signal input = signalOf(voice(160, 0.7, 16000, 0.2));
        const int runs = 48;
        auto one = [&](int i) {
            Signal s = input;
            runtime::SeededRandom random(runtime::deriveSeed(77, std::uint64_t(i)));
            AppliedOp drawn = op->draw(s, random);
            op->apply(s, drawn);
            return s.samples;
        };
        std::vector<std::vector<float>> parallel(runs);
        std::vector<std::thread> threads;
        for (int t = 0; t < 4; ++t)
            threads.emplace_back([&, t] {
                for (int i = t; i < runs; i += 4) parallel[size_t(i)] = one(i);
            });
        for (auto& t : threads) t.join();
        for (int i = 0; i < runs; ++i) QCOMPARE(parallel[size_t(i)], one(i));
    }

    void cacheIsBounded()
    {
        AudioCache cache(60000);  // bytes: room for about two of the files
        for (int round = 0; round < 2; ++round)
            for (const auto& f : files_) {
                const auto samples = cache.get(f, 16000);
                QVERIFY(!samples->empty());
                QVERIFY(cache.bytes() <= 60000 || cache.bytes() == samples->size() * sizeof(float));
            }
        const auto a = cache.get(files_[0], 16000), b = cache.get(files_[0], 16000);
        QCOMPARE(a.get(), b.get());  // a hit returns the cached copy
        QVERIFY(cache.get(files_[0], 8000)->size() < a->size());  // keyed by rate too
    }
};

QTEST_APPLESS_MAIN(TestNoiseOp)
#include "test_noise_op.moc"
