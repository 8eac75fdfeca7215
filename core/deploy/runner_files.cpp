#include "core/deploy/runner_files.h"

#include "core/runtime/error.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <vector>

namespace fs = std::filesystem;

namespace espalier::deploy {

std::string findRunner(const std::string& arch)
{
    std::vector<fs::path> roots;
    if (const char* env = std::getenv("ESPALIER_RUNNERS"); env && *env)
        roots.emplace_back(env);
#ifdef ESPALIER_RUNNERS_DIR
    roots.emplace_back(ESPALIER_RUNNERS_DIR);
#endif
    std::error_code ec;
    const fs::path self = fs::read_symlink("/proc/self/exe", ec);
    if (!ec)
        roots.push_back(self.parent_path().parent_path() / "lib" / "espalier" / "runners");
    std::string looked;
    for (const fs::path& root : roots) {
        const fs::path candidate = root / arch / "espalier-run";
        if (::access(candidate.c_str(), X_OK) == 0)
            return candidate.string();
        looked += (looked.empty() ? "" : ", ") + candidate.string();
    }
    throw IoError("no espalier-run for " + arch + " (looked in " + looked + ")"
                  + (arch == "aarch64" ? "; install g++-aarch64-linux-gnu and rebuild: the build cross-compiles it" : ""));
}

} // namespace espalier::deploy
