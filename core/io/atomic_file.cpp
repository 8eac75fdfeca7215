#include "core/io/atomic_file.h"

#include "core/runtime/error.h"

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <mutex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

namespace espalier::io {

namespace {

std::string errnoText(int err) { return std::strerror(err); }

[[noreturn]] void throwIo(const std::string& what, const std::string& path, int err)
{
    throw IoError(what + " '" + path + "': " + errnoText(err));
}

std::string folderOf(const std::string& path)
{
    const auto slash = path.find_last_of('/');
    if (slash == std::string::npos) return ".";
    if (slash == 0) return "/";
    return path.substr(0, slash);
}

// ".<name>.tmp-<pid>-<counter>" beside path; hidden so folder listings and globbing skip it.
std::string tempPathFor(const std::string& path)
{
    static std::atomic<unsigned long long> counter{0};
    const auto slash = path.find_last_of('/');
    const std::string prefix = slash == std::string::npos ? std::string() : path.substr(0, slash + 1);
    const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    for (;;) {
        const std::string candidate = prefix + "." + name + ".tmp-" + std::to_string(::getpid()) + "-" +
                                      std::to_string(counter.fetch_add(1));
        struct stat st;
        if (::lstat(candidate.c_str(), &st) != 0) return candidate;  // a stale leftover is never reused
    }
}

// The pid in ".<name>.tmp-<pid>-<counter>", or 0 when entry is not one of our temporaries.
long tempOwner(const char* entry)
{
    if (entry[0] != '.')
        return 0;
    const char* tag = std::strstr(entry, ".tmp-");
    if (!tag)
        return 0;
    char* end = nullptr;
    const long pid = std::strtol(tag + 5, &end, 10);
    return pid > 0 && *end == '-' ? pid : 0;
}

// Removes the temporaries that killed writers left in folder: their process is gone and no one
// holds the lock every writer keeps on its temporary (which also covers a writer in another pid
// namespace on this machine). Done once per folder per process, at the first write into it.
void sweepStaleTemporaries(const std::string& folder)
{
    static std::mutex mutex;
    static std::set<std::string> swept;
    {
        std::lock_guard<std::mutex> lock(mutex);
        if (!swept.insert(folder).second)
            return;
    }
    DIR* dir = ::opendir(folder.c_str());
    if (!dir)
        return;
    while (const dirent* e = ::readdir(dir)) {
        const long pid = tempOwner(e->d_name);
        if (pid == 0 || pid == long(::getpid()) || ::kill(pid_t(pid), 0) == 0 || errno != ESRCH)
            continue;
        const std::string path = folder + "/" + e->d_name;
        const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd < 0)
            continue;
        if (::flock(fd, LOCK_EX | LOCK_NB) == 0)
            ::unlink(path.c_str());
        ::close(fd);
    }
    ::closedir(dir);
}

// Creates the temporary and locks it for as long as the write lasts (the lock dies with the
// process, so a later sweep knows the file was abandoned). Returns the locked descriptor.
int createLockedTemp(const std::string& tmp, const std::string& path)
{
    const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
    if (fd < 0)
        throwIo("cannot write", path, errno);
    ::flock(fd, LOCK_EX | LOCK_NB);  // best effort: some file systems have no locks
    return fd;
}

void syncFile(const std::string& tmpPath, const std::string& path)
{
    const int fd = ::open(tmpPath.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwIo("cannot write", path, errno);
    if (::fsync(fd) != 0) {
        const int err = errno;
        ::close(fd);
        throwIo("cannot flush", path, err);
    }
    ::close(fd);
}

void syncFolder(const std::string& folder)
{
    // Best effort: makes the rename durable; some file systems refuse fsync on folders.
    const int fd = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return;
    ::fsync(fd);
    ::close(fd);
}

void writeAll(int fd, const void* data, size_t size, const std::string& path)
{
    const char* p = static_cast<const char*>(data);
    size_t left = size;
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) {
            if (errno == EINTR) continue;
            throwIo("cannot write", path, errno);
        }
        p += n;
        left -= size_t(n);
    }
}

} // namespace

void writeAtomicWith(const std::string& path, const std::function<void(const std::string& tmpPath)>& write)
{
    if (path.empty()) throw IoError("cannot write a file with an empty path");
    sweepStaleTemporaries(folderOf(path));
    const std::string tmp = tempPathFor(path);
    const int lockFd = createLockedTemp(tmp, path);
    try {
        write(tmp);
        struct stat st;
        if (::stat(tmp.c_str(), &st) != 0) throwIo("cannot write", path, errno);
        struct stat old;
        if (::stat(path.c_str(), &old) == 0 && S_ISREG(old.st_mode)) ::chmod(tmp.c_str(), old.st_mode & 07777);
        syncFile(tmp, path);
        if (::rename(tmp.c_str(), path.c_str()) != 0) throwIo("cannot replace", path, errno);
    } catch (...) {
        ::unlink(tmp.c_str());
        ::close(lockFd);
        throw;
    }
    ::close(lockFd);
    syncFolder(folderOf(path));
}

void writeFileAtomic(const std::string& path, const void* data, size_t size)
{
    writeAtomicWith(path, [&](const std::string& tmp) {
        const int fd = ::open(tmp.c_str(), O_WRONLY | O_TRUNC | O_CLOEXEC);
        if (fd < 0) throwIo("cannot write", path, errno);
        try {
            writeAll(fd, data, size, path);
        } catch (...) {
            ::close(fd);
            throw;
        }
        if (::close(fd) != 0) throwIo("cannot write", path, errno);
    });
}

void writeFileAtomic(const std::string& path, const std::string& content)
{
    writeFileAtomic(path, content.data(), content.size());
}

ScratchFile::ScratchFile(const std::string& beside, const void* data, size_t size)
{
    if (beside.empty()) throw IoError("cannot write a file with an empty path");
    sweepStaleTemporaries(folderOf(beside));
    path_ = tempPathFor(beside);
    lockFd_ = createLockedTemp(path_, beside);
    try {
        writeAll(lockFd_, data, size, beside);
    } catch (...) {
        ::unlink(path_.c_str());
        ::close(lockFd_);
        throw;
    }
}

ScratchFile::~ScratchFile()
{
    ::unlink(path_.c_str());
    ::close(lockFd_);
}

std::string readFile(const std::string& path)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) throwIo("cannot read", path, errno);
    std::string out;
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) out.reserve(size_t(st.st_size));
    char buf[65536];
    for (;;) {
        const ssize_t n = ::read(fd, buf, sizeof buf);
        if (n < 0) {
            if (errno == EINTR) continue;
            const int err = errno;
            ::close(fd);
            throwIo("cannot read", path, err);
        }
        if (n == 0) break;
        out.append(buf, size_t(n));
    }
    ::close(fd);
    return out;
}

} // namespace espalier::io
