#include "core/data/manifest.h"

#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <string_view>
#include <unordered_map>
#include <unordered_set>

namespace espalier::data {
namespace {

namespace fs = std::filesystem;
using Json = nlohmann::json;

const char* const kAishellTranscript = "transcript/aishell_transcript_v0.8.txt";
const char* const kAishellSplits[] = {"train", "dev", "test"};

bool isBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view s)
{
    while (!s.empty() && isBlank(s.front())) s.remove_prefix(1);
    while (!s.empty() && isBlank(s.back())) s.remove_suffix(1);
    return s;
}

struct Line {
    int number;            // 1-based
    std::string_view text; // trimmed, never empty
};

// Non-blank lines of content (BOM, CR and surrounding blanks removed). Views point into content.
std::vector<Line> splitLines(const std::string& content)
{
    std::vector<Line> lines;
    std::string_view rest(content);
    if (rest.substr(0, 3) == "\xEF\xBB\xBF") rest.remove_prefix(3);
    int number = 0;
    while (!rest.empty()) {
        const size_t end = rest.find('\n');
        const std::string_view text = trim(rest.substr(0, end));
        ++number;
        if (!text.empty()) lines.push_back({number, text});
        if (end == std::string_view::npos) break;
        rest.remove_prefix(end + 1);
    }
    return lines;
}

// Splits "<key> <rest>" at the first run of blanks.
void splitKey(std::string_view line, std::string_view& key, std::string_view& rest)
{
    size_t end = 0;
    while (end < line.size() && !isBlank(line[end])) ++end;
    key = line.substr(0, end);
    rest = trim(line.substr(end));
}

// A quoted, length-limited copy of user text for messages.
std::string shown(std::string_view s)
{
    constexpr size_t kMax = 60;
    return "'" + std::string(s.substr(0, kMax)) + (s.size() > kMax ? "...'" : "'");
}

// Collects issues for one file.
class Issues {
public:
    Issues(std::vector<ManifestIssue>& out, std::string file) : out_(out), file_(std::move(file)) {}
    void add(int line, std::string_view key, std::string message)
    {
        out_.push_back({file_, line, std::string(key), std::move(message)});
    }

private:
    std::vector<ManifestIssue>& out_;
    std::string file_;
};

std::string duplicateMessage(std::string_view key, int firstLine)
{
    return "duplicate key " + shown(key) + " (first on line " + std::to_string(firstLine) + ")";
}

fs::path absoluteDir(const fs::path& dir)
{
    std::error_code ec;
    fs::path abs = fs::absolute(dir.empty() ? fs::path(".") : dir, ec);
    return ec ? dir : abs.lexically_normal();
}

// Resolves an audio path written in a manifest against the manifest's folder.
std::string resolveAudio(const fs::path& baseDir, std::string_view raw)
{
    const fs::path p{std::string(raw)};
    if (p.is_absolute()) return p.lexically_normal().string();
    return (baseDir / p).lexically_normal().string();
}

// The path to write for audio: relative to outDir when it lies inside it, as given otherwise.
std::string relativeAudio(const fs::path& outDir, const std::string& audio)
{
    const fs::path p(audio);
    if (!p.is_absolute()) return audio;
    const fs::path rel = p.lexically_normal().lexically_relative(outDir);
    if (rel.empty() || *rel.begin() == "..") return audio;
    return rel.string();
}

bool isFile(const fs::path& p)
{
    std::error_code ec;
    return fs::is_regular_file(p, ec);
}

bool isDir(const fs::path& p)
{
    std::error_code ec;
    return fs::is_directory(p, ec);
}

// ---- Kaldi data dir ----

struct KeyedLine {
    std::string value;
    int line;
};

// Reads "<key> <value>" lines into map; reports malformed lines and duplicates.
// Returns the keys in file order. Lines with an empty value are kept when allowEmpty.
std::vector<std::string> readKeyedFile(const std::string& path, Issues& issues, bool allowEmpty,
                                       const char* missingValue, std::unordered_map<std::string, KeyedLine>& map)
{
    const std::string content = io::readFile(path);
    std::vector<std::string> order;
    for (const Line& line : splitLines(content)) {
        std::string_view key, rest;
        splitKey(line.text, key, rest);
        if (rest.empty() && !allowEmpty) {
            issues.add(line.number, key, missingValue);
            continue;
        }
        const auto [it, inserted] = map.emplace(std::string(key), KeyedLine{std::string(rest), line.number});
        if (!inserted) {
            issues.add(line.number, key, duplicateMessage(key, it->second.line));
            continue;
        }
        order.emplace_back(key);
    }
    return order;
}

ManifestReadResult readKaldi(const fs::path& dirIn)
{
    const fs::path dir = isFile(dirIn) ? dirIn.parent_path() : dirIn;
    const fs::path base = absoluteDir(dir);
    ManifestReadResult result;
    result.audioFile = (dir / "wav.scp").string();
    result.textFile = (dir / "text").string();

    // wav.scp: every key seen (even on a bad line) so that text/utt2spk are not reported twice.
    Issues scpIssues(result.issues, result.audioFile);
    const std::string scp = io::readFile(result.audioFile);
    std::unordered_map<std::string, int> scpSeen;
    std::vector<std::pair<std::string, KeyedLine>> audio;
    for (const Line& line : splitLines(scp)) {
        std::string_view key, rest;
        splitKey(line.text, key, rest);
        const auto [it, inserted] = scpSeen.emplace(std::string(key), line.number);
        if (!inserted) {
            scpIssues.add(line.number, key, duplicateMessage(key, it->second));
        } else if (rest.empty()) {
            scpIssues.add(line.number, key, "no audio path after the key");
        } else if (rest.back() == '|') {
            scpIssues.add(line.number, key,
                          "piped wav.scp entries are not supported: convert the audio to files and list their paths");
        } else {
            audio.push_back({std::string(key), {resolveAudio(base, rest), line.number}});
        }
    }

    std::unordered_map<std::string, KeyedLine> texts;
    const bool haveText = isFile(result.textFile);
    Issues textIssues(result.issues, result.textFile);
    if (haveText) {
        for (const auto& key : readKeyedFile(result.textFile, textIssues, true, "", texts)) {
            if (!scpSeen.count(key)) textIssues.add(texts[key].line, key, "no audio for this key in wav.scp");
        }
    } else {
        textIssues.add(0, {}, "missing 'text' file (the transcripts, '<utt> <transcript>' per line)");
    }

    std::unordered_map<std::string, KeyedLine> speakers;
    const std::string spkPath = (dir / "utt2spk").string();
    if (isFile(spkPath)) {
        Issues issues(result.issues, spkPath);
        for (const auto& key : readKeyedFile(spkPath, issues, false, "no speaker after the key", speakers)) {
            if (!scpSeen.count(key)) issues.add(speakers[key].line, key, "no audio for this key in wav.scp");
        }
    }

    std::unordered_map<std::string, KeyedLine> durations;
    const std::string durPath = (dir / "utt2dur").string();
    Issues durIssues(result.issues, durPath);
    if (isFile(durPath)) readKeyedFile(durPath, durIssues, false, "no duration after the key", durations);

    if (isFile(dir / "segments"))
        result.issues.push_back({(dir / "segments").string(), 0, {},
                                 "segments files are not supported: each wav.scp entry is read as one utterance"});

    for (auto& [key, entry] : audio) {
        Utterance u;
        u.key = key;
        u.audioPath = std::move(entry.value);
        int textLine = 0;
        if (haveText) {
            const auto t = texts.find(key);
            if (t == texts.end()) {
                scpIssues.add(entry.line, key, "no transcript for this key in text");
                continue;
            }
            u.text = t->second.value;
            textLine = t->second.line;
        }
        if (const auto s = speakers.find(key); s != speakers.end()) u.speaker = s->second.value;
        if (const auto d = durations.find(key); d != durations.end()) {
            const std::string& v = d->second.value;
            double seconds = 0.0;
            const auto [end, ec] = std::from_chars(v.data(), v.data() + v.size(), seconds);  // locale-free
            if (ec != std::errc() || end != v.data() + v.size() || !(seconds >= 0.0) || seconds > 1e7)
                durIssues.add(d->second.line, key, "duration " + shown(d->second.value) + " is not a number of seconds");
            else
                u.duration = seconds;
        }
        result.utterances.push_back(std::move(u));
        result.audioLines.push_back(entry.line);
        result.textLines.push_back(textLine);
    }
    return result;
}

// ---- JSON lines (WeNet data.list, NeMo) ----

std::string jsonErrorMessage(const std::exception& e)
{
    std::string what = e.what();
    if (const size_t p = what.find("] "); what.rfind("[json.exception", 0) == 0 && p != std::string::npos)
        what = what.substr(p + 2);
    const std::string prefix = "parse error at line 1, column ";
    const size_t colon = what.find(": ", prefix.size());
    if (what.rfind(prefix, 0) == 0 && colon != std::string::npos)
        what = " at column " + what.substr(prefix.size(), colon - prefix.size()) + ": " + what.substr(colon + 2);
    else
        what = ": " + what;
    if (what.size() > 200) what = what.substr(0, 200) + "...";
    return "bad JSON" + what;
}

const char* jsonTypeName(const Json& value)
{
    if (value.is_string()) return "a string";
    if (value.is_number()) return "a number";
    if (value.is_boolean()) return "a boolean";
    if (value.is_null()) return "null";
    if (value.is_array()) return "an array";
    return "an object";
}

// Checks that obj[name] exists and is a string (or a number when wantNumber); returns the problem.
std::string checkField(const Json& obj, const char* name, bool wantNumber)
{
    const auto it = obj.find(name);
    if (it == obj.end()) return std::string("missing field \"") + name + "\"";
    const bool ok = wantNumber ? it->is_number() : it->is_string();
    if (!ok)
        return std::string("field \"") + name + "\" must be " + (wantNumber ? "a number" : "a string") + ", found " +
               jsonTypeName(*it);
    return {};
}

ManifestReadResult readJsonLines(const std::string& file, ManifestFormat format)
{
    ManifestReadResult result;
    result.audioFile = result.textFile = file;
    Issues issues(result.issues, file);
    const fs::path base = absoluteDir(fs::path(file).parent_path());
    const std::string content = io::readFile(file);
    const bool wenet = format == ManifestFormat::WeNet;
    const char* const keyField = wenet ? "key" : nullptr;
    const char* const audioField = wenet ? "wav" : "audio_filepath";
    const char* const textField = wenet ? "txt" : "text";
    std::unordered_map<std::string, int> firstLine;

    for (const Line& line : splitLines(content)) {
        Json obj;
        try {
            obj = Json::parse(line.text);
        } catch (const Json::exception& e) {
            issues.add(line.number, {}, jsonErrorMessage(e));
            continue;
        }
        if (!obj.is_object()) {
            issues.add(line.number, {}, std::string("expected a JSON object, found ") + jsonTypeName(obj));
            continue;
        }
        std::string key;
        if (keyField) {
            if (std::string problem = checkField(obj, keyField, false); !problem.empty()) {
                issues.add(line.number, {}, problem);
                continue;
            }
            key = obj[keyField].get<std::string>();
            if (key.empty()) {
                issues.add(line.number, {}, "empty \"key\"");
                continue;
            }
        }
        std::string problem = checkField(obj, audioField, false);
        if (problem.empty()) problem = checkField(obj, textField, false);
        if (problem.empty() && !wenet) problem = checkField(obj, "duration", true);
        if (problem.empty() && wenet && obj.contains("duration") && !obj["duration"].is_number())
            problem = "field \"duration\" must be a number";
        if (problem.empty() && obj[audioField].get_ref<const std::string&>().empty())
            problem = std::string("empty \"") + audioField + "\"";
        if (problem.empty() && obj.contains("duration") && !(obj["duration"].get<double>() >= 0.0))
            problem = "field \"duration\" must not be negative";
        if (!problem.empty()) {
            issues.add(line.number, key, problem);
            continue;
        }
        Utterance u;
        const std::string& audio = obj[audioField].get_ref<const std::string&>();
        u.audioPath = resolveAudio(base, audio);
        u.text = obj[textField].get<std::string>();
        if (obj.contains("duration")) u.duration = obj["duration"].get<double>();
        if (wenet) {
            const auto [it, inserted] = firstLine.emplace(key, line.number);
            if (!inserted) {
                issues.add(line.number, key, duplicateMessage(key, it->second));
                continue;
            }
        } else {
            // NeMo has no keys: use the file stem, made unique with a suffix.
            const std::string stem = fs::path(audio).stem().string();
            key = stem.empty() ? "utt" : stem;
            for (int n = 2; !firstLine.emplace(key, line.number).second; ++n)
                key = stem + "_" + std::to_string(n);
        }
        u.key = std::move(key);
        result.utterances.push_back(std::move(u));
        result.audioLines.push_back(line.number);
        result.textLines.push_back(line.number);
    }
    return result;
}

// ---- AISHELL-1 ----

bool hasTarballs(const fs::path& wavDir)
{
    std::error_code ec;
    for (fs::directory_iterator it(wavDir, ec), end; !ec && it != end; it.increment(ec)) {
        const std::string name = it->path().filename().string();
        if (name.size() > 7 && name.compare(name.size() - 7, 7, ".tar.gz") == 0) return true;
    }
    return false;
}

ManifestReadResult readAishell(const fs::path& root, const std::string& split)
{
    if (!isDir(root)) throw InputError("'" + root.string() + "' is not an AISHELL-1 root folder");
    std::vector<std::string> splits;
    if (split.empty()) {
        splits.assign(std::begin(kAishellSplits), std::end(kAishellSplits));
    } else if (std::find(std::begin(kAishellSplits), std::end(kAishellSplits), split) != std::end(kAishellSplits)) {
        splits.push_back(split);
    } else {
        throw InputError("unknown AISHELL-1 split '" + split + "' (choices: train, dev, test)");
    }

    ManifestReadResult result;
    result.textFile = (root / kAishellTranscript).string();
    const fs::path base = absoluteDir(root);

    struct Audio {
        std::string path, speaker;
    };
    std::unordered_map<std::string, Audio> audio;
    std::vector<std::string> missing;
    for (const auto& s : splits) {
        const fs::path splitDir = root / "wav" / s;
        if (!isDir(splitDir)) {
            missing.push_back(splitDir.string());
            continue;
        }
        std::error_code ec;
        for (fs::directory_iterator spk(splitDir, ec), end; !ec && spk != end; spk.increment(ec)) {
            if (!isDir(spk->path())) continue;
            const std::string speaker = spk->path().filename().string();
            std::error_code ec2;
            for (fs::directory_iterator f(spk->path(), ec2), end2; !ec2 && f != end2; f.increment(ec2)) {
                std::string ext = f->path().extension().string();
                std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
                if (ext != ".wav") continue;
                audio.emplace(f->path().stem().string(),
                              Audio{(base / "wav" / s / speaker / f->path().filename()).string(), speaker});
            }
        }
    }
    if (missing.size() == splits.size()) {
        const bool tarballs = hasTarballs(root / "wav");
        for (const auto& m : missing)
            result.issues.push_back({m, 0, {},
                                     tarballs ? "missing audio folder: extract the speaker archives wav/*.tar.gz first"
                                              : "missing audio folder"});
    }

    Issues issues(result.issues, result.textFile);
    const std::string content = io::readFile(result.textFile);
    std::unordered_map<std::string, int> firstLine;
    for (const Line& line : splitLines(content)) {
        std::string_view key, rest;
        splitKey(line.text, key, rest);
        const auto [seen, inserted] = firstLine.emplace(std::string(key), line.number);
        if (!inserted) {
            issues.add(line.number, key, duplicateMessage(key, seen->second));
            continue;
        }
        const auto a = audio.find(seen->first);
        if (a == audio.end()) continue;  // audio not in the selected split(s): skipped, as AISHELL recipes do
        Utterance u;
        u.key = a->first;
        u.audioPath = a->second.path;
        u.speaker = a->second.speaker;
        for (char c : rest)
            if (!isBlank(c)) u.text += c;
        result.utterances.push_back(std::move(u));
        result.audioLines.push_back(0);
        result.textLines.push_back(line.number);
    }
    return result;
}

// ---- writers ----

void checkWritable(const Utterance& u, bool kaldi)
{
    const auto hasNewline = [](const std::string& s) { return s.find_first_of("\r\n") != std::string::npos; };
    if (u.key.empty()) throw InputError("cannot write an utterance with an empty key");
    if (kaldi && u.key.find_first_of(" \t") != std::string::npos)
        throw InputError("utterance key " + shown(u.key) + " contains whitespace, which Kaldi files cannot hold");
    if (kaldi && u.speaker.find_first_of(" \t") != std::string::npos)
        throw InputError("speaker " + shown(u.speaker) + " of " + shown(u.key) +
                         " contains whitespace, which Kaldi files cannot hold");
    if (hasNewline(u.key) || hasNewline(u.text) || hasNewline(u.audioPath) || hasNewline(u.speaker))
        throw InputError("utterance " + shown(u.key) + " contains a line break in its key, text, speaker or path");
}

void checkUniqueKeys(const UtteranceList& utterances)
{
    std::unordered_set<std::string> keys;
    for (const auto& u : utterances)
        if (!keys.insert(u.key).second) throw InputError("duplicate utterance key " + shown(u.key));
}

fs::path prepareOutputDir(const fs::path& dir)
{
    std::error_code ec;
    if (!dir.empty()) fs::create_directories(dir, ec);
    if (ec) throw IoError("cannot create folder '" + dir.string() + "': " + ec.message());
    return absoluteDir(dir);
}

std::string jsonLine(const nlohmann::ordered_json& obj)
{
    return obj.dump(-1, ' ', false, Json::error_handler_t::replace) + '\n';
}

} // namespace

const EnumNames<ManifestFormat>& manifestFormatNames()
{
    static const EnumNames<ManifestFormat> names{{ManifestFormat::Auto, "auto"},   {ManifestFormat::Kaldi, "kaldi"},
                                                 {ManifestFormat::WeNet, "wenet"}, {ManifestFormat::NeMo, "nemo"},
                                                 {ManifestFormat::Aishell, "aishell"}};
    return names;
}

ManifestFormat parseManifestFormat(const std::string& name)
{
    std::string lower = name;
    std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
    if (const std::optional<ManifestFormat> format = manifestFormatNames().parse(lower))
        return *format;
    throw InputError("manifest format: expected " + manifestFormatNames().expected() + ", got '" + name + "'");
}

std::string ManifestIssue::toString() const
{
    std::string s = file;
    if (line > 0) s += ":" + std::to_string(line);
    s += ": ";
    if (!key.empty()) s += "[" + key + "] ";
    return s + message;
}

ManifestFormat detectManifestFormat(const std::string& pathString)
{
    const fs::path path(pathString);
    std::error_code ec;
    if (!fs::exists(path, ec)) throw InputError("manifest '" + pathString + "' does not exist");
    if (isDir(path)) {
        if (isFile(path / "wav.scp")) return ManifestFormat::Kaldi;
        if (isFile(path / kAishellTranscript)) return ManifestFormat::Aishell;
        if (isFile(path / "data.list")) return ManifestFormat::WeNet;
        throw InputError("cannot tell the manifest format of folder '" + pathString +
                         "': expected a Kaldi dir (wav.scp), an AISHELL-1 root (" + kAishellTranscript +
                         ") or a folder holding data.list");
    }
    if (path.filename() == "wav.scp") return ManifestFormat::Kaldi;
    if (path.filename() == "data.list") return ManifestFormat::WeNet;

    std::ifstream in(path, std::ios::binary);
    if (!in) throw IoError("cannot open manifest '" + pathString + "'");
    std::string line;
    std::string_view first;
    while (std::getline(in, line)) {
        std::string_view view(line);
        if (view.substr(0, 3) == "\xEF\xBB\xBF") view.remove_prefix(3);
        first = trim(view);
        if (!first.empty()) break;
    }
    const std::string expected =
        ": expected JSON lines with \"key\" and \"wav\" (WeNet data.list) or \"audio_filepath\" (NeMo)";
    if (first.empty()) throw InputError("cannot tell the manifest format of '" + pathString + "': it is empty");
    Json obj;
    try {
        obj = Json::parse(first);
    } catch (const Json::exception&) {
        throw InputError("cannot tell the manifest format of '" + pathString + "': its first line is not JSON" +
                         expected);
    }
    if (obj.is_object()) {
        if (obj.contains("key") && obj.contains("wav")) return ManifestFormat::WeNet;
        if (obj.contains("audio_filepath")) return ManifestFormat::NeMo;
    }
    throw InputError("cannot tell the manifest format of '" + pathString + "'" + expected);
}

ManifestReadResult readManifest(const std::string& path, ManifestFormat format, const std::string& split)
{
    if (format == ManifestFormat::Auto) format = detectManifestFormat(path);
    switch (format) {
    case ManifestFormat::Kaldi: return readKaldi(path);
    case ManifestFormat::Aishell: return readAishell(path, split);
    case ManifestFormat::WeNet:
        return readJsonLines(isDir(path) ? (fs::path(path) / "data.list").string() : path, format);
    case ManifestFormat::NeMo: return readJsonLines(path, format);
    case ManifestFormat::Auto: break;
    }
    throw InputError("cannot read manifest '" + path + "': unknown format");
}

UtteranceList loadManifest(const std::string& path, ManifestFormat format)
{
    ManifestReadResult result = readManifest(path, format);
    if (!result.issues.empty()) {
        std::string message = result.issues.front().toString();
        if (result.issues.size() > 1)
            message += " (and " + std::to_string(result.issues.size() - 1) + " more problem" +
                       (result.issues.size() > 2 ? "s" : "") + ")";
        throw InputError(message);
    }
    return std::move(result.utterances);
}

void writeKaldiDir(const std::string& dirString, const UtteranceList& utterances)
{
    for (const auto& u : utterances) checkWritable(u, true);
    checkUniqueKeys(utterances);
    const fs::path dir(dirString);
    const fs::path base = prepareOutputDir(dir);
    std::string scp, text, spk, dur;
    bool allDurations = !utterances.empty();
    for (const auto& u : utterances) {
        scp += u.key + ' ' + relativeAudio(base, u.audioPath) + '\n';
        text += u.key + (u.text.empty() ? "" : " ") + u.text + '\n';
        spk += u.key + ' ' + (u.speaker.empty() ? u.key : u.speaker) + '\n';
        allDurations = allDurations && u.duration > 0.0;
        char buf[32];
        const auto end = std::to_chars(buf, buf + sizeof buf, u.duration).ptr;  // shortest, locale-free
        dur += u.key + ' ' + std::string(buf, end) + '\n';
    }
    io::writeFileAtomic((dir / "wav.scp").string(), scp);
    io::writeFileAtomic((dir / "text").string(), text);
    io::writeFileAtomic((dir / "utt2spk").string(), spk);
    const fs::path durPath = dir / "utt2dur";
    if (allDurations) {
        io::writeFileAtomic(durPath.string(), dur);
    } else {
        std::error_code ec;
        fs::remove(durPath, ec);  // a stale one would no longer match
    }
}

void writeWenetList(const std::string& path, const UtteranceList& utterances)
{
    for (const auto& u : utterances) checkWritable(u, false);
    checkUniqueKeys(utterances);
    const fs::path base = prepareOutputDir(fs::path(path).parent_path());
    std::string out;
    for (const auto& u : utterances) {
        nlohmann::ordered_json obj;
        obj["key"] = u.key;
        obj["wav"] = relativeAudio(base, u.audioPath);
        obj["txt"] = u.text;
        out += jsonLine(obj);
    }
    io::writeFileAtomic(path, out);
}

void writeNemoManifest(const std::string& path, const UtteranceList& utterances)
{
    const fs::path base = prepareOutputDir(fs::path(path).parent_path());
    std::string out;
    for (const auto& u : utterances) {
        if (u.audioPath.empty()) throw InputError("utterance " + shown(u.key) + " has no audio path");
        nlohmann::ordered_json obj;
        obj["audio_filepath"] = relativeAudio(base, u.audioPath);
        obj["duration"] = u.duration;
        obj["text"] = u.text;
        out += jsonLine(obj);
    }
    io::writeFileAtomic(path, out);
}

} // namespace espalier::data
