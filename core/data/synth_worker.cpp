#include "core/data/synth_worker.h"

#include "core/runtime/error.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

namespace espalier::data {

namespace {

// The records a worker sends: a fixed header, then `bytes` of payload.
//
// Samples go back through the pipe rather than as files the child writes: the parent gets espeak-ng's
// exact output (no 16-bit rounding before noise mixing and peak normalisation), babble talkers need no
// temporary files, a killed child leaves nothing behind on disk, and a full pipe holds the child back
// while the parent catches up. The same pipe carries progress (one record per item) and errors.
enum RecordType : std::uint32_t {
    kSamples = 1,   // aux = request number within the item, index = item, payload = float samples
    kItemDone = 2,  // aux = number of requests of the item
    kInfo = 3,      // payload = EspeakInfo fields separated by '\0'
    kError = 4,     // aux = ErrorKind, payload = message
    kFinished = 5,  // the worker did all its work
};

enum ErrorKind : std::uint32_t { kInputError = 1, kIoError = 2, kOtherError = 3 };

struct RecordHeader {
    std::uint32_t type = 0;
    std::uint32_t aux = 0;
    std::uint64_t index = 0;
    std::uint64_t bytes = 0;
};

struct Record {
    RecordHeader header;
    std::vector<char> payload;
};

constexpr std::uint64_t kMaxRecordBytes = std::uint64_t(256) << 20;  // ~25 min of audio
constexpr int kPollMilliseconds = 200;
constexpr int kPipeBytes = 1 << 20;  // fewer wake-ups than the default 64 KiB
constexpr size_t kReadChunk = 1 << 20;
constexpr int kExitPipeBroken = 3;

std::string errnoText(int error)
{
    return std::strerror(error);
}

// --- the child side ---------------------------------------------------------------------------

// Writes every byte (short writes and EINTR retried); a pipe the parent has closed ends the child.
void writeAll(int fd, const void* data, size_t bytes)
{
    const char* at = static_cast<const char*>(data);
    while (bytes > 0) {
        const ssize_t n = ::write(fd, at, bytes);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            _exit(kExitPipeBroken);
        at += n;
        bytes -= size_t(n);
    }
}

// The child's end of the pipe.
class Channel {
public:
    explicit Channel(int fd) : fd_(fd) {}
    void send(RecordType type, std::uint32_t aux, std::uint64_t index, const void* data = nullptr,
              size_t bytes = 0) const
    {
        RecordHeader header;
        header.type = type;
        header.aux = aux;
        header.index = index;
        header.bytes = bytes;
        writeAll(fd_, &header, sizeof header);
        if (bytes > 0)
            writeAll(fd_, data, bytes);
    }

private:
    int fd_;
};

using ChildBody = std::function<void(const Channel&)>;

// Closes every descriptor the child inherited except stdin/stdout/stderr and its pipe: another
// worker's pipe held open here would hide that worker's end from the parent.
void closeInheritedFds(int keep)
{
    bool closed = true;
    if (keep > 3)
        closed = ::close_range(3, unsigned(keep) - 1, 0) == 0;
    closed = closed && ::close_range(unsigned(keep) + 1, ~0U, 0) == 0;
    if (closed)
        return;
    const long max = std::min(::sysconf(_SC_OPEN_MAX), 65536L);
    for (int fd = 3; fd < max; ++fd)
        if (fd != keep)
            ::close(fd);
}

[[noreturn]] void runChild(int fd, pid_t parent, const ChildBody& body)
{
#if defined(__linux__)
    // Do not outlive a parent that crashes. (The signal comes when the forking thread ends; that
    // thread waits for the worker anyway.)
    ::prctl(PR_SET_PDEATHSIG, SIGKILL);
#endif
    if (::getppid() != parent)
        _exit(kExitPipeBroken);
    closeInheritedFds(fd);
    std::srand(1);  // SpeechSynth seeds before each utterance as well; this covers anything before
    const Channel channel(fd);
    int code = 0;
    auto fail = [&](ErrorKind kind, const char* message) {
        channel.send(kError, kind, 0, message, std::strlen(message));
        code = 1;
    };
    try {
        body(channel);
        channel.send(kFinished, 0, 0);
    } catch (const InputError& e) {
        fail(kInputError, e.what());
    } catch (const IoError& e) {
        fail(kIoError, e.what());
    } catch (const std::exception& e) {
        fail(kOtherError, e.what());
    } catch (...) {
        fail(kOtherError, "unknown error");
    }
    _exit(code);  // no atexit handlers, no flushing of the parent's stdio buffers
}

// --- the parent side --------------------------------------------------------------------------

std::string describeStatus(int status)
{
    if (WIFEXITED(status))
        return "exited with code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) {
        const int signal = WTERMSIG(status);
        const char* name = ::strsignal(signal);
        return "was killed by signal " + std::to_string(signal) + (name ? std::string(" (") + name + ")" : "");
    }
    return "ended with status " + std::to_string(status);
}

// One forked worker, seen from the parent. The destructor kills and reaps a child still running.
class Worker {
public:
    Worker(std::string name, const ChildBody& body) : name_(std::move(name))
    {
        int fds[2];
        if (::pipe2(fds, O_CLOEXEC) != 0)  // close-on-exec: not inherited by other threads' exec'd programs
            throw IoError("cannot start " + name_ + ": no pipe (" + errnoText(errno) + ")");
        ::fcntl(fds[1], F_SETPIPE_SZ, kPipeBytes);  // best effort
        const pid_t parent = ::getpid();
        pid_ = ::fork();
        if (pid_ < 0) {
            const int error = errno;
            ::close(fds[0]);
            ::close(fds[1]);
            throw IoError("cannot start " + name_ + ": fork failed (" + errnoText(error) + ")");
        }
        if (pid_ == 0) {
            ::close(fds[0]);
            runChild(fds[1], parent, body);
        }
        ::close(fds[1]);  // else the parent would never see end-of-file
        fd_ = fds[0];
        ::fcntl(fd_, F_SETFL, ::fcntl(fd_, F_GETFL) | O_NONBLOCK);
    }

    ~Worker()
    {
        if (pid_ > 0)
            ::kill(pid_, SIGKILL);
        reap();
        closePipe();
    }

    Worker(const Worker&) = delete;
    Worker& operator=(const Worker&) = delete;

    const std::string& name() const { return name_; }
    int fd() const { return fd_; }
    bool reading() const { return fd_ >= 0; }

    // Reads what the pipe holds and appends the complete records to out; false at end-of-file.
    bool read(std::vector<Record>& out)
    {
        chunk_.resize(kReadChunk);
        for (;;) {
            const ssize_t n = ::read(fd_, chunk_.data(), chunk_.size());
            if (n > 0)
                buffer_.insert(buffer_.end(), chunk_.data(), chunk_.data() + n);
            if (n < 0 && errno == EINTR)
                continue;
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
                break;
            if (n < 0)
                throw IoError("cannot read from " + name_ + ": " + errnoText(errno));
            if (n == 0) {
                closePipe();
                break;
            }
            if (size_t(n) < kReadChunk)
                break;
        }
        size_t at = 0;
        while (buffer_.size() - at >= sizeof(RecordHeader)) {
            Record record;
            std::memcpy(&record.header, buffer_.data() + at, sizeof(RecordHeader));
            if (record.header.type < kSamples || record.header.type > kFinished ||
                record.header.bytes > kMaxRecordBytes)
                throw IoError(name_ + " sent a malformed record (type " + std::to_string(record.header.type) +
                              ", " + std::to_string(record.header.bytes) + " bytes)");
            if (buffer_.size() - at - sizeof(RecordHeader) < record.header.bytes)
                break;
            const char* payload = buffer_.data() + at + sizeof(RecordHeader);
            record.payload.assign(payload, payload + record.header.bytes);
            at += sizeof(RecordHeader) + record.header.bytes;
            out.push_back(std::move(record));
        }
        buffer_.erase(buffer_.begin(), buffer_.begin() + std::ptrdiff_t(at));
        return reading();
    }

    // Waits for the child to end (after end-of-file) and returns its wait status; -1 if reaped before.
    int reap()
    {
        if (pid_ <= 0)
            return -1;
        int status = 0;
        pid_t got;
        do
            got = ::waitpid(pid_, &status, 0);
        while (got < 0 && errno == EINTR);
        pid_ = -1;
        return got < 0 ? -1 : status;
    }

    bool truncated() const { return !buffer_.empty(); }

private:
    void closePipe()
    {
        if (fd_ >= 0)
            ::close(fd_);
        fd_ = -1;
    }

    std::string name_;
    pid_t pid_ = -1;
    int fd_ = -1;
    std::vector<char> buffer_;  // received, not yet parsed
    std::vector<char> chunk_;   // one read
};

[[noreturn]] void throwWorkerError(const Worker& worker, const Record& record)
{
    const std::string message(record.payload.begin(), record.payload.end());
    switch (record.header.aux) {
    case kInputError: throw InputError(message);
    case kIoError: throw IoError(message);
    default: throw Error(worker.name() + ": " + message);
    }
}

// Reads the workers until every one has finished, handing each record other than errors and the
// end marker to handle(worker, record). Throws on a worker's error or unexpected end; the caller's
// Worker objects then kill and reap whatever still runs.
void drive(std::vector<std::unique_ptr<Worker>>& workers,
           const std::function<void(size_t, Record&)>& handle, const CancelCheck& checkCancelled,
           const std::function<std::string(size_t)>& progressNote)
{
    std::vector<bool> finished(workers.size(), false);
    std::vector<pollfd> polled;
    std::vector<size_t> owner;
    std::vector<Record> records;
    for (;;) {
        polled.clear();
        owner.clear();
        for (size_t w = 0; w < workers.size(); ++w) {
            if (workers[w]->reading()) {
                polled.push_back({workers[w]->fd(), POLLIN, 0});
                owner.push_back(w);
            }
        }
        if (polled.empty())
            return;
        const int ready = ::poll(polled.data(), nfds_t(polled.size()), kPollMilliseconds);
        if (ready < 0 && errno != EINTR)
            throw IoError("cannot wait for the espeak-ng workers: " + errnoText(errno));
        if (checkCancelled)
            checkCancelled();
        if (ready <= 0)
            continue;
        for (size_t p = 0; p < polled.size(); ++p) {
            if (polled[p].revents == 0)
                continue;
            Worker& worker = *workers[owner[p]];
            records.clear();
            const bool open = worker.read(records);
            for (Record& record : records) {
                if (record.header.type == kError)
                    throwWorkerError(worker, record);
                if (record.header.type == kFinished)
                    finished[owner[p]] = true;
                else
                    handle(owner[p], record);
                if (checkCancelled)
                    checkCancelled();
            }
            if (open)
                continue;
            const int status = worker.reap();
            // -1: the status is lost (SIGCHLD ignored by the process); its end marker then decides.
            const bool clean = status == -1 ? finished[owner[p]] : WIFEXITED(status) && WEXITSTATUS(status) == 0;
            if (!clean || !finished[owner[p]] || worker.truncated())
                throw Error("espeak-ng " + worker.name() + " " +
                            (status == -1 ? std::string("ended and could not be waited for") : describeStatus(status)) +
                            (clean ? " without finishing its work" : "") + progressNote(owner[p]));
        }
    }
}

std::vector<float> toFloats(const std::vector<char>& payload)
{
    std::vector<float> samples(payload.size() / sizeof(float));
    std::memcpy(samples.data(), payload.data(), samples.size() * sizeof(float));
    return samples;
}

} // namespace

EspeakInfo probeEspeak(const std::vector<std::string>& languages, const CancelCheck& checkCancelled)
{
    std::vector<std::unique_ptr<Worker>> workers;
    workers.push_back(std::make_unique<Worker>("probe process", [&languages](const Channel& channel) {
        SpeechSynth synth;
        for (const auto& language : languages) {
            VoiceSettings voice;
            voice.language = language;
            synth.checkVoice(voice);
        }
        std::string text = synth.version() + '\0' + synth.dataPath() + '\0' + std::to_string(synth.nativeRate());
        for (const auto& name : synth.variants())
            text += '\0' + name;
        channel.send(kInfo, 0, 0, text.data(), text.size());
    }));
    EspeakInfo info;
    bool got = false;
    drive(
        workers,
        [&](size_t, Record& record) {
            if (record.header.type != kInfo)
                return;
            std::vector<std::string> fields(1);
            for (char c : record.payload) {
                if (c == '\0')
                    fields.emplace_back();
                else
                    fields.back() += c;
            }
            if (fields.size() < 3)
                throw IoError("the espeak-ng probe process sent a malformed report");
            info.version = fields[0];
            info.dataPath = fields[1];
            info.nativeRate = std::atoi(fields[2].c_str());
            info.variants.assign(fields.begin() + 3, fields.end());
            got = true;
        },
        checkCancelled, [](size_t) { return std::string(); });
    if (!got || info.nativeRate <= 0)
        throw IoError("the espeak-ng probe process reported nothing usable");
    return info;
}

void synthesizeInWorkers(const std::vector<std::vector<SpeechRequest>>& items, int lanes, const SpeechSink& sink,
                         const CancelCheck& checkCancelled)
{
    if (lanes < 1)
        throw InputError("speech synthesis: lanes must be at least 1, got " + std::to_string(lanes));
    const size_t laneCount = size_t(lanes);
    std::vector<size_t> assigned(laneCount, 0), delivered(laneCount, 0);
    for (size_t i = 0; i < items.size(); ++i)
        ++assigned[i % laneCount];

    std::vector<std::unique_ptr<Worker>> workers;
    for (size_t lane = 0; lane < laneCount; ++lane) {
        const std::string name = "worker process " + std::to_string(lane + 1) + " of " + std::to_string(lanes);
        workers.push_back(std::make_unique<Worker>(name, [&items, lane, laneCount](const Channel& channel) {
            SpeechSynth synth;  // starts espeak-ng in this child
            for (size_t i = lane; i < items.size(); i += laneCount) {
                for (size_t part = 0; part < items[i].size(); ++part) {
                    const std::vector<float> native = synth.synthesizeNative(items[i][part].text, items[i][part].voice);
                    channel.send(kSamples, std::uint32_t(part), i, native.data(), native.size() * sizeof(float));
                }
                channel.send(kItemDone, std::uint32_t(items[i].size()), i);
            }
        }));
    }

    // Each worker speaks one item at a time, so its parts arrive together and in order.
    std::vector<std::vector<std::vector<float>>> current(laneCount);
    drive(
        workers,
        [&](size_t lane, Record& record) {
            const std::uint64_t index = record.header.index;
            const size_t expected = lane + delivered[lane] * laneCount;
            if (index != expected || index >= items.size())
                throw IoError("espeak-ng " + workers[lane]->name() + " sent item " + std::to_string(index) +
                              " where item " + std::to_string(expected) + " was due");
            if (record.header.type == kSamples) {
                if (record.header.aux != current[lane].size())
                    throw IoError("espeak-ng " + workers[lane]->name() + " sent the parts of item " +
                                  std::to_string(index) + " out of order");
                current[lane].push_back(toFloats(record.payload));
            } else if (record.header.type == kItemDone) {
                if (current[lane].size() != items[index].size())
                    throw IoError("espeak-ng " + workers[lane]->name() + " sent " +
                                  std::to_string(current[lane].size()) + " parts of item " + std::to_string(index) +
                                  ", expected " + std::to_string(items[index].size()));
                ++delivered[lane];
                sink(size_t(index), std::move(current[lane]));
                current[lane].clear();
            }
        },
        checkCancelled,
        [&](size_t lane) {
            return " after " + std::to_string(delivered[lane]) + " of its " + std::to_string(assigned[lane]) +
                   " utterances";
        });
    for (size_t lane = 0; lane < laneCount; ++lane)
        if (delivered[lane] != assigned[lane])
            throw IoError("espeak-ng " + workers[lane]->name() + " finished after " +
                          std::to_string(delivered[lane]) + " of its " + std::to_string(assigned[lane]) +
                          " utterances");
}

} // namespace espalier::data
