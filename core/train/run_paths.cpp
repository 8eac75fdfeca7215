#include "core/train/run_paths.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

namespace espalier::train {

namespace fs = std::filesystem;

std::string stepCheckpointPath(const std::string& checkpointsDir, long long step)
{
    char name[40];
    std::snprintf(name, sizeof name, "step-%08lld.pt", step);
    return (fs::path(checkpointsDir) / name).string();
}

std::vector<std::string> stepCheckpointsIn(const std::string& checkpointsDir)
{
    std::vector<std::string> out;
    std::error_code ec;
    if (!fs::is_directory(checkpointsDir, ec))
        return out;
    for (const auto& entry : fs::directory_iterator(checkpointsDir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.size() == 16 && name.rfind("step-", 0) == 0 && name.substr(13) == ".pt"
            && std::all_of(name.begin() + 5, name.begin() + 13, [](char c) { return c >= '0' && c <= '9'; }))
            out.push_back(entry.path().string());
    }
    std::sort(out.begin(), out.end());
    return out;
}

bool isResumableRun(const std::string& runDir)
{
    const RunPaths paths(runDir);
    std::error_code ec;
    return fs::is_regular_file(paths.config(), ec) && !stepCheckpointsIn(paths.checkpoints()).empty();
}

} // namespace espalier::train
