#include "core/data/validate.h"

#include "core/audio/audio_file.h"
#include "core/data/corpus.h"
#include "core/data/text_normalize.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <filesystem>

namespace espalier::data {
namespace {

namespace fs = std::filesystem;

// Adds the per-utterance checks of one manifest to report.
void checkUtterances(const ManifestReadResult& manifest, ValidationReport& report, size_t& done, size_t total,
                     const std::function<void(size_t, size_t)>& progress)
{
    // AISHELL has no audio list: its entries are the transcript lines.
    const bool audioList = !manifest.audioFile.empty();
    for (size_t i = 0; i < manifest.utterances.size(); ++i) {
        const Utterance& u = manifest.utterances[i];
        const int textLine = i < manifest.textLines.size() ? manifest.textLines[i] : 0;
        const int audioLine = i < manifest.audioLines.size() ? manifest.audioLines[i] : 0;
        const std::string& audioFile = audioList ? manifest.audioFile : manifest.textFile;
        const int line = audioList ? audioLine : textLine;

        if (normalizeForCer(u.text).empty())
            report.issues.push_back({manifest.textFile, textLine, u.key,
                                     u.text.empty() ? "empty transcript"
                                                    : "transcript is empty after normalisation (only punctuation and spaces)"});
        std::error_code ec;
        if (!fs::is_regular_file(u.audioPath, ec)) {
            report.issues.push_back({audioFile, line, u.key, "audio file not found: '" + u.audioPath + "'"});
        } else {
            try {
                audio::probeAudio(u.audioPath);
            } catch (const std::exception& e) {
                report.issues.push_back({audioFile, line, u.key, e.what()});
            }
        }
        ++done;
        if (progress) progress(done, total);
    }
}

} // namespace

ValidationReport validateManifest(const std::string& path, const std::function<void(size_t, size_t)>& progress)
{
    ValidationReport report;
    report.path = path;

    std::vector<ManifestReadResult> manifests;
    std::error_code ec;
    try {
        report.format = detectManifestFormat(path);
        manifests.push_back(readManifest(path, report.format));
    } catch (const InputError&) {
        if (!fs::is_directory(path, ec)) throw;
        for (const CorpusSplit& split : findSplits(path)) manifests.push_back(readSplit(split));
    }

    size_t total = 0;
    for (const auto& m : manifests) total += m.utterances.size();
    report.utterances = total;
    if (progress) progress(0, total);
    size_t done = 0;
    for (auto& m : manifests) {
        report.issues.insert(report.issues.end(), m.issues.begin(), m.issues.end());
        checkUtterances(m, report, done, total, progress);
    }
    std::stable_sort(report.issues.begin(), report.issues.end(), [](const ManifestIssue& a, const ManifestIssue& b) {
        return a.file != b.file ? a.file < b.file : a.line < b.line;
    });
    return report;
}

} // namespace espalier::data
