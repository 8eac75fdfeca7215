#include "core/audio/audio_file.h"
#include "core/data/corpus_synth.h"
#include "core/data/sentence_pool.h"
#include "core/data/speech_synth.h"
#include "core/data/synth_worker.h"
#include "core/io/atomic_file.h"
#include "core/job/job.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QTemporaryDir>
#include <QtTest>

#include <nlohmann/json.hpp>

#include <csignal>
#include <sys/wait.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <map>
#include <set>
#include <sstream>

using namespace espalier;
using datatest::rms;
namespace fs = std::filesystem;

namespace {

// Every file under root, by path relative to root, with its bytes.
std::map<std::string, std::string> readTree(const fs::path& root)
{
    std::map<std::string, std::string> files;
    for (const auto& entry : fs::recursive_directory_iterator(root))
        if (entry.is_regular_file())
            files[fs::relative(entry.path(), root).string()] = io::readFile(entry.path().string());
    return files;
}

std::vector<std::string> lines(const std::string& text)
{
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty())
            out.push_back(line);
    return out;
}

// Code points of UTF-8 text (the text is assumed valid).
std::vector<char32_t> codePoints(const std::string& text)
{
    std::vector<char32_t> out;
    for (size_t i = 0; i < text.size();) {
        const unsigned char c = static_cast<unsigned char>(text[i]);
        const int n = c < 0x80 ? 1 : c < 0xE0 ? 2 : c < 0xF0 ? 3 : 4;
        char32_t cp = n == 1 ? c : n == 2 ? (c & 0x1F) : n == 3 ? (c & 0x0F) : (c & 0x07);
        for (int k = 1; k < n && i + size_t(k) < text.size(); ++k)
            cp = (cp << 6) | (static_cast<unsigned char>(text[i + size_t(k)]) & 0x3F);
        out.push_back(cp);
        i += size_t(n);
    }
    return out;
}

// Whether this process has children (running or not yet reaped).
bool hasChildProcesses()
{
    errno = 0;
    const pid_t pid = ::waitpid(-1, nullptr, WNOHANG);
    return !(pid == -1 && errno == ECHILD);
}

// This process's children (the synthesis workers while a job runs), from /proc.
std::vector<pid_t> childProcesses()
{
    std::vector<pid_t> pids;
    std::error_code ec;
    for (const auto& task : fs::directory_iterator("/proc/self/task", ec)) {
        std::ifstream in(task.path() / "children");
        for (pid_t pid = 0; in >> pid;)
            pids.push_back(pid);
    }
    return pids;
}

// Sends SIGKILL to every child process once the synthesis stage has done `after` utterances.
class KillWorkersAfter : public job::JobObserver {
public:
    explicit KillWorkersAfter(long long after) : after_(after) {}
    void onProgress(const job::JobProgress& progress) override
    {
        if (killed > 0 || progress.stageIndex != 0 || progress.done < after_)
            return;
        for (pid_t pid : childProcesses())
            if (::kill(pid, SIGKILL) == 0)
                ++killed;
    }
    int killed = 0;

private:
    long long after_;
};

// Cancels the token once the synthesis stage has done `after` utterances.
class CancelAfter : public job::JobObserver {
public:
    CancelAfter(job::CancellationToken& token, long long after) : token_(token), after_(after) {}
    void onProgress(const job::JobProgress& progress) override
    {
        if (progress.stageIndex == 0 && progress.done >= after_ && !token_.isCancelled()) {
            doneAtCancel = progress.done;
            totalAtCancel = progress.total;
            token_.cancel();
        }
    }
    long long doneAtCancel = -1;
    long long totalAtCancel = -1;

private:
    job::CancellationToken& token_;
    long long after_;
};

// Records the stages and the last progress of a run.
class Recorder : public job::JobObserver {
public:
    void onStage(const std::string& stage, int, int) override { stages.push_back(stage); }
    void onProgress(const job::JobProgress& progress) override { last = progress; }
    void onLog(job::LogLevel level, const std::string& line) override
    {
        if (level == job::LogLevel::Warning)
            warnings.push_back(line);
    }
    std::vector<std::string> stages;
    std::vector<std::string> warnings;
    job::JobProgress last;
};

void runSynth(const data::SynthOptions& options, job::JobObserver* observer = nullptr)
{
    job::CancellationToken token;
    job::JobContext context(observer, token);
    data::synthesizeCorpus(options, context);
}

data::SynthOptions smallOptions(const fs::path& out, std::uint64_t seed = 7)
{
    data::SynthOptions options;
    options.outDir = out.string();
    options.utterances = 30;
    options.seed = seed;
    return options;
}

} // namespace

Q_DECLARE_METATYPE(std::function<void(espalier::data::SynthOptions&)>)

class TestCorpusSynth : public QObject {
    Q_OBJECT

private:
    QTemporaryDir tmp_;
    fs::path first_, second_;  // the same small corpus made twice with seed 7

    fs::path tmpPath(const char* name) const { return fs::path(tmp_.path().toStdString()) / name; }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        first_ = tmpPath("first");
        second_ = tmpPath("second");
        Recorder recorder;
        runSynth(smallOptions(first_), &recorder);
        runSynth(smallOptions(second_));
        QCOMPARE(recorder.stages.size(), size_t(2));
        QCOMPARE(recorder.last.stageIndex, 1);
        QCOMPARE(recorder.last.done, recorder.last.total);
        QVERIFY(recorder.warnings.empty());
        // The corpus came from worker processes, all reaped; this process never started espeak-ng.
        QVERIFY(!hasChildProcesses());
        QVERIFY(!data::SpeechSynth::engineStarted());
    }

    // --- numbers and sentences --------------------------------------------------------------

    void hanziNumber_data()
    {
        QTest::addColumn<qlonglong>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("0") << 0LL << "零";
        QTest::newRow("7") << 7LL << "七";
        QTest::newRow("10") << 10LL << "十";
        QTest::newRow("15") << 15LL << "十五";
        QTest::newRow("26") << 26LL << "二十六";
        QTest::newRow("100") << 100LL << "一百";
        QTest::newRow("105") << 105LL << "一百零五";
        QTest::newRow("110") << 110LL << "一百一十";
        QTest::newRow("1005") << 1005LL << "一千零五";
        QTest::newRow("1050") << 1050LL << "一千零五十";
        QTest::newRow("2000") << 2000LL << "两千";
        QTest::newRow("10005") << 10005LL << "一万零五";
        QTest::newRow("20000") << 20000LL << "两万";
        QTest::newRow("100000") << 100000LL << "十万";
        QTest::newRow("1203040") << 1203040LL << "一百二十万三千零四十";
        QTest::newRow("100000005") << 100000005LL << "一亿零五";
    }

    void hanziNumber()
    {
        QFETCH(qlonglong, value);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(data::hanziNumber(value)), expected);
    }

    void hanziDigits()
    {
        QCOMPARE(QString::fromStdString(data::hanziDigits("2026")), QString("二零二六"));
        QCOMPARE(QString::fromStdString(data::hanziDigits("13801", true)), QString("幺三八零幺"));
        QVERIFY_THROWS_EXCEPTION(InputError, data::hanziDigits("12a"));
        QVERIFY_THROWS_EXCEPTION(InputError, data::hanziNumber(-1));
    }

    void seededRandomIsPortableAndInRange()
    {
        // std::mt19937_64's 10000th output for the default seed is fixed by the standard.
        data::SeededRandom standard(5489u);
        std::uint64_t value = 0;
        for (int i = 0; i < 10000; ++i)
            value = standard.next();
        QCOMPARE(value, std::uint64_t(9981545732273789042ULL));

        data::SeededRandom random(3);
        std::vector<int> histogram(7, 0);
        for (int i = 0; i < 7000; ++i) {
            const int v = random.between(-3, 3);
            QVERIFY(v >= -3 && v <= 3);
            ++histogram[size_t(v + 3)];
            const double u = random.unit();
            QVERIFY(u >= 0.0 && u < 1.0);
        }
        for (int count : histogram)
            QVERIFY2(count > 800 && count < 1200, qPrintable(QString::number(count)));
        QVERIFY(data::deriveSeed(1, 0) != data::deriveSeed(1, 1));
        QVERIFY(data::deriveSeed(1, 0) != data::deriveSeed(2, 0));
    }

    void sentencesAreChineseCharactersOnly()
    {
        const data::SentencePool pool;
        data::SeededRandom random(11);
        std::set<std::string> distinct;
        std::map<data::SentenceKind, int> kinds;
        for (int i = 0; i < 20000; ++i) {
            const data::Sentence s = pool.draw(random);
            const auto cps = codePoints(s.text);
            QVERIFY2(cps.size() >= size_t(data::SentencePool::kMinChars) &&
                         cps.size() <= size_t(data::SentencePool::kMaxChars),
                     s.text.c_str());
            for (char32_t cp : cps)
                QVERIFY2(cp >= 0x4E00 && cp <= 0x9FFF, s.text.c_str());
            distinct.insert(s.text);
            ++kinds[s.kind];
        }
        QVERIFY2(distinct.size() >= 5000, qPrintable(QString::number(distinct.size())));
        QCOMPARE(kinds.size(), size_t(4));
        for (const auto& [kind, count] : kinds)
            QVERIFY2(count > 2000, data::sentenceKindNames().name(kind));

        data::SeededRandom a(5), b(5);
        for (int i = 0; i < 200; ++i)
            QCOMPARE(pool.draw(a).text, pool.draw(b).text);
    }

    // --- espeak-ng workers --------------------------------------------------------------------

    void probeRunsOutOfProcess()
    {
        const data::EspeakInfo info = data::probeEspeak({"cmn", "yue"});
        QCOMPARE(info.nativeRate, 22050);
        QVERIFY(!info.version.empty());
        QVERIFY(fs::is_regular_file(fs::path(info.dataPath) / "phontab"));
        QVERIFY(std::is_sorted(info.variants.begin(), info.variants.end()));
        QVERIFY(std::binary_search(info.variants.begin(), info.variants.end(), "klatt"));
        try {
            data::probeEspeak({"cmn", "xx"});
            QFAIL("no error for a missing language");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("'xx'") != std::string::npos, e.what());
        }
        QVERIFY(!hasChildProcesses());
        QVERIFY(!data::SpeechSynth::engineStarted());
    }

    void workersAreReproducible()
    {
        std::vector<std::vector<data::SpeechRequest>> items;
        const char* texts[] = {"今天天气真不错", "现在几点了", "打开客厅的灯", "我的手机号是幺三八零零",
                               "播放音乐"};
        for (int i = 0; i < 5; ++i) {
            data::VoiceSettings voice;
            voice.variant = i % 2 ? "f2" : "m3";
            voice.language = i == 3 ? "yue" : "cmn";
            items.push_back({{texts[i], voice}});
        }
        items[4].push_back({texts[0], data::VoiceSettings{}});  // an item of two requests
        using Speech = std::vector<std::vector<std::vector<float>>>;
        std::vector<int> calls(items.size(), 0);
        auto run = [&](int lanes) -> Speech {
            Speech out(items.size());
            std::fill(calls.begin(), calls.end(), 0);
            data::synthesizeInWorkers(items, lanes, [&](size_t i, std::vector<std::vector<float>>&& native) {
                ++calls[i];
                out[i] = std::move(native);
            });
            return out;
        };
        const auto first = run(2);
        QVERIFY(std::all_of(calls.begin(), calls.end(), [](int n) { return n == 1; }));
        const auto again = run(2);
        QVERIFY(first == again);
        QCOMPARE(first[4].size(), size_t(2));
        for (const auto& item : first)
            for (const auto& native : item)
                QVERIFY(rms(native, 0, native.size()) > 0.01);
        // Item 2 is the second utterance of lane 0 with two lanes, the third with one: espeak-ng's
        // carried-over state makes the samples differ, which is why the lane count is fixed.
        const auto single = run(1);
        QCOMPARE(single[0], first[0]);
        QVERIFY(single[2] != first[2]);
        QVERIFY(!hasChildProcesses());
        QVERIFY(!data::SpeechSynth::engineStarted());
    }

    // --- the corpus --------------------------------------------------------------------------

    void sameSeedGivesIdenticalFiles()
    {
        const auto a = readTree(first_);
        const auto b = readTree(second_);
        QCOMPARE(a.size(), b.size());
        int wavs = 0;
        for (const auto& [path, bytes] : a) {
            const auto other = b.find(path);
            QVERIFY2(other != b.end(), path.c_str());
            QVERIFY2(other->second == bytes, path.c_str());
            wavs += path.rfind(".wav") == path.size() - 4;
        }
        QCOMPARE(wavs, 30);
        QVERIFY(!fs::exists(tmpPath("first.partial")));
    }

    void differentSeedGivesDifferentCorpus()
    {
        const fs::path other = tmpPath("seed8");
        runSynth(smallOptions(other, 8));
        QVERIFY(io::readFile((other / "train" / "data.list").string()) !=
                io::readFile((first_ / "train" / "data.list").string()));
        const auto a = readTree(first_);
        const auto b = readTree(other);
        int differing = 0;
        for (const auto& [path, bytes] : a) {
            const auto it = b.find(path);
            differing += it == b.end() || it->second != bytes;
        }
        QVERIFY2(differing > 25, qPrintable(QString::number(differing)));
    }

    void splitsHaveTheirCountsAndKinds_data()
    {
        QTest::addColumn<QString>("split");
        QTest::addColumn<int>("count");
        QTest::addColumn<QString>("speakerPrefix");  // "" = mixed
        // 30 utterances: dev and each test set get round(30 * 0.05) = 2, train the other 22.
        QTest::newRow("train") << "train" << 22 << "";
        QTest::newRow("dev") << "dev" << 2 << "";
        QTest::newRow("test_clean") << "test_clean" << 2 << "cmn";
        QTest::newRow("test_dialect") << "test_dialect" << 2 << "yue";
        QTest::newRow("test_noisy") << "test_noisy" << 2 << "cmn";
    }

    void splitsHaveTheirCountsAndKinds()
    {
        QFETCH(QString, split);
        QFETCH(int, count);
        QFETCH(QString, speakerPrefix);
        const fs::path dir = first_ / split.toStdString();
        const auto list = lines(io::readFile((dir / "data.list").string()));
        const auto scp = lines(io::readFile((dir / "wav.scp").string()));
        const auto text = lines(io::readFile((dir / "text").string()));
        const auto spk = lines(io::readFile((dir / "utt2spk").string()));
        QCOMPARE(int(list.size()), count);
        QCOMPARE(int(scp.size()), count);
        QCOMPARE(int(text.size()), count);
        QCOMPARE(int(spk.size()), count);
        for (int i = 0; i < count; ++i) {
            const auto entry = nlohmann::json::parse(list[size_t(i)]);
            const std::string key = entry["key"];
            char expectedKey[64];
            std::snprintf(expectedKey, sizeof expectedKey, "demo-%s-%06d", split.toUtf8().constData(), i);
            QCOMPARE(key, std::string(expectedKey));
            const std::string wav = entry["wav"];
            QVERIFY2(fs::is_regular_file(dir / wav), wav.c_str());  // relative to the split folder
            QCOMPARE(scp[size_t(i)], key + " " + wav);
            QCOMPARE(text[size_t(i)], key + " " + entry["txt"].get<std::string>());
            const std::string speaker = spk[size_t(i)].substr(key.size() + 1);
            if (!speakerPrefix.isEmpty())
                QVERIFY2(speaker.rfind(speakerPrefix.toStdString() + "+", 0) == 0, speaker.c_str());
        }

        const auto doc = nlohmann::json::parse(io::readFile((first_ / "synth.json").string()));
        const auto& counts = doc["splits"][split.toStdString()];
        QCOMPARE(counts["utterances"].get<int>(), count);
        if (split == "train") {
            QCOMPARE(counts["dialect"].get<int>(), 3);  // round(22 * 0.15)
            QCOMPARE(counts["noisy"].get<int>(), 3);
            QCOMPARE(counts["clean"].get<int>(), 16);
        } else if (split == "test_clean") {
            QCOMPARE(counts["clean"].get<int>(), count);
        } else if (split == "test_dialect") {
            QCOMPARE(counts["dialect"].get<int>(), count);
        } else if (split == "test_noisy") {
            QCOMPARE(counts["noisy"].get<int>(), count);
        }
    }

    void synthJsonRecordsOptionsAndVoices()
    {
        const auto doc = nlohmann::json::parse(io::readFile((first_ / "synth.json").string()));
        QCOMPARE(doc["options"]["utterances"].get<int>(), 30);
        QCOMPARE(doc["options"]["seed"].get<std::uint64_t>(), std::uint64_t(7));
        QCOMPARE(doc["options"]["sampleRate"].get<int>(), 16000);
        QVERIFY(doc["voices"]["variants"].size() >= 10);
        QCOMPARE(doc["utterances"].size(), size_t(30));
        std::set<std::string> noiseKinds;
        for (const auto& u : doc["utterances"]) {
            if (u["kind"] == "noisy") {
                noiseKinds.insert(u["noise"].get<std::string>());
                const double snr = u["snrDb"];
                QVERIFY(snr == 0 || snr == 5 || snr == 10 || snr == 15 || snr == 20);
            }
        }
        QVERIFY(!noiseKinds.empty());
    }

    void audioIs16kMonoSpeech()
    {
        for (const auto& entry : fs::directory_iterator(first_ / "wav")) {
            const std::string path = entry.path().string();
            const audio::AudioInfo info = audio::probeAudio(path);
            QCOMPARE(info.sampleRate, 16000);
            QCOMPARE(info.channels, 1);
            QVERIFY2(info.duration() > 0.6 && info.duration() < 12.0, path.c_str());
            const audio::Audio a = audio::readAudio(path);
            QVERIFY2(rms(a.samples, 0, a.samples.size()) > 0.01, path.c_str());
        }
    }

    void noisyUtterancesHaveANoiseFloor()
    {
        // The first 50 ms are the silence before speech: digital silence when clean, noise when noisy.
        auto floors = [&](const char* split) {
            std::vector<double> out;
            for (const auto& line : lines(io::readFile((first_ / split / "data.list").string()))) {
                const std::string wav = nlohmann::json::parse(line)["wav"];
                const audio::Audio a = audio::readAudio((first_ / split / wav).string());
                out.push_back(rms(a.samples, 0, 800));
            }
            return out;
        };
        const auto clean = floors("test_clean");
        const auto dialect = floors("test_dialect");
        const auto noisy = floors("test_noisy");
        const double cleanMax = std::max(*std::max_element(clean.begin(), clean.end()),
                                         *std::max_element(dialect.begin(), dialect.end()));
        QVERIFY(cleanMax < 1e-4);
        for (double floor : noisy)
            QVERIFY2(floor > 1e-3, qPrintable(QString::number(floor)));
    }

    void cancellingLeavesNothing()
    {
        const fs::path out = tmpPath("cancelled");
        data::SynthOptions options = smallOptions(out);
        options.utterances = 200;
        job::CancellationToken token;
        CancelAfter observer(token, 3);
        data::CorpusSynthJob job(options);
        const job::JobResult result = job::runJob(job, &observer, token);
        QCOMPARE(result.outcome, job::JobOutcome::Cancelled);
        QVERIFY(observer.doneAtCancel >= 3 && observer.doneAtCancel < observer.totalAtCancel);
        QVERIFY(!fs::exists(out));
        fs::path partial = out;
        partial += ".partial";
        QVERIFY(!fs::exists(partial));
        QVERIFY(!hasChildProcesses());
    }

    void aWorkersBadVoiceIsAnInputError()
    {
        // The second item asks espeak-ng for a variant that is not installed: the worker's own
        // message comes back as an InputError, and every worker is reaped.
        std::vector<std::vector<data::SpeechRequest>> items;
        data::VoiceSettings voice;
        items.push_back({{"今天天气真不错", voice}});
        voice.variant = "no-such-variant";
        items.push_back({{"现在几点了", voice}});
        try {
            data::synthesizeInWorkers(items, 1, [](size_t, std::vector<std::vector<float>>&&) {});
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find("no-such-variant") != std::string::npos, e.what());
        }
        QVERIFY(!hasChildProcesses());
        QVERIFY(!data::SpeechSynth::engineStarted());
    }

    void aWorkerKilledMidCorpusFailsTheJobAndLeavesNothing()
    {
        // kill -9 of the synthesis workers while the job runs (from outside, as an OOM killer would):
        // the job fails naming the signal, and neither the corpus nor its .partial folder is left.
        const fs::path out = tmpPath("failed");
        data::SynthOptions options = smallOptions(out);
        options.utterances = 20;
        job::CancellationToken token;
        KillWorkersAfter killer(2);
        data::CorpusSynthJob job(options);
        const job::JobResult result = job::runJob(job, &killer, token);
        QVERIFY(killer.killed > 0);
        QCOMPARE(result.outcome, job::JobOutcome::Failed);
        QCOMPARE(result.inputError, false);
        QVERIFY2(result.message.find("killed by signal 9") != std::string::npos, result.message.c_str());
        QVERIFY(!fs::exists(out));
        fs::path partial = out;
        partial += ".partial";
        QVERIFY(!fs::exists(partial));
        QVERIFY(!hasChildProcesses());
    }

    void existingFolderNeedsOverwrite()
    {
        const fs::path out = tmpPath("existing");
        fs::create_directories(out);
        io::writeFileAtomic((out / "keep.txt").string(), "mine");
        data::SynthOptions options = smallOptions(out);
        options.utterances = 5;
        QVERIFY_THROWS_EXCEPTION(InputError, runSynth(options));
        QVERIFY(fs::exists(out / "keep.txt"));

        options.overwrite = true;
        runSynth(options);
        QVERIFY(!fs::exists(out / "keep.txt"));
        QVERIFY(fs::exists(out / "synth.json"));
        for (const auto& split : data::synthSplitNames())
            QCOMPARE(lines(io::readFile((out / split / "wav.scp").string())).size(), size_t(1));
        fs::path old = out;
        old += ".old";
        QVERIFY(!fs::exists(old));
    }

    void badOptionsAreRejected_data()
    {
        QTest::addColumn<QString>("field");
        QTest::addColumn<std::function<void(data::SynthOptions&)>>("change");
        using Change = std::function<void(data::SynthOptions&)>;
        const double nan = std::numeric_limits<double>::quiet_NaN();
        const double inf = std::numeric_limits<double>::infinity();
        QTest::newRow("too few") << "utterances" << Change([](auto& o) { o.utterances = 4; });
        QTest::newRow("rate 0") << "sampleRate" << Change([](auto& o) { o.sampleRate = 0; });
        QTest::newRow("snr nan") << "snrsDb" << Change([nan](auto& o) { o.snrsDb = {5, nan}; });
        QTest::newRow("snr inf") << "snrsDb" << Change([inf](auto& o) { o.snrsDb = {inf}; });
        QTest::newRow("no snr") << "snrsDb" << Change([](auto& o) { o.snrsDb.clear(); });
        QTest::newRow("dialect 1") << "dialectFraction" << Change([](auto& o) { o.dialectFraction = 1.0; });
        QTest::newRow("noisy <0") << "noisyFraction" << Change([](auto& o) { o.noisyFraction = -0.1; });
        QTest::newRow("noisy nan") << "noisyFraction" << Change([nan](auto& o) { o.noisyFraction = nan; });
        QTest::newRow("sum 1") << "dialectFraction + noisyFraction"
                               << Change([](auto& o) { o.dialectFraction = 0.5; o.noisyFraction = 0.5; });
        QTest::newRow("dev 1") << "devFraction" << Change([](auto& o) { o.devFraction = 1.0; });
        QTest::newRow("tests too big") << "testFraction"
                                       << Change([](auto& o) { o.devFraction = 0.1; o.testFraction = 0.3; });
        QTest::newRow("no out") << "outDir" << Change([](auto& o) { o.outDir.clear(); });
    }

    void badOptionsAreRejected()
    {
        QFETCH(QString, field);
        QFETCH(std::function<void(data::SynthOptions&)>, change);
        const fs::path out = tmpPath("rejected");
        data::SynthOptions options = smallOptions(out);
        change(options);
        try {
            runSynth(options);
            QFAIL("no error");
        } catch (const InputError& e) {
            QVERIFY2(std::string(e.what()).find(field.toStdString()) != std::string::npos, e.what());
        }
        QVERIFY(!fs::exists(out));
    }

    void jobDescribesItsCommand()
    {
        data::SynthOptions options = smallOptions("/tmp/demo corpus");
        options.noisyFraction = 0.2;
        data::CorpusSynthJob job(options);
        QVERIFY(!job.title().empty());
        const auto argv = job.cliCommand();
        QCOMPARE(argv.at(0), std::string("espalier-cli"));
        const auto at = [&](const std::string& flag) { return std::find(argv.begin(), argv.end(), flag); };
        QVERIFY(at("--out") != argv.end() && *(at("--out") + 1) == "/tmp/demo corpus");
        QVERIFY(at("--utterances") != argv.end() && *(at("--utterances") + 1) == "30");
        QVERIFY(at("--noisy-fraction") != argv.end() && *(at("--noisy-fraction") + 1) == "0.2");
        QVERIFY(at("--dialect-fraction") == argv.end());
    }
};

QTEST_GUILESS_MAIN(TestCorpusSynth)
#include "test_corpus_synth.moc"
