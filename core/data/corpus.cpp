#include "core/data/corpus.h"

#include "core/audio/audio_file.h"
#include "core/data/text_normalize.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <filesystem>
#include <limits>
#include <unordered_set>

namespace espalier::data {
namespace {

namespace fs = std::filesystem;

bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// The folder's own name, also for "a/b/" and ".".
std::string folderName(const fs::path& p)
{
    std::error_code ec;
    fs::path abs = fs::absolute(p, ec).lexically_normal();
    if (!abs.has_filename()) abs = abs.parent_path();
    return abs.filename().string();
}

// train* first, then dev*, then test*, then the rest; alphabetical within each group.
int splitRank(const std::string& name)
{
    if (name.rfind("train", 0) == 0) return 0;
    if (name.rfind("dev", 0) == 0) return 1;
    if (name.rfind("test", 0) == 0) return 2;
    return 3;
}

struct Accumulator {
    size_t utterances = 0, characters = 0, timed = 0;
    double seconds = 0.0;
    double minDuration = std::numeric_limits<double>::infinity(), maxDuration = 0.0;
    std::unordered_set<std::string> vocabulary, speakers;

    void addDuration(double d)
    {
        ++timed;
        seconds += d;
        minDuration = std::min(minDuration, d);
        maxDuration = std::max(maxDuration, d);
    }

    void merge(const Accumulator& o)
    {
        utterances += o.utterances;
        characters += o.characters;
        timed += o.timed;
        seconds += o.seconds;
        minDuration = std::min(minDuration, o.minDuration);
        maxDuration = std::max(maxDuration, o.maxDuration);
        vocabulary.insert(o.vocabulary.begin(), o.vocabulary.end());
        speakers.insert(o.speakers.begin(), o.speakers.end());
    }

    SplitStats stats(const std::string& name) const
    {
        SplitStats s;
        s.name = name;
        s.utterances = utterances;
        s.hours = seconds / 3600.0;
        s.characters = characters;
        s.vocabulary = vocabulary.size();
        s.speakers = speakers.size();
        if (timed > 0) {
            s.minDuration = minDuration;
            s.maxDuration = maxDuration;
            s.meanDuration = seconds / double(timed);
        }
        return s;
    }
};

} // namespace

ManifestReadResult readSplit(const CorpusSplit& split)
{
    return readManifest(split.path, split.format, split.format == ManifestFormat::Aishell ? split.name : std::string());
}

std::vector<CorpusSplit> findSplits(const std::string& corpusPath)
{
    const fs::path root(corpusPath);
    std::error_code ec;
    if (!fs::exists(root, ec)) throw InputError("corpus '" + corpusPath + "' does not exist");

    if (!isDir(root)) {
        const ManifestFormat format = detectManifestFormat(corpusPath);
        const std::string file = root.filename().string();
        const bool generic = file == "data.list" || file == "wav.scp";
        return {{generic ? folderName(root.parent_path()) : root.stem().string(), corpusPath, format}};
    }

    ManifestFormat own = ManifestFormat::Auto;
    try {
        own = detectManifestFormat(corpusPath);
    } catch (const InputError&) {
    }
    if (own == ManifestFormat::Aishell) {
        std::vector<CorpusSplit> splits;
        for (const char* name : {"train", "dev", "test"})
            if (isDir(root / "wav" / name)) splits.push_back({name, corpusPath, own});
        if (splits.empty())
            throw InputError("AISHELL-1 root '" + corpusPath +
                             "' has no wav/train, wav/dev or wav/test folder (extract wav/*.tar.gz first)");
        return splits;
    }
    if (own != ManifestFormat::Auto) return {{folderName(root), corpusPath, own}};

    std::vector<CorpusSplit> splits;
    for (fs::directory_iterator it(root, ec), end; !ec && it != end; it.increment(ec)) {
        if (!isDir(it->path())) continue;
        try {
            const ManifestFormat format = detectManifestFormat(it->path().string());
            splits.push_back({it->path().filename().string(), it->path().string(), format});
        } catch (const Error&) {
            // not a manifest folder: ignored
        }
    }
    if (splits.empty())
        throw InputError("no manifest found in '" + corpusPath +
                         "': expected split folders (train, dev, test...) holding wav.scp and text or data.list, "
                         "an AISHELL-1 root, a Kaldi dir, a data.list or a NeMo manifest");
    std::sort(splits.begin(), splits.end(), [](const CorpusSplit& a, const CorpusSplit& b) {
        const int ra = splitRank(a.name), rb = splitRank(b.name);
        return ra != rb ? ra < rb : a.name < b.name;
    });
    return splits;
}

CorpusStats corpusStats(const std::string& corpusPath)
{
    CorpusStats result;
    result.path = corpusPath;
    Accumulator total;
    for (const CorpusSplit& split : findSplits(corpusPath)) {
        const ManifestReadResult manifest = readSplit(split);
        Accumulator acc;
        for (const Utterance& u : manifest.utterances) {
            ++acc.utterances;
            for (auto& c : normalizeForCer(u.text)) {
                ++acc.characters;
                acc.vocabulary.insert(std::move(c));
            }
            if (!u.speaker.empty()) acc.speakers.insert(u.speaker);
            double duration = u.duration;
            if (duration <= 0.0) {
                try {
                    duration = audio::probeAudio(u.audioPath).duration();
                } catch (const Error&) {
                    continue;  // unreadable audio: validation reports it
                }
            }
            acc.addDuration(duration);
        }
        result.splits.push_back(acc.stats(split.name));
        total.merge(acc);
    }
    result.total = total.stats("total");
    return result;
}

} // namespace espalier::data
