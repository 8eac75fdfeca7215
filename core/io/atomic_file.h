#pragma once
// Writes files so that a crash or kill never leaves a half-written file where a good one was:
// content goes to a temporary file beside the target, is flushed, then renamed into place.
#include <cstddef>
#include <functional>
#include <string>

namespace espalier::io {

// Writes text (or bytes) to path atomically. Throws IoError naming the path on failure.
void writeFileAtomic(const std::string& path, const std::string& content);
void writeFileAtomic(const std::string& path, const void* data, size_t size);

// Calls write(tmpPath) to fill a temporary file in the same folder, then renames it over path. The
// temporary exists (empty, locked) when write is called; write may truncate or overwrite it. If
// write throws, the temporary file is removed and the exception propagates. Temporaries that a
// killed process left in the folder are removed at the process's first write into it.
void writeAtomicWith(const std::string& path, const std::function<void(const std::string& tmpPath)>& write);

// A file that lives only while this object does, holding data: hidden beside `beside` under the
// temporaries' name and lock, so one that a killed process left is swept like them. For a file a
// tool must read by path (a candidate model a device times). Throws IoError naming `beside`.
class ScratchFile {
public:
    ScratchFile(const std::string& beside, const void* data, size_t size);
    ~ScratchFile();
    ScratchFile(const ScratchFile&) = delete;
    ScratchFile& operator=(const ScratchFile&) = delete;
    const std::string& path() const { return path_; }

private:
    std::string path_;
    int lockFd_ = -1;
};

// Reads a whole file; throws IoError naming the path.
std::string readFile(const std::string& path);

} // namespace espalier::io
