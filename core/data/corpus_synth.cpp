#include "core/data/corpus_synth.h"

#include "core/audio/audio_file.h"
#include "core/audio/mix.h"
#include "core/audio/resample.h"
#include "core/data/manifest.h"
#include "core/data/sentence_pool.h"
#include "core/data/speech_synth.h"
#include "core/data/synth_worker.h"
#include "core/io/atomic_file.h"
#include "core/runtime/enum_names.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <condition_variable>
#include <cstdio>  // renameat2
#include <cstring>
#include <deque>
#include <exception>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <set>
#include <sstream>
#include <thread>
#include <fcntl.h>

namespace espalier::data {

namespace fs = std::filesystem;

const std::vector<std::string>& synthSplitNames()
{
    static const std::vector<std::string> names = {"train", "dev", "test_clean", "test_dialect", "test_noisy"};
    return names;
}

namespace {

constexpr const char* kKeyPrefix = "demo";
constexpr const char* kMandarin = "cmn";
constexpr const char* kCantonese = "yue";
constexpr int kRateMin = 130, kRateMax = 210;
constexpr int kPitchMin = 30, kPitchMax = 70;
constexpr int kRangeMin = 40, kRangeMax = 80;
constexpr float kPeak = 0.99f;

// The espeak-ng variants the corpus draws its speakers from (those installed are used).
const std::vector<std::string>& preferredVariants()
{
    static const std::vector<std::string> names = {
        "m1", "m2", "m3", "m4", "m5", "m6", "m7", "f1", "f2", "f3", "f4", "f5",
        "klatt", "klatt2", "klatt3", "adam", "aunty", "belinda", "benjamin", "david", "edward", "linda", "max", "steph"};
    return names;
}

enum class UttKind { Clean, Dialect, Noisy };
enum class NoiseKind { White, Pink, Brown, Babble };

const EnumNames<UttKind> kUttKinds{{UttKind::Clean, "clean"}, {UttKind::Dialect, "dialect"}, {UttKind::Noisy, "noisy"}};
const EnumNames<NoiseKind> kNoiseKinds{
    {NoiseKind::White, "white"}, {NoiseKind::Pink, "pink"}, {NoiseKind::Brown, "brown"}, {NoiseKind::Babble, "babble"}};

struct SpokenText {
    std::string text;
    VoiceSettings voice;
};

// Everything drawn for one utterance before any audio is made.
struct UttPlan {
    std::string key;
    int split = 0;
    UttKind kind = UttKind::Clean;
    Sentence sentence;
    VoiceSettings voice;
    NoiseKind noise = NoiseKind::White;
    double snrDb = 0.0;
    std::uint64_t noiseSeed = 0;
    std::vector<SpokenText> babble;  // the other talkers of babble noise
};

void validate(const SynthOptions& o)
{
    auto fail = [](const std::string& field, const std::string& message) {
        throw InputError("corpus synthesis: " + field + " " + message);
    };
    auto fraction = [&](const char* field, double value) {
        if (!(value >= 0.0 && value < 1.0))
            fail(field, "must be in [0, 1), got " + std::to_string(value));
    };
    if (o.outDir.empty())
        fail("outDir", "is empty: name the folder to create");
    if (o.utterances < 5)
        fail("utterances", "must be at least 5 (one per split), got " + std::to_string(o.utterances));
    if (o.sampleRate <= 0)
        fail("sampleRate", "must be positive, got " + std::to_string(o.sampleRate));
    if (o.snrsDb.empty())
        fail("snrsDb", "is empty: give at least one SNR in dB");
    for (double snr : o.snrsDb)
        if (!std::isfinite(snr))
            fail("snrsDb", "holds a value that is not a finite number");
    fraction("dialectFraction", o.dialectFraction);
    fraction("noisyFraction", o.noisyFraction);
    fraction("devFraction", o.devFraction);
    fraction("testFraction", o.testFraction);
    if (o.dialectFraction + o.noisyFraction >= 1.0)
        fail("dialectFraction + noisyFraction", "must be below 1 so that train keeps clean Mandarin, got " +
                                                    std::to_string(o.dialectFraction + o.noisyFraction));
    if (o.devFraction + 3.0 * o.testFraction >= 1.0)
        fail("devFraction + 3 * testFraction", "must be below 1 so that train keeps utterances, got " +
                                                   std::to_string(o.devFraction + 3.0 * o.testFraction));
}

int splitShare(int total, double fraction)
{
    return fraction > 0.0 ? std::max(1, int(std::lround(total * fraction))) : 0;
}

// Counts per split, in synthSplitNames() order.
std::vector<int> splitCounts(const SynthOptions& o)
{
    const int dev = splitShare(o.utterances, o.devFraction);
    const int test = splitShare(o.utterances, o.testFraction);
    const int train = o.utterances - dev - 3 * test;
    if (train < 1)
        throw InputError("corpus synthesis: utterances " + std::to_string(o.utterances) +
                         " is too few for devFraction and testFraction: train would be empty");
    return {train, dev, test, test, test};
}

// The kinds of a train-like split, shuffled.
std::vector<UttKind> mixedKinds(int count, const SynthOptions& o, SeededRandom& random)
{
    const int dialect = int(std::lround(count * o.dialectFraction));
    const int noisy = std::min(count - dialect, int(std::lround(count * o.noisyFraction)));
    std::vector<UttKind> kinds(size_t(count), UttKind::Clean);
    std::fill(kinds.begin(), kinds.begin() + dialect, UttKind::Dialect);
    std::fill(kinds.begin() + dialect, kinds.begin() + dialect + noisy, UttKind::Noisy);
    for (size_t i = kinds.size(); i > 1; --i)
        std::swap(kinds[i - 1], kinds[size_t(random.below(i))]);
    return kinds;
}

VoiceSettings drawVoice(const std::string& language, const std::vector<std::string>& variants, SeededRandom& random)
{
    VoiceSettings voice;
    voice.language = language;
    voice.variant = variants.empty() ? std::string() : random.pick(variants);
    voice.rate = random.between(kRateMin, kRateMax);
    voice.pitch = random.between(kPitchMin, kPitchMax);
    voice.pitchRange = random.between(kRangeMin, kRangeMax);
    return voice;
}

std::string makeKey(int split, int index)
{
    char number[16];
    std::snprintf(number, sizeof number, "%06d", index);
    return std::string(kKeyPrefix) + "-" + synthSplitNames()[size_t(split)] + "-" + number;
}

// Draws every utterance. Each one has its own random stream (seed, running number), so a change in
// one does not shift the others. Test and dev sentences are drawn first and kept out of train.
std::vector<UttPlan> planCorpus(const SynthOptions& o, const std::vector<std::string>& variants)
{
    const std::vector<int> counts = splitCounts(o);
    const SentencePool pool;
    std::vector<UttPlan> plans;
    plans.reserve(size_t(o.utterances));
    for (int split = 0; split < int(counts.size()); ++split) {
        const int count = counts[size_t(split)];
        SeededRandom shuffle(deriveSeed(o.seed, 0x5eed0000ULL + std::uint64_t(split)));
        std::vector<UttKind> kinds;
        switch (split) {
        case 0:
        case 1: kinds = mixedKinds(count, o, shuffle); break;
        case 2: kinds.assign(size_t(count), UttKind::Clean); break;
        case 3: kinds.assign(size_t(count), UttKind::Dialect); break;
        default: kinds.assign(size_t(count), UttKind::Noisy); break;
        }
        for (int i = 0; i < count; ++i) {
            UttPlan plan;
            plan.key = makeKey(split, i);
            plan.split = split;
            plan.kind = kinds[size_t(i)];
            plans.push_back(std::move(plan));
        }
    }

    std::set<std::string> heldOut;
    auto drawUtterance = [&](UttPlan& plan, std::uint64_t index, bool avoidHeldOut) {
        SeededRandom random(deriveSeed(o.seed, index));
        plan.sentence = pool.draw(random);
        for (int retry = 0; avoidHeldOut && heldOut.count(plan.sentence.text) && retry < 32; ++retry)
            plan.sentence = pool.draw(random);
        plan.voice = drawVoice(plan.kind == UttKind::Dialect ? kCantonese : kMandarin, variants, random);
        if (plan.kind == UttKind::Noisy) {
            plan.noise = NoiseKind(random.below(4));
            plan.snrDb = random.pick(o.snrsDb);
            plan.noiseSeed = random.next();
            if (plan.noise == NoiseKind::Babble) {
                const int talkers = random.between(3, 5);
                for (int t = 0; t < talkers; ++t)
                    plan.babble.push_back({pool.draw(random).text, drawVoice(kMandarin, variants, random)});
            }
        }
    };
    for (size_t i = 0; i < plans.size(); ++i) {
        if (plans[i].split != 0) {
            drawUtterance(plans[i], i, false);
            heldOut.insert(plans[i].sentence.text);
        }
    }
    for (size_t i = 0; i < plans.size(); ++i)
        if (plans[i].split == 0)
            drawUtterance(plans[i], i, true);
    return plans;
}

// Writes files on a few threads: the product's writes are flushed to disk one by one (fsync),
// which takes milliseconds each, and concurrent flushes share the file system's journal commits.
class BackgroundWriter {
public:
    explicit BackgroundWriter(int threads)
    {
        for (int t = 0; t < threads; ++t)
            threads_.emplace_back([this] { run(); });
    }
    ~BackgroundWriter()
    {
        {
            std::lock_guard<std::mutex> lock(mutex_);
            stop_ = true;
            tasks_.clear();
        }
        changed_.notify_all();
        for (auto& thread : threads_)
            thread.join();
    }

    // Queues a write (blocks while many are pending); rethrows an earlier write's error.
    void submit(std::function<void()> task)
    {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return error_ || tasks_.size() < kPending; });
        if (error_)
            std::rethrow_exception(error_);
        tasks_.push_back(std::move(task));
        changed_.notify_all();
    }

    // Waits for every queued write; rethrows the first error.
    void finish()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait(lock, [this] { return error_ || (tasks_.empty() && busy_ == 0); });
        if (error_)
            std::rethrow_exception(error_);
    }

private:
    static constexpr size_t kPending = 16;

    void run()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        for (;;) {
            changed_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
            if (stop_)
                return;
            std::function<void()> task = std::move(tasks_.front());
            tasks_.pop_front();
            ++busy_;
            lock.unlock();
            std::exception_ptr failure;
            try {
                task();
            } catch (...) {
                failure = std::current_exception();
            }
            lock.lock();
            --busy_;
            if (failure && !error_)
                error_ = failure;
            changed_.notify_all();
        }
    }

    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::function<void()>> tasks_;
    std::exception_ptr error_;
    int busy_ = 0;
    bool stop_ = false;
    std::vector<std::thread> threads_;
};

// The sum of the talkers, each at unit power and started at a random point, looped to length.
std::vector<float> babbleNoise(const std::vector<std::vector<float>>& talkers, size_t length, SeededRandom& random)
{
    std::vector<float> mix(length, 0.0f);
    for (const auto& talker : talkers) {
        const double p = audio::power(talker);
        if (talker.empty() || p <= 0.0)
            continue;
        const float gain = float(1.0 / std::sqrt(p));
        size_t at = size_t(random.below(talker.size()));
        for (size_t i = 0; i < length; ++i) {
            mix[i] += gain * talker[at];
            if (++at == talker.size())
                at = 0;
        }
    }
    return mix;
}

std::vector<float> makeNoisy(const std::vector<float>& speech, const UttPlan& plan,
                             const std::vector<std::vector<float>>& talkers)
{
    SeededRandom random(plan.noiseSeed);
    std::vector<float> noise;
    switch (plan.noise) {
    case NoiseKind::White: noise = audio::colouredNoise(audio::NoiseColour::White, speech.size(), random.next()); break;
    case NoiseKind::Pink: noise = audio::colouredNoise(audio::NoiseColour::Pink, speech.size(), random.next()); break;
    case NoiseKind::Brown: noise = audio::colouredNoise(audio::NoiseColour::Brown, speech.size(), random.next()); break;
    case NoiseKind::Babble: noise = babbleNoise(talkers, speech.size(), random); break;
    }
    if (audio::power(noise) <= 0.0)
        noise = audio::colouredNoise(audio::NoiseColour::White, speech.size(), random.next());
    return audio::mixAtSnr(speech, noise, plan.snrDb);
}

// A folder path without a trailing separator, so that "<dir>.partial" is a sibling.
fs::path cleanDir(const std::string& dir)
{
    fs::path path = fs::path(dir).lexically_normal();
    if (!path.has_filename() && path.has_parent_path())
        path = path.parent_path();
    return path;
}

void checkOutDir(const fs::path& out, bool overwrite)
{
    std::error_code ec;
    if (!fs::exists(out, ec))
        return;
    if (!fs::is_directory(out, ec))
        throw InputError("corpus synthesis: outDir '" + out.string() + "' exists and is not a folder");
    if (!overwrite && !fs::is_empty(out, ec))
        throw InputError("corpus synthesis: outDir '" + out.string() +
                         "' exists and is not empty; choose another folder or overwrite it (--overwrite)");
}

void makeDirs(const fs::path& dir)
{
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec)
        throw IoError("cannot create folder '" + dir.string() + "': " + ec.message());
}

fs::path oldPathOf(const fs::path& out)
{
    fs::path old = out;
    old += ".old";
    return old;
}

// Replaces out with the finished partial folder. The swap is one atomic exchange, so a kill at any
// moment leaves out either the old corpus or the new one; what is then left at partial (the old
// corpus, being removed) is a leftover the next run clears. File systems without the exchange get
// two renames, and restoreInterruptedSwap() repairs a kill between them.
void moveIntoPlace(const fs::path& partial, const fs::path& out)
{
    std::error_code ec;
    if (!fs::exists(out, ec)) {
        fs::rename(partial, out, ec);
        if (ec)
            throw IoError("cannot rename '" + partial.string() + "' to '" + out.string() + "': " + ec.message());
        return;
    }
    if (::renameat2(AT_FDCWD, partial.c_str(), AT_FDCWD, out.c_str(), RENAME_EXCHANGE) == 0) {
        fs::remove_all(partial, ec);
        return;
    }
    if (errno != EINVAL && errno != ENOSYS)
        throw IoError("cannot replace '" + out.string() + "' with '" + partial.string() + "': " + std::strerror(errno));
    const fs::path old = oldPathOf(out);
    fs::remove_all(old, ec);
    fs::rename(out, old, ec);
    if (ec)
        throw IoError("cannot move the old '" + out.string() + "' aside: " + ec.message());
    fs::rename(partial, out, ec);
    if (ec) {
        std::error_code ignored;
        fs::rename(old, out, ignored);
        throw IoError("cannot rename '" + partial.string() + "' to '" + out.string() + "': " + ec.message());
    }
    fs::remove_all(old, ec);
}

// A kill between moveIntoPlace()'s two renames left the old corpus at out.old and none at out.
void restoreInterruptedSwap(const fs::path& out)
{
    std::error_code ec;
    const fs::path old = oldPathOf(out);
    if (!fs::exists(old, ec))
        return;
    if (!fs::exists(out, ec))
        fs::rename(old, out, ec);
    else
        fs::remove_all(old, ec);
    if (ec)
        throw IoError("cannot restore '" + out.string() + "' from '" + old.string() + "': " + ec.message());
}

nlohmann::ordered_json voiceJson(const VoiceSettings& voice)
{
    return {{"name", voice.name()}, {"rate", voice.rate}, {"pitch", voice.pitch}, {"pitchRange", voice.pitchRange}};
}

std::string describeJson(const SynthOptions& o, const std::string& version, int nativeRate,
                         const std::vector<std::string>& variants,
                         const std::vector<UttPlan>& plans, const std::vector<double>& durations)
{
    nlohmann::ordered_json doc;
    doc["format"] = "espalier-synth-corpus";
    doc["version"] = 1;
    doc["synthesizer"] = {{"engine", "espeak-ng"}, {"version", version}, {"nativeRate", nativeRate}};
    doc["options"] = {{"utterances", o.utterances},
                      {"seed", o.seed},
                      {"sampleRate", o.sampleRate},
                      {"snrsDb", o.snrsDb},
                      {"dialectFraction", o.dialectFraction},
                      {"noisyFraction", o.noisyFraction},
                      {"devFraction", o.devFraction},
                      {"testFraction", o.testFraction}};
    doc["voices"] = {{"mandarin", kMandarin},
                     {"cantonese", kCantonese},
                     {"variants", variants},
                     {"rate", {kRateMin, kRateMax}},
                     {"pitch", {kPitchMin, kPitchMax}},
                     {"pitchRange", {kRangeMin, kRangeMax}}};
    nlohmann::ordered_json splits = nlohmann::ordered_json::object();
    for (size_t s = 0; s < synthSplitNames().size(); ++s) {
        int total = 0;
        std::map<std::string, int> kinds = {{"clean", 0}, {"dialect", 0}, {"noisy", 0}};
        double seconds = 0.0;
        for (size_t i = 0; i < plans.size(); ++i) {
            if (plans[i].split != int(s))
                continue;
            ++total;
            ++kinds[kUttKinds.name(plans[i].kind)];
            seconds += durations[i];
        }
        splits[synthSplitNames()[s]] = {{"utterances", total},
                                        {"clean", kinds["clean"]},
                                        {"dialect", kinds["dialect"]},
                                        {"noisy", kinds["noisy"]},
                                        {"seconds", std::round(seconds * 1000.0) / 1000.0}};
    }
    doc["splits"] = splits;
    nlohmann::ordered_json list = nlohmann::ordered_json::array();
    for (size_t i = 0; i < plans.size(); ++i) {
        const UttPlan& p = plans[i];
        nlohmann::ordered_json u = {{"key", p.key},
                                    {"split", synthSplitNames()[size_t(p.split)]},
                                    {"kind", kUttKinds.name(p.kind)},
                                    {"sentence", sentenceKindNames().name(p.sentence.kind)},
                                    {"voice", voiceJson(p.voice)},
                                    {"duration", std::round(durations[i] * 10000.0) / 10000.0}};
        if (p.kind == UttKind::Noisy) {
            u["noise"] = kNoiseKinds.name(p.noise);
            u["snrDb"] = p.snrDb;
            if (!p.babble.empty())
                u["talkers"] = int(p.babble.size());
        }
        list.push_back(std::move(u));
    }
    doc["utterances"] = std::move(list);
    return doc.dump(2) + "\n";
}

// What the workers speak for each utterance: its sentence, then its babble talkers.
std::vector<std::vector<SpeechRequest>> speechRequests(const std::vector<UttPlan>& plans)
{
    std::vector<std::vector<SpeechRequest>> items(plans.size());
    for (size_t i = 0; i < plans.size(); ++i) {
        items[i].push_back({plans[i].sentence.text, plans[i].voice});
        for (const auto& talker : plans[i].babble)
            items[i].push_back({talker.text, talker.voice});
    }
    return items;
}

void buildCorpus(const SynthOptions& o, const fs::path& partial, job::JobContext& context)
{
    // espeak-ng runs in forked worker processes that each start it afresh (data/synth_worker.h); a
    // process that has used espeak-ng itself hands its state down to them.
    if (SpeechSynth::engineStarted())
        context.warning("espeak-ng has already been used in this process: this corpus is not guaranteed to be "
                        "reproducible from its seed");
    const CancelCheck cancelled = [&context] { context.throwIfCancelled(); };
    const EspeakInfo espeak = probeEspeak({kMandarin, kCantonese}, cancelled);
    std::vector<std::string> variants;
    for (const auto& name : preferredVariants())
        if (std::binary_search(espeak.variants.begin(), espeak.variants.end(), name))
            variants.push_back(name);
    if (variants.empty())
        context.warning("none of espeak-ng's voice variants is installed: every utterance uses the plain voice");

    const std::vector<UttPlan> plans = planCorpus(o, variants);
    context.info("Synthesising " + std::to_string(plans.size()) + " utterances with espeak-ng " + espeak.version +
                 " (" + std::to_string(variants.size()) + " voice variants) into " + partial.string());

    const fs::path wavDir = partial / "wav";
    makeDirs(wavDir);
    const int stages = 2;
    context.setStageWeights({0.98, 0.02});  // writing the manifests takes a fraction of a second
    context.beginStage("Synthesising speech", 0, stages, (long long)plans.size());
    std::vector<Utterance> made(plans.size());
    {
        BackgroundWriter writer(3);
        long long done = 0;
        // A fixed number of lanes (not one per core), so that the corpus is the same on every machine.
        constexpr int kLanes = 2;
        synthesizeInWorkers(
            speechRequests(plans), kLanes,
            [&](size_t i, std::vector<std::vector<float>>&& native) {
                const UttPlan& plan = plans[i];
                std::vector<float> speech =
                    finishSpeech(native[0], espeak.nativeRate, o.sampleRate, 0.1, plan.sentence.text, plan.voice);
                if (plan.kind == UttKind::Noisy) {
                    std::vector<std::vector<float>> talkers;
                    for (size_t t = 0; t < plan.babble.size(); ++t)
                        talkers.push_back(finishSpeech(native[t + 1], espeak.nativeRate, o.sampleRate, 0.0,
                                                       plan.babble[t].text, plan.babble[t].voice));
                    speech = makeNoisy(speech, plan, talkers);
                }
                audio::normalizePeak(speech, kPeak);
                const std::string file = plan.key + ".wav";
                const double duration = double(speech.size()) / o.sampleRate;
                writer.submit([path = (wavDir / file).string(), rate = o.sampleRate, samples = std::move(speech)] {
                    audio::writeWav(path, audio::Audio{rate, samples});
                });

                Utterance& u = made[i];
                u.key = plan.key;
                u.audioPath = "../wav/" + file;  // relative to the split folder, so the corpus can move
                u.text = plan.sentence.text;
                u.duration = duration;
                u.speaker = plan.voice.name();
                context.advance(++done);
            },
            cancelled);
        writer.finish();
    }

    std::vector<UtteranceList> splits(synthSplitNames().size());
    std::vector<double> durations(plans.size(), 0.0);
    for (size_t i = 0; i < plans.size(); ++i) {
        durations[i] = made[i].duration;
        splits[size_t(plans[i].split)].push_back(std::move(made[i]));
    }

    context.throwIfCancelled();
    context.beginStage("Writing manifests", 1, stages, (long long)splits.size());
    for (size_t s = 0; s < splits.size(); ++s) {
        const fs::path dir = partial / synthSplitNames()[s];
        makeDirs(dir);
        writeWenetList((dir / "data.list").string(), splits[s]);
        writeKaldiDir(dir.string(), splits[s]);
        context.advance((long long)s + 1);
    }
    io::writeFileAtomic((partial / "synth.json").string(),
                        describeJson(o, espeak.version, espeak.nativeRate, variants, plans, durations));
}

std::string number(double value)
{
    std::ostringstream out;
    out << value;
    return out.str();
}

} // namespace

void synthesizeCorpus(const SynthOptions& options, job::JobContext& context)
{
    validate(options);
    const fs::path out = cleanDir(options.outDir);
    restoreInterruptedSwap(out);
    checkOutDir(out, options.overwrite);
    fs::path partial = out;
    partial += ".partial";
    std::error_code ec;
    fs::remove_all(partial, ec);  // a leftover of an interrupted run
    if (ec)
        throw IoError("cannot remove the leftover folder '" + partial.string() + "': " + ec.message());
    try {
        makeDirs(partial);
        buildCorpus(options, partial, context);
        context.throwIfCancelled();
        moveIntoPlace(partial, out);
    } catch (...) {
        fs::remove_all(partial, ec);
        throw;
    }
    context.info("Corpus written to " + out.string());
}

std::string CorpusSynthJob::title() const
{
    return "Synthesise demo corpus";
}

std::vector<std::string> CorpusSynthJob::cliCommand() const
{
    const SynthOptions defaults;
    std::vector<std::string> argv = {"espalier-cli", "corpus", "synth", "--out", options_.outDir,
                                     "--utterances", std::to_string(options_.utterances),
                                     "--seed", std::to_string(options_.seed)};
    if (options_.snrsDb != defaults.snrsDb) {
        for (double snr : options_.snrsDb) {
            argv.push_back("--snr");
            argv.push_back(number(snr));
        }
    }
    if (options_.dialectFraction != defaults.dialectFraction) {
        argv.push_back("--dialect-fraction");
        argv.push_back(number(options_.dialectFraction));
    }
    if (options_.noisyFraction != defaults.noisyFraction) {
        argv.push_back("--noisy-fraction");
        argv.push_back(number(options_.noisyFraction));
    }
    if (options_.overwrite)
        argv.push_back("--overwrite");
    return argv;
}

} // namespace espalier::data
