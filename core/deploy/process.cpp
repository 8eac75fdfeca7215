#include "core/deploy/process.h"

#include "core/job/job.h"
#include "core/runtime/error.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <mutex>
#include <thread>

extern char** environ;

namespace espalier::deploy {

namespace {

// A pipe whose ends close themselves.
struct Pipe {
    int fd[2] = {-1, -1};
    Pipe()
    {
        if (pipe2(fd, O_CLOEXEC) != 0)
            throw IoError(std::string("cannot create a pipe: ") + std::strerror(errno));
    }
    ~Pipe()
    {
        closeEnd(0);
        closeEnd(1);
    }
    void closeEnd(int i)
    {
        if (fd[i] >= 0)
            ::close(fd[i]);
        fd[i] = -1;
    }
};

void setNonBlocking(int fd)
{
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
}

std::string readInputFile(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        throw IoError("cannot read '" + path + "'");
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    if (in.bad())
        throw IoError("cannot read '" + path + "'");
    return bytes;
}

void killGroup(pid_t pid)
{
    ::kill(-pid, SIGKILL);
    ::kill(pid, SIGKILL);
}

} // namespace

std::string ProcessResult::lastErrorLine() const
{
    size_t end = err.find_last_not_of(" \r\n\t");
    if (end == std::string::npos)
        return {};
    const size_t start = err.rfind('\n', end);
    return err.substr(start == std::string::npos ? 0 : start + 1, end - (start == std::string::npos ? 0 : start + 1) + 1);
}

bool programExists(const std::string& program)
{
    if (program.find('/') != std::string::npos)
        return ::access(program.c_str(), X_OK) == 0;
    const char* path = std::getenv("PATH");
    std::string dirs = path ? path : "/usr/bin:/bin";
    size_t start = 0;
    while (start <= dirs.size()) {
        const size_t colon = dirs.find(':', start);
        const std::string dir = dirs.substr(start, colon == std::string::npos ? std::string::npos : colon - start);
        if (!dir.empty() && ::access((dir + "/" + program).c_str(), X_OK) == 0)
            return true;
        if (colon == std::string::npos)
            break;
        start = colon + 1;
    }
    return false;
}

ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options)
{
    if (argv.empty() || argv[0].empty())
        throw InputError("no program to run");
    // Writing to a child that has exited must be an error code, not a signal that ends us.
    static std::once_flag ignorePipe;
    std::call_once(ignorePipe, [] { ::signal(SIGPIPE, SIG_IGN); });
    const std::string input = options.inputFile.empty() ? options.input : readInputFile(options.inputFile);

    Pipe in, out, err;
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, in.fd[0], 0);
    posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
    posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
    if (!options.workingDir.empty())
        posix_spawn_file_actions_addchdir_np(&actions, options.workingDir.c_str());
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t defaults;
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    sigaddset(&defaults, SIGINT);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    sigset_t noMask;
    sigemptyset(&noMask);
    posix_spawnattr_setsigmask(&attr, &noMask);
    posix_spawnattr_setpgroup(&attr, 0);  // its own group: a timeout kills ssh and whatever it started
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETPGROUP);

    std::vector<char*> args;
    for (const std::string& a : argv)
        args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    const int rc = posix_spawnp(&pid, argv[0].c_str(), &actions, &attr, args.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    posix_spawnattr_destroy(&attr);
    if (rc != 0)
        throw IoError("cannot start '" + argv[0] + "': " + std::strerror(rc)
                      + (rc == ENOENT ? " (is it installed and on PATH?)" : ""));
    in.closeEnd(0);
    out.closeEnd(1);
    err.closeEnd(1);
    setNonBlocking(in.fd[1]);
    setNonBlocking(out.fd[0]);
    setNonBlocking(err.fd[0]);
    if (input.empty())
        in.closeEnd(1);

    ProcessResult result;
    size_t written = 0;
    const auto start = std::chrono::steady_clock::now();
    bool overflow = false;
    bool exited = false;  // the child is gone: read what its pipes still hold, then stop (a descendant
    int exitStatus = 0;   // that keeps them open must not hold us to the time limit)
    while (out.fd[0] >= 0 || err.fd[0] >= 0) {
        if (!exited && ::waitpid(pid, &exitStatus, WNOHANG) == pid)
            exited = true;
        pollfd fds[3];
        int n = 0;
        int outIndex = -1, errIndex = -1, inIndex = -1;
        if (out.fd[0] >= 0) {
            outIndex = n;
            fds[n++] = {out.fd[0], POLLIN, 0};
        }
        if (err.fd[0] >= 0) {
            errIndex = n;
            fds[n++] = {err.fd[0], POLLIN, 0};
        }
        if (in.fd[1] >= 0) {
            inIndex = n;
            fds[n++] = {in.fd[1], POLLOUT, 0};
        }
        const int ready = ::poll(fds, nfds_t(n), exited ? 0 : 100);
        if (exited && ready <= 0)
            break;
        char buffer[65536];
        auto drain = [&](int index, Pipe& pipe, std::string& sink) {
            if (index < 0 || !(fds[index].revents & (POLLIN | POLLHUP | POLLERR)))
                return;
            const ssize_t got = ::read(pipe.fd[0], buffer, sizeof buffer);
            if (got > 0) {
                sink.append(buffer, size_t(got));
                if (sink.size() > options.outputLimit)
                    overflow = true;
            } else if (got == 0 || (errno != EAGAIN && errno != EINTR)) {
                pipe.closeEnd(0);
            }
        };
        drain(outIndex, out, result.out);
        drain(errIndex, err, result.err);
        if (inIndex >= 0 && (fds[inIndex].revents & (POLLOUT | POLLERR | POLLHUP))) {
            const ssize_t put = ::write(in.fd[1], input.data() + written, std::min<size_t>(input.size() - written, 65536));
            if (put > 0)
                written += size_t(put);
            if ((put < 0 && errno != EAGAIN && errno != EINTR) || written == input.size())
                in.closeEnd(1);
        }
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const bool cancelled = options.cancel && options.cancel->isCancelled();
        const bool late = options.timeoutSeconds > 0 && elapsed > options.timeoutSeconds;
        if (cancelled || late || overflow) {
            killGroup(pid);  // the group: also a descendant still writing after the child exited
            int status = 0;
            if (!exited)
                ::waitpid(pid, &status, 0);
            if (cancelled)
                throw CancelledError();
            if (overflow)
                throw IoError("'" + argv[0] + "' printed more than " + std::to_string(options.outputLimit >> 20)
                              + " MiB; stopped it");
            result.timedOut = true;
            result.signal = SIGKILL;
            return result;
        }
    }
    if (exited) {
        if (WIFEXITED(exitStatus))
            result.exitCode = WEXITSTATUS(exitStatus);
        else if (WIFSIGNALED(exitStatus))
            result.signal = WTERMSIG(exitStatus);
        return result;
    }
    // Both outputs closed: the child has exited or closed them; wait for it within the same limits
    // (its input closed, so a child still reading it sees the end).
    in.closeEnd(1);
    for (;;) {
        int status = 0;
        const pid_t done = ::waitpid(pid, &status, WNOHANG);
        if (done == pid) {
            if (WIFEXITED(status))
                result.exitCode = WEXITSTATUS(status);
            else if (WIFSIGNALED(status))
                result.signal = WTERMSIG(status);
            break;
        }
        if (done < 0 && errno != EINTR)
            break;
        const double elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
        const bool cancelled = options.cancel && options.cancel->isCancelled();
        if (cancelled || (options.timeoutSeconds > 0 && elapsed > options.timeoutSeconds)) {
            killGroup(pid);
            ::waitpid(pid, &status, 0);
            if (cancelled)
                throw CancelledError();
            result.timedOut = true;
            result.signal = SIGKILL;
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return result;
}

} // namespace espalier::deploy
