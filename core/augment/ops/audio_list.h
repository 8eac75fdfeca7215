#pragma once
// The audio files listed by a manifest an op refers to (noise, babble speech, impulse responses),
// checked when the op is created so a missing file fails at load time, not mid-training.
#include "core/augment/op.h"
#include "core/data/manifest.h"
#include "core/runtime/error.h"

#include <filesystem>
#include <string>
#include <vector>

namespace espalier::augment {

// The existing audio files of the manifest at path; fails through reader (naming field) when the
// manifest is missing, unreadable, empty or lists a missing file.
inline std::vector<std::string> readAudioList(const ParamReader& reader, const std::string& field, const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) reader.fail(field, "not found: " + path);
    data::ManifestReadResult manifest;
    try {
        manifest = data::readManifest(path);
    } catch (const Error& e) {
        reader.fail(field, std::string("cannot be read as a manifest: ") + e.what());
    }
    if (manifest.utterances.empty())
        reader.fail(field, "lists no audio files (" + path + ")" +
                               (manifest.issues.empty() ? "" : ": " + manifest.issues.front().toString()));
    std::vector<std::string> files;
    size_t missing = 0;
    std::string firstMissing;
    for (const auto& u : manifest.utterances) {
        if (!std::filesystem::is_regular_file(u.audioPath, ec)) {
            if (missing++ == 0) firstMissing = u.audioPath;
            continue;
        }
        files.push_back(u.audioPath);
    }
    if (missing)
        reader.fail(field, "lists missing audio files: " + firstMissing +
                               (missing > 1 ? " and " + std::to_string(missing - 1) + " more" : "") + " (in " + path +
                               ")");
    return files;
}

} // namespace espalier::augment
