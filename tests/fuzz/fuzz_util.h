#pragma once
// What the harnesses share: the input as text, and a scratch folder of this process for parsers
// that read from paths (a manifest folder, a project's devices.yaml).
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace fuzzutil {

inline std::string text(const uint8_t* data, size_t size)
{
    return std::string(reinterpret_cast<const char*>(data), size);
}

// A folder that lives as long as the process (created on first use).
inline const std::string& scratchDir()
{
    static const std::string dir = [] {
        char pattern[] = "/tmp/espalier-fuzz-XXXXXX";
        const char* made = ::mkdtemp(pattern);
        return std::string(made ? made : "/tmp");
    }();
    return dir;
}

// Writes bytes to scratchDir()/name and returns the path.
inline std::string writeScratch(const std::string& name, const std::string& bytes)
{
    const std::string path = scratchDir() + "/" + name;
    std::ofstream(path, std::ios::binary | std::ios::trunc) << bytes;
    return path;
}

} // namespace fuzzutil
