#pragma once
// Deep validation of a corpus manifest: every malformed line, missing or unreadable audio file,
// empty transcript and duplicate key, each with its file and line number.
#include "core/data/manifest.h"

#include <functional>

namespace espalier::data {

struct ValidationReport {
    std::string path;
    ManifestFormat format = ManifestFormat::Auto;
    size_t utterances = 0;
    std::vector<ManifestIssue> issues;
    bool ok() const { return issues.empty(); }
};

// Validates one manifest (or a corpus folder of split folders, each validated in turn). Opens every
// audio file's header. progress(done, total) is called as files are checked; it may throw
// CancelledError to stop.
ValidationReport validateManifest(const std::string& path,
                                  const std::function<void(size_t, size_t)>& progress = {});

} // namespace espalier::data
