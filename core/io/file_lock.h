#pragma once
// An advisory, exclusive lock on a file (a Linux open-file-description lock), held for as long as the
// object lives and released by the kernel when the process dies, so a killed holder never leaves a
// stale lock behind (the empty file stays). Asking whether it is held takes nothing, so a status poll
// never makes a taker fail. How several processes (two `study run`s, the GUI and a CLI, two trainers
// of one run folder) share out work without a server.
#include <optional>
#include <string>

namespace espalier::io {

class FileLock {
public:
    // Takes the lock on path (created, with its folder, when missing) if no one holds it; nullopt
    // when another holder has it. Throws IoError naming the file when it cannot be created.
    static std::optional<FileLock> tryLock(const std::string& path);
    // Whether some process holds the lock on path now (false when the file does not exist).
    static bool isHeld(const std::string& path);

    FileLock(FileLock&& other) noexcept;
    FileLock& operator=(FileLock&& other) noexcept;
    FileLock(const FileLock&) = delete;
    FileLock& operator=(const FileLock&) = delete;
    ~FileLock();

    const std::string& path() const { return path_; }

private:
    FileLock(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
    std::string path_;
    int fd_ = -1;
};

} // namespace espalier::io
