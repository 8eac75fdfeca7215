#include "core/deploy/device.h"

#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace fs = std::filesystem;

namespace espalier::deploy {

namespace {

bool onlyOf(const std::string& s, const char* allowed)
{
    return s.find_first_not_of(allowed) == std::string::npos;
}

constexpr const char* kAlnum = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

// value holds only letters, digits and extras, and does not begin with '-'.
void checkWord(const std::string& field, const std::string& value, const std::string& extras, bool required)
{
    if (value.empty()) {
        if (required)
            throw InputError("device " + field + " is missing");
        return;
    }
    if (value[0] == '-')
        throw InputError("device " + field + " '" + value + "' must not begin with '-'");
    if (!onlyOf(value, (kAlnum + extras).c_str()) || value.size() > 255)
        throw InputError("device " + field + " '" + value + "' may hold only letters, digits and " + extras);
}

} // namespace

const EnumNames<DeviceKind>& deviceKindNames()
{
    static const EnumNames<DeviceKind> names{
        {DeviceKind::Local, "local"}, {DeviceKind::Ssh, "ssh"}, {DeviceKind::Adb, "adb"}, {DeviceKind::Emulated, "emulated"}};
    return names;

}

std::string DeviceSpec::effectiveWorkDir() const
{
    if (!workDir.empty())
        return workDir;
    switch (kind) {
    case DeviceKind::Adb: return "/data/local/tmp/espalier";
    // In the login's home (relative to where ssh starts a command): not a predictable folder of a
    // world-writable /tmp, where another user of a shared board could plant a runner.
    case DeviceKind::Ssh: return ".cache/espalier";
    default: return {};  // local and emulated: the project's state folder (DeviceRegistry::stateDir)
    }
}

std::string DeviceSpec::describe() const
{
    switch (kind) {
    case DeviceKind::Ssh: return "ssh " + (user.empty() ? "" : user + "@") + host + ":" + std::to_string(port);
    case DeviceKind::Adb: return "adb " + (serial.empty() ? std::string("(the attached device)") : serial);
    case DeviceKind::Emulated: return "emulated " + arch + " (qemu-user)";
    case DeviceKind::Local: return "this machine";
    }
    return {};
}

void validateDevice(const DeviceSpec& d)
{
    checkWord("name", d.name, "_.-", true);
    if (d.name.find_first_not_of('.') == std::string::npos)
        throw InputError("device name '" + d.name + "' is only dots");
    if (d.name.size() > 64)
        throw InputError("device name '" + d.name + "' is longer than 64 characters");
    switch (d.kind) {
    case DeviceKind::Ssh:
        // Host names, IPv4 and IPv6 addresses (':' and '%zone').
        checkWord("host", d.host, "_.-:%", true);
        checkWord("user", d.user, "_.-", false);
        if (d.port < 1 || d.port > 65535)
            throw InputError("device port " + std::to_string(d.port) + " is not between 1 and 65535");
        if (d.keyFile.find('\n') != std::string::npos)
            throw InputError("device key file name holds a line break");
        break;
    case DeviceKind::Adb:
        checkWord("serial", d.serial, "_.-:", false);
        break;
    case DeviceKind::Emulated:
        if (d.arch != "aarch64")
            throw InputError("emulated device arch '" + d.arch + "': only aarch64 is emulated");
        break;
    case DeviceKind::Local:
        break;
    }
    if (!d.workDir.empty()) {
        if (d.workDir[0] != '/')
            throw InputError("device work_dir '" + d.workDir + "' must be an absolute path");
        if (!onlyOf(d.workDir, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/+@"))
            throw InputError("device work_dir '" + d.workDir + "' may hold only letters, digits and _ . - / + @");
    }
    if (!d.cpus.empty() && !onlyOf(d.cpus, "0123456789,-"))
        throw InputError("device cpus '" + d.cpus + "': expected a CPU list such as 4-7 or 0,2");
}

std::vector<std::string> deviceAddCommand(const DeviceSpec& d, const std::string& projectDir)
{
    std::vector<std::string> cmd = {"espalier-cli", "device", "add", d.name};
    switch (d.kind) {
    case DeviceKind::Local: cmd.push_back("--local"); break;
    case DeviceKind::Emulated: cmd.push_back("--emulated"); break;
    case DeviceKind::Ssh:
        cmd.insert(cmd.end(), {"--ssh", (d.user.empty() ? "" : d.user + "@")
                                            + (d.host.find(':') != std::string::npos ? "[" + d.host + "]" : d.host) + ":"
                                            + std::to_string(d.port)});
        if (!d.keyFile.empty())
            cmd.insert(cmd.end(), {"--key", d.keyFile});
        break;
    case DeviceKind::Adb:
        cmd.push_back("--adb");
        if (!d.serial.empty())
            cmd.insert(cmd.end(), {"--serial", d.serial});
        break;
    }
    if (!d.workDir.empty())
        cmd.insert(cmd.end(), {"--work-dir", d.workDir});
    if (!d.cpus.empty())
        cmd.insert(cmd.end(), {"--cpus", d.cpus});
    cmd.insert(cmd.end(), {"--project", projectDir});
    return cmd;
}

DeviceRegistry DeviceRegistry::load(const std::string& projectDir)
{
    return io::readingYaml(io::YamlReader(projectDir + "/" + kFileName), [&]() -> DeviceRegistry {
        DeviceRegistry r;
        r.projectDir_ = projectDir;
        const std::string file = r.filePath();
        std::error_code ec;
        if (!fs::exists(file, ec))
            return r;
        YAML::Node root;
        try {
            root = YAML::Load(io::readFile(file));
        } catch (const YAML::Exception& e) {
            throw FormatError(file + ":" + std::to_string(e.mark.line + 1) + ": " + e.msg);
        }
        io::YamlReader yaml(file);
        if (root.IsNull())
            return r;
        if (!root.IsMap())
            yaml.fail(root, "", "expected a mapping with 'devices'");
        yaml.checkKeys(root, "", {"version", "devices"});
        if (root["version"] && yaml.integer32(root["version"], "version") > 1)
            yaml.fail(root["version"], "version", "is newer than this Espalier understands (1)");
        const YAML::Node list = root["devices"];
        if (!list)
            return r;
        if (!list.IsSequence())
            yaml.fail(list, "devices", "expected a list");
        for (const YAML::Node& n : list) {
            if (!n.IsMap())
                yaml.fail(n, "devices", "each device is a mapping");
            yaml.checkKeys(n, "devices[]", {"name", "kind", "host", "port", "user", "key", "serial", "arch", "work_dir", "cpus"});
            DeviceSpec d;
            auto text = [&](const char* key, std::string& out) {
                if (n[key])
                    out = yaml.string(n[key], key);
            };
            text("name", d.name);
            if (n["kind"])
                d.kind = yaml.choice(n["kind"], "kind", deviceKindNames());
            text("host", d.host);
            if (n["port"])
                d.port = yaml.integer32(n["port"], "port");
            text("user", d.user);
            text("key", d.keyFile);
            text("serial", d.serial);
            text("arch", d.arch);
            text("work_dir", d.workDir);
            text("cpus", d.cpus);
            try {
                validateDevice(d);
                if (r.find(d.name))
                    throw InputError("device name '" + d.name + "' is used twice");
            } catch (const InputError& e) {
                throw FormatError(yaml.at(n) + ": " + e.what());
            }
            r.devices_.push_back(d);
        }
        return r;
    });
}

void DeviceRegistry::save() const
{
    YAML::Emitter out;
    out << YAML::BeginMap << YAML::Key << "version" << YAML::Value << 1 << YAML::Key << "devices" << YAML::Value
        << YAML::BeginSeq;
    for (const DeviceSpec& d : devices_) {
        out << YAML::BeginMap << YAML::Key << "name" << YAML::Value << d.name << YAML::Key << "kind" << YAML::Value
            << deviceKindNames().name(d.kind);
        auto put = [&out](const char* key, const std::string& v) {
            if (!v.empty())
                out << YAML::Key << key << YAML::Value << v;
        };
        if (d.kind == DeviceKind::Ssh) {
            put("host", d.host);
            out << YAML::Key << "port" << YAML::Value << d.port;
            put("user", d.user);
            put("key", d.keyFile);
        }
        if (d.kind == DeviceKind::Adb)
            put("serial", d.serial);
        if (d.kind == DeviceKind::Emulated)
            put("arch", d.arch);
        put("work_dir", d.workDir);
        put("cpus", d.cpus);
        out << YAML::EndMap;
    }
    out << YAML::EndSeq << YAML::EndMap;
    io::writeFileAtomic(filePath(), std::string("# Espalier devices (docs/formats/devices.md)\n") + out.c_str() + "\n");
}

const DeviceSpec* DeviceRegistry::find(const std::string& name) const
{
    for (const DeviceSpec& d : devices_)
        if (d.name == name)
            return &d;
    return nullptr;
}

const DeviceSpec& DeviceRegistry::get(const std::string& name) const
{
    if (const DeviceSpec* d = find(name))
        return *d;
    std::string names;
    for (const DeviceSpec& d : devices_)
        names += (names.empty() ? "" : ", ") + d.name;
    throw InputError("no device '" + name + "' in " + filePath() +
                     (names.empty() ? " (it lists none: add one with espalier-cli device add)" : " (it has " + names + ")"));
}

void DeviceRegistry::add(const DeviceSpec& device)
{
    validateDevice(device);
    if (find(device.name))
        throw InputError("a device named '" + device.name + "' exists already");
    devices_.push_back(device);
}

void DeviceRegistry::replace(const DeviceSpec& device)
{
    validateDevice(device);
    for (DeviceSpec& d : devices_)
        if (d.name == device.name) {
            d = device;
            return;
        }
    devices_.push_back(device);
}

void DeviceRegistry::remove(const std::string& name)
{
    get(name);
    devices_.erase(std::remove_if(devices_.begin(), devices_.end(), [&](const DeviceSpec& d) { return d.name == name; }),
                   devices_.end());
}

std::string DeviceRegistry::filePath() const
{
    return (fs::path(projectDir_) / kFileName).string();
}

std::string DeviceRegistry::stateDir() const
{
    return (fs::path(projectDir_) / "devices").string();
}

std::string DeviceRegistry::knownHostsFile() const
{
    return (fs::path(stateDir()) / "known_hosts").string();
}

} // namespace espalier::deploy
