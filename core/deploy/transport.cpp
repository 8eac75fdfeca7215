#include "core/deploy/transport.h"

#include "core/job/shell_quote.h"
#include "core/io/atomic_file.h"
#include "core/job/job.h"
#include "core/runtime/error.h"

#include <sys/utsname.h>
#include <unistd.h>

#include <atomic>

#include <cstdio>
#include <filesystem>
#include <system_error>

namespace fs = std::filesystem;

namespace espalier::deploy {

namespace {

// A name for a file being copied that no other copy in flight uses.
std::string partialName(const std::string& remotePath)
{
    static std::atomic<unsigned> counter{0};
    return remotePath + ".partial-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

// The device's programs with their arguments as they are, on this machine (local and emulated devices).
class LocalTransport : public Transport {
public:
    LocalTransport(DeviceSpec device, std::string workDir, std::vector<std::string> launcher)
        : Transport(std::move(device)), workDir_(std::move(workDir)), launcher_(std::move(launcher))
    {
    }

    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) override
    {
        const ProcessResult r = runProcess(argv, options);
        checkTimeout(r, argv, options);
        return r;
    }

    void push(const std::string& localFile, const std::string& remotePath, bool executable,
              const ProcessOptions&) override
    {
        std::error_code ec;
        fs::create_directories(fs::path(remotePath).parent_path(), ec);
        io::writeAtomicWith(remotePath, [&](const std::string& tmp) {
            fs::copy_file(localFile, tmp, fs::copy_options::overwrite_existing, ec);
            if (ec)
                throw IoError("cannot copy '" + localFile + "' to '" + tmp + "': " + ec.message());
            if (executable)
                fs::permissions(tmp, fs::perms::owner_all | fs::perms::group_read | fs::perms::group_exec
                                         | fs::perms::others_read | fs::perms::others_exec, ec);
        });
    }

    std::string architecture(const ProcessOptions& options) override
    {
        if (device().kind == DeviceKind::Emulated)
            return device().arch;
        utsname u{};
        uname(&u);
        return normalizeArchitecture(u.machine, device().name);
    }

    std::vector<std::string> launcher() const override { return launcher_; }
    std::string workDir() const override { return workDir_; }

private:
    std::string workDir_;
    std::vector<std::string> launcher_;
};

// OpenSSH's client: batch mode (never a prompt), the host key pinned in the project's known_hosts on
// first use and checked after, keep-alives so a lost connection ends within about 15 s.
class SshTransport : public Transport {
public:
    SshTransport(DeviceSpec device, std::string knownHosts) : Transport(std::move(device)), knownHosts_(std::move(knownHosts))
    {
    }

    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) override
    {
        const ProcessResult r = runProcess(sshCommand(device(), knownHosts_, argv), options);
        checkTimeout(r, argv, options);
        if (r.exitCode == 255 || r.signal != 0)
            fail(job::shellJoin(argv), explain(r));
        return r;
    }

    void push(const std::string& localFile, const std::string& remotePath, bool executable,
              const ProcessOptions& options) override
    {
        const std::string dir = fs::path(remotePath).parent_path().string(), tmp = partialName(remotePath);
        std::string script = "mkdir -p " + job::shellJoin({dir}) + " && cat > " + job::shellJoin({tmp});
        if (executable)
            script += " && chmod 755 " + job::shellJoin({tmp});
        script += " && mv -f " + job::shellJoin({tmp, remotePath});
        ProcessOptions o = options;
        o.inputFile = localFile;
        std::vector<std::string> argv = sshCommand(device(), knownHosts_, {});
        argv.push_back(script);
        const ProcessResult r = runProcess(argv, o);
        checkTimeout(r, {"push", remotePath}, options);
        if (r.exitCode != 0)
            fail("copying " + localFile + " to " + remotePath, explain(r));
    }

    std::string workDir() const override { return device().effectiveWorkDir(); }

private:
    std::string explain(const ProcessResult& r) const
    {
        const std::string line = r.lastErrorLine();
        if (r.err.find("REMOTE HOST IDENTIFICATION HAS CHANGED") != std::string::npos
            || r.err.find("Host key verification failed") != std::string::npos)
            return "its host key is not the one pinned on first use in " + knownHosts_
                   + " (if the device was reinstalled, delete its line there; otherwise something may be "
                     "intercepting the connection)";
        if (r.err.find("Permission denied") != std::string::npos)
            return "the device refused the login (" + line + "); check the user and the key file";
        if (r.err.find("Connection refused") != std::string::npos || r.err.find("timed out") != std::string::npos
            || r.err.find("No route to host") != std::string::npos
            || r.err.find("Could not resolve") != std::string::npos)
            return "cannot connect (" + line + ")";
        if (r.err.find("Timeout, server") != std::string::npos || r.err.find("closed by remote") != std::string::npos
            || r.err.find("Broken pipe") != std::string::npos || r.err.find("Connection reset") != std::string::npos
            || r.err.find("closed") != std::string::npos)
            return "the connection was lost (" + line + ")";
        return line.empty() ? "ssh failed (exit " + std::to_string(r.exitCode) + ")" : line;
    }

    std::string knownHosts_;
};

// adb: `adb -s SERIAL shell` runs one command string in the device's sh (exit status passed back).
class AdbTransport : public Transport {
public:
    explicit AdbTransport(DeviceSpec device) : Transport(std::move(device)) {}

    ProcessResult run(const std::vector<std::string>& argv, const ProcessOptions& options) override
    {
        std::vector<std::string> cmd = adb();
        cmd.push_back("shell");
        cmd.push_back(job::shellJoin(argv));
        const ProcessResult r = runProcess(cmd, options);
        checkTimeout(r, argv, options);
        if (r.exitCode != 0 && isAdbError(r))
            fail(job::shellJoin(argv), r.lastErrorLine());
        return r;
    }

    void push(const std::string& localFile, const std::string& remotePath, bool executable,
              const ProcessOptions& options) override
    {
        const std::string tmp = partialName(remotePath);
        std::vector<std::string> mkdir = {"mkdir", "-p", fs::path(remotePath).parent_path().string()};
        run(mkdir, options);
        std::vector<std::string> cmd = adb();
        cmd.insert(cmd.end(), {"push", localFile, tmp});
        const ProcessResult r = runProcess(cmd, options);
        checkTimeout(r, {"push", remotePath}, options);
        if (r.exitCode != 0)
            fail("copying " + localFile + " to " + remotePath, r.lastErrorLine());
        if (executable) {
            const ProcessResult chmod = run({"chmod", "755", tmp}, options);
            if (chmod.exitCode != 0)
                fail("making " + tmp + " executable", chmod.lastErrorLine());
        }
        const ProcessResult mv = run({"mv", "-f", tmp, remotePath}, options);
        if (mv.exitCode != 0)
            fail("renaming " + tmp, mv.lastErrorLine());
    }

    std::string workDir() const override { return device().effectiveWorkDir(); }

private:
    std::vector<std::string> adb() const
    {
        std::vector<std::string> cmd = {"adb"};
        if (!device().serial.empty())
            cmd.insert(cmd.end(), {"-s", device().serial});
        return cmd;
    }
    static bool isAdbError(const ProcessResult& r)
    {
        for (const char* s : {"error: device", "no devices/emulators", "device offline", "unauthorized",
                              "more than one device", "error: closed", "protocol fault"})
            if (r.err.find(s) != std::string::npos)
                return true;
        return false;
    }
};

} // namespace

void Transport::fail(const std::string& what, const std::string& detail) const
{
    throw IoError("device '" + device_.name + "' (" + device_.describe() + "): " + what + ": " + detail);
}

void Transport::checkTimeout(const ProcessResult& r, const std::vector<std::string>& argv, const ProcessOptions& options) const
{
    if (r.timedOut) {
        char limit[32];
        std::snprintf(limit, sizeof limit, "%g", options.timeoutSeconds);
        fail(job::shellJoin(argv), std::string("no answer within ") + limit + " s (timed out; stopped it)");
    }
}

std::string Transport::architecture(const ProcessOptions& options)
{
    const ProcessResult r = run({"uname", "-m"}, options);
    if (r.exitCode != 0)
        fail("uname -m", r.lastErrorLine().empty() ? "exit " + std::to_string(r.exitCode) : r.lastErrorLine());
    std::string arch = r.out;
    while (!arch.empty() && (arch.back() == '\n' || arch.back() == '\r' || arch.back() == ' '))
        arch.pop_back();
    return normalizeArchitecture(arch, device_.name);
}

std::string normalizeArchitecture(const std::string& reported, const std::string& deviceName)
{
    if (reported == "aarch64" || reported == "arm64" || reported == "armv8" || reported == "armv8l64")
        return "aarch64";
    if (reported == "x86_64" || reported == "amd64")
        return "x86_64";
    throw InputError("device '" + deviceName + "' reports architecture '" + reported
                     + "'; espalier-run is built for aarch64 and x86_64 (a 32-bit ARM userland cannot run it)");
}

std::vector<std::string> sshCommand(const DeviceSpec& d, const std::string& knownHostsFile,
                                    const std::vector<std::string>& remoteArgv)
{
    std::vector<std::string> cmd = {"ssh", "-o", "BatchMode=yes", "-o", "StrictHostKeyChecking=accept-new",
                                    "-o", "UserKnownHostsFile=" + knownHostsFile, "-o", "GlobalKnownHostsFile=/dev/null",
                                    "-o", "HashKnownHosts=no",
                                    "-o", "ConnectTimeout=10", "-o", "ServerAliveInterval=5",
                                    "-o", "ServerAliveCountMax=3", "-o", "LogLevel=ERROR",
                                    "-p", std::to_string(d.port)};
    if (!d.keyFile.empty())
        cmd.insert(cmd.end(), {"-o", "IdentitiesOnly=yes", "-i", d.keyFile});
    if (!d.user.empty())
        cmd.insert(cmd.end(), {"-l", d.user});
    cmd.push_back("--");
    cmd.push_back(d.host);
    if (!remoteArgv.empty())
        cmd.push_back(job::shellJoin(remoteArgv));
    return cmd;
}

std::unique_ptr<Transport> openTransport(const DeviceSpec& device, const DeviceRegistry& registry)
{
    validateDevice(device);
    const std::string localWork =
        device.workDir.empty() ? (fs::path(registry.stateDir()) / device.name / "work").string() : device.workDir;
    switch (device.kind) {
    case DeviceKind::Local:
        return std::make_unique<LocalTransport>(device, fs::absolute(localWork).string(), std::vector<std::string>{});
    case DeviceKind::Emulated: {
        for (const char* qemu : {"qemu-aarch64", "qemu-aarch64-static"})
            if (programExists(qemu))
                return std::make_unique<LocalTransport>(device, fs::absolute(localWork).string(),
                                                        std::vector<std::string>{qemu});
        throw IoError("device '" + device.name + "' is emulated with qemu-user, which is not installed "
                      "(Debian: apt-get install qemu-user)");
    }
    case DeviceKind::Ssh:
        if (!programExists("ssh"))
            throw IoError("device '" + device.name + "' is reached with OpenSSH's client, which is not installed "
                          "(Debian: apt-get install openssh-client)");
        if (!device.keyFile.empty() && !fs::exists(device.keyFile))
            throw InputError("device '" + device.name + "': key file '" + device.keyFile + "' does not exist");
        {
            std::error_code ec;
            fs::create_directories(registry.stateDir(), ec);
        }
        return std::make_unique<SshTransport>(device, registry.knownHostsFile());
    case DeviceKind::Adb:
        if (!programExists("adb"))
            throw IoError("device '" + device.name + "' is reached with adb, which is not installed "
                          "(Debian: apt-get install adb)");
        return std::make_unique<AdbTransport>(device);
    }
    throw InputError("unknown device kind");
}

} // namespace espalier::deploy
