#pragma once
// Writes files so that a crash or kill never leaves a half-written file where a good one was:
// content goes to a temporary file beside the target, is flushed, then renamed into place.
#include <functional>
#include <string>

namespace espalier::io {

// Writes text (or bytes) to path atomically. Throws IoError naming the path on failure.
void writeFileAtomic(const std::string& path, const std::string& content);

// Calls write(tmpPath) to produce the file at a temporary path in the same folder, then renames it
// over path. If write throws, the temporary file is removed and the exception propagates.
void writeAtomicWith(const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

// Reads a whole file; throws IoError naming the path.
std::string readFile(const std::string& path);

} // namespace espalier::io
