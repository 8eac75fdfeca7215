// SpeechSynth runs espeak-ng inside the test process, so it has an executable of its own: the
// corpus tests need a process that has never started espeak-ng (see data/synth_worker.h).
#include "core/data/corpus_synth.h"
#include "core/data/speech_synth.h"
#include "core/job/job.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <thread>

using namespace espalier;
using datatest::rms;
namespace fs = std::filesystem;

namespace {

class WarningRecorder : public job::JobObserver {
public:
    void onLog(job::LogLevel level, const std::string& line) override
    {
        if (level == job::LogLevel::Warning)
            warnings.push_back(line);
    }
    std::vector<std::string> warnings;
};

} // namespace

class TestSpeechSynth : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;

    fs::path tmpPath(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        QVERIFY(!data::SpeechSynth::engineStarted());
    }

    void startsOnceAndDescribesItself()
    {
        data::SpeechSynth synth;
        QVERIFY(data::SpeechSynth::engineStarted());
        QCOMPARE(synth.nativeRate(), 22050);
        QVERIFY(!synth.version().empty());
        QVERIFY(fs::is_regular_file(fs::path(synth.dataPath()) / "phontab"));
        QVERIFY(synth.hasVariant("f2"));
        QVERIFY(!synth.hasVariant("no-such-variant"));
        QVERIFY(!synth.hasVariant("../f2"));
        QVERIFY(synth.hasLanguage("cmn"));
        QVERIFY(synth.hasLanguage("yue"));
        QVERIFY(!synth.hasLanguage("xx"));
        const auto variants = synth.variants();
        QVERIFY(std::is_sorted(variants.begin(), variants.end()));
        QVERIFY(std::find(variants.begin(), variants.end(), "klatt") != variants.end());

        // A second instance shares the engine; naming the folder in use is fine.
        data::SpeechSynth same(synth.dataPath());
        QCOMPARE(same.dataPath(), synth.dataPath());
        QCOMPARE(same.nativeRate(), synth.nativeRate());
    }

    void speechIsTrimmedAndFollowsTheVoice()
    {
        data::SpeechSynth synth;
        data::VoiceSettings voice;
        voice.variant = "f2";
        voice.rate = 160;
        const std::vector<float> speech = synth.synthesize("打开客厅的灯", voice, 16000);
        const double seconds = speech.size() / 16000.0;
        QVERIFY2(seconds > 0.8 && seconds < 5.0, qPrintable(QString::number(seconds)));
        // 100 ms of digital silence on each side, speech right after it.
        for (size_t i = 0; i < 1600; ++i) {
            QCOMPARE(speech[i], 0.0f);
            QCOMPARE(speech[speech.size() - 1 - i], 0.0f);
        }
        QVERIFY(std::fabs(speech[1600]) > 1.0f / 256.0f);
        QVERIFY(rms(speech, 1600, speech.size() - 1600) > 0.02);

        const std::vector<float> native = synth.synthesizeNative("打开客厅的灯", voice);
        QVERIFY(native.size() > speech.size());  // untrimmed, at 22050 Hz
        QVERIFY(std::all_of(native.begin(), native.end(), [](float x) { return x >= -1.0f && x < 1.0f; }));

        data::VoiceSettings cantonese = voice;
        cantonese.language = "yue";
        QVERIFY(rms(synth.synthesize("打开客厅的灯", cantonese, 16000), 0, 100000) > 0.02);
        data::VoiceSettings slow = voice;
        slow.rate = 130;
        data::VoiceSettings fast = voice;
        fast.rate = 210;
        QVERIFY(synth.synthesize("我的手机号是幺三八零零", slow, 16000).size() >
                synth.synthesize("我的手机号是幺三八零零", fast, 16000).size() * 5 / 4);
    }

    void finishSpeechResamplesAndTrims()
    {
        // 0.5 s of silence, 1 s of a 440 Hz tone, 0.5 s of silence at 22050 Hz.
        std::vector<float> native(22050 * 2, 0.0f);
        for (size_t i = 11025; i < 11025 + 22050; ++i)
            native[i] = 0.5f * float(std::sin(2.0 * M_PI * 440.0 * double(i) / 22050.0));
        data::VoiceSettings voice;
        const std::vector<float> out = data::finishSpeech(native, 22050, 16000, 0.05, "tone", voice);
        QVERIFY2(std::abs(int(out.size()) - (16000 + 1600)) < 40, qPrintable(QString::number(out.size())));
        for (size_t i = 0; i < 800; ++i)
            QCOMPARE(out[i], 0.0f);
        QVERIFY(rms(out, 800, out.size() - 800) > 0.3);
        try {
            data::finishSpeech(std::vector<float>(22050, 0.0f), 22050, 16000, 0.1, "沉默", voice);
            QFAIL("no error for silence");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("沉默") != std::string::npos, e.what());
        }
        QVERIFY_THROWS_EXCEPTION(InputError, data::finishSpeech(native, 22050, 0, 0.1, "tone", voice));
    }

    void rejectsMissingVoicesAndData()
    {
        data::SpeechSynth synth;
        data::VoiceSettings voice;
        voice.variant = "no-such-variant";
        try {
            synth.synthesize("你好", voice, 16000);
            QFAIL("no error for a missing variant");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("no-such-variant") != std::string::npos, e.what());
        }
        voice.variant.clear();
        voice.language = "xx";
        QVERIFY_THROWS_EXCEPTION(InputError, synth.synthesize("你好", voice, 16000));
        voice.language = "cmn";
        voice.pitch = 101;
        QVERIFY_THROWS_EXCEPTION(InputError, synth.synthesize("你好", voice, 16000));
        voice.pitch = 50;
        QVERIFY_THROWS_EXCEPTION(InputError, synth.synthesize("你好", voice, -1));

        QVERIFY_THROWS_EXCEPTION(IoError, data::SpeechSynth((tmpPath("no-such-dir")).string()));
        const fs::path empty = tmpPath("empty-espeak-data");
        fs::create_directories(empty / "espeak-ng-data");
        QVERIFY_THROWS_EXCEPTION(IoError, data::SpeechSynth(empty.string()));

        // Another data folder than the one the process runs: refused, not silently ignored.
        const fs::path copy = tmpPath("other-espeak-data");
        fs::create_directories(copy);
        std::ofstream(copy / "phontab") << "x";
        try {
            data::SpeechSynth other(copy.string());
            QFAIL("no error for a second data folder");
        } catch (const IoError& e) {
            QVERIFY2(std::string(e.what()).find(copy.string()) != std::string::npos, e.what());
        }
    }

    void usableFromSeveralThreads()
    {
        data::VoiceSettings voice;
        std::vector<std::vector<float>> results(4);
        std::vector<std::thread> threads;
        for (size_t t = 0; t < results.size(); ++t)
            threads.emplace_back([&results, t, voice] {
                data::SpeechSynth synth;
                for (int k = 0; k < 3; ++k)
                    results[t] = synth.synthesize("现在几点了", voice, 16000);
            });
        for (auto& thread : threads)
            thread.join();
        for (const auto& speech : results)
            QVERIFY(rms(speech, 0, speech.size()) > 0.02);
    }

    void corpusAfterInProcessUseWarns()
    {
        // This process has started espeak-ng, so its worker processes inherit its state.
        data::SynthOptions options;
        options.outDir = tmpPath("corpus").string();
        options.utterances = 5;
        WarningRecorder recorder;
        job::CancellationToken token;
        data::CorpusSynthJob job(options);
        const job::JobResult result = job::runJob(job, &recorder, token);
        QCOMPARE(result.outcome, job::JobOutcome::Succeeded);
        QVERIFY(std::any_of(recorder.warnings.begin(), recorder.warnings.end(),
                            [](const std::string& w) { return w.find("reproducible") != std::string::npos; }));
        QVERIFY(fs::is_regular_file(fs::path(options.outDir) / "synth.json"));
    }
};

QTEST_GUILESS_MAIN(TestSpeechSynth)
#include "test_speech_synth.moc"
