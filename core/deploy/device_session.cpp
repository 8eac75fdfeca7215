#include "core/deploy/device_session.h"

#include "core/deploy/runner_files.h"
#include "core/io/atomic_file.h"
#include "core/runtime/crc32.h"
#include "core/runtime/error.h"

#include <cctype>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace espalier::deploy {

namespace {

std::string fileChecksum(const std::string& path)
{
    const std::string bytes = io::readFile(path);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x",
                  runtime::crc32(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()));
    return buf;
}

// A file name that survives any device's shell and file system.
std::string safeName(const std::string& name)
{
    std::string out;
    for (const char c : name)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-') ? c : '_';
    return out.empty() ? "file" : out;
}

} // namespace

DeviceSession::DeviceSession(const DeviceSpec& device, const DeviceRegistry& registry,
                             const job::CancellationToken* cancel)
    : transport_(openTransport(device, registry)), cancel_(cancel)
{
}

DeviceSession::~DeviceSession() = default;

ProcessOptions DeviceSession::options(double timeoutSeconds) const
{
    ProcessOptions o;
    o.timeoutSeconds = timeoutSeconds;
    o.cancel = cancel_;
    return o;
}

std::string DeviceSession::stage(const std::string& localFile, const std::string& folder, bool executable)
{
    const auto known = staged_.find(localFile);
    if (known != staged_.end())
        return known->second;
    std::error_code ec;
    if (!fs::is_regular_file(localFile, ec))
        throw IoError("cannot read '" + localFile + "'");
    const std::string remote = transport_->workDir() + "/" + folder + "/" + fileChecksum(localFile) + "-"
                               + safeName(fs::path(localFile).filename().string());
    const ProcessResult there = transport_->run({"test", "-f", remote}, options(kShortTimeout));
    if (there.exitCode != 0) {
        // About 1 MB/s at worst (a slow USB link): a limit that scales with the size.
        const double seconds = 60.0 + double(fs::file_size(localFile, ec)) / 1e6;
        transport_->push(localFile, remote, executable, options(seconds));
    }
    staged_[localFile] = remote;
    return remote;
}

const std::string& DeviceSession::ensureRunner()
{
    if (runner_.empty()) {
        arch_ = transport_->architecture(options(kShortTimeout));
        runner_ = stage(findRunner(arch_), "bin", true);
    }
    return runner_;
}

std::vector<std::string> DeviceSession::runnerCommand(const std::vector<std::string>& args)
{
    std::vector<std::string> argv = transport_->launcher();
    argv.push_back(ensureRunner());
    argv.insert(argv.end(), args.begin(), args.end());
    return argv;
}

std::string DeviceSession::runRunner(const std::vector<std::string>& args, double timeoutSeconds)
{
    const std::vector<std::string> argv = runnerCommand(args);
    const ProcessResult r = transport_->run(argv, options(timeoutSeconds));
    if (r.exitCode == 0)
        return r.out;
    std::string message = r.lastErrorLine();
    const std::string prefix = "espalier-run: error: ";
    if (message.rfind(prefix, 0) == 0)
        message = message.substr(prefix.size());
    if (message.empty())
        message = r.signal ? "killed by signal " + std::to_string(r.signal) : "exit " + std::to_string(r.exitCode);
    const std::string text = "device '" + device().name + "': espalier-run " + (args.empty() ? "" : args[0]) + ": " + message;
    if (r.exitCode == 2)
        throw InputError(text);
    throw IoError(text);
}

DeviceProbe DeviceSession::probe()
{
    DeviceProbe p = parseDeviceProbe(runRunner({"device", "--json"}, 60.0), device().name);
    p.probedAt = utcTimestamp();
    return p;
}

} // namespace espalier::deploy
