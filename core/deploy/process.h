#pragma once
// Runs a program as a child process with an argument vector (never through a shell), feeding its
// standard input and collecting its output, with a time limit and a cancellation token — the one way
// the deployment lab starts ssh, adb, qemu and local runners.
#include <cstddef>
#include <string>
#include <vector>

namespace espalier::job {
class CancellationToken;
}

namespace espalier::deploy {

struct ProcessOptions {
    std::string input;            // written to the child's standard input, which is then closed
    std::string inputFile;        // or: this file's bytes (a push of a model or a runner)
    double timeoutSeconds = 60.0; // <= 0: no limit
    const job::CancellationToken* cancel = nullptr;
    size_t outputLimit = size_t(64) << 20;  // per stream; past it the child is killed (IoError)
    std::string workingDir;       // "" : the caller's
};

struct ProcessResult {
    int exitCode = -1;     // -1 when killed by a signal
    int signal = 0;
    bool timedOut = false; // killed at the time limit
    std::string out, err;
    // The last non-empty line of err (what ssh or adb said), for messages.
    std::string lastErrorLine() const;
};

// Starts argv[0] (looked up on PATH) in its own process group and waits for it. On timeout the group
// is killed and timedOut set; on cancel it is killed and CancelledError thrown. IoError when the
// program cannot be started (naming it) or an input file cannot be read.
ProcessResult runProcess(const std::vector<std::string>& argv, const ProcessOptions& options = {});

// Whether a program is on PATH (or an executable path).
bool programExists(const std::string& program);

} // namespace espalier::deploy
