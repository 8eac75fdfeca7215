#pragma once
// What an export to .espm is asked for and what it did (core/deploy/espm_export.h does it): the
// dense / CSR policy, the target the auto policy times on, and each tensor's choice. Torch-free,
// so the device benchmark and the GUI describe exports without linking the exporter.
#include "core/runtime/enum_names.h"
#include "core/runtime/layout_timing.h"

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace espalier::deploy {

enum class SparsePolicy { Auto, Csr, Dense };
const EnumNames<SparsePolicy>& sparsePolicyNames();  // "auto", "csr", "dense"

// Times the auto policy's candidates on a target: handed an .espm that holds every candidate CSR, it
// returns each one's timings by tensor name (`espalier-run layout` on a device, deploy/target_layout.h).
using LayoutTimer = std::function<std::map<std::string, runtime::LayoutTiming>(const std::string& candidateEspm)>;

struct ExportOptions {
    SparsePolicy policy = SparsePolicy::Auto;
    double csrDensity = 0.5;  // csr policy: tensors at or below this density are stored CSR
    LayoutTimer target;       // auto policy: time on this target instead of here
    std::string targetName;   // what the target is called in the result ("" : this machine)
};

struct ExportedTensor {
    std::string name;
    std::vector<int64_t> shape;
    double density = 1.0;
    bool sparse = false;
    double denseUs = 0.0;  // auto policy: the timings it chose by (128 frames)
    double sparseUs = 0.0;
};

struct ExportResult {
    std::string checkpoint;
    std::string out;
    long long fileBytes = 0;
    std::string kernel;  // the sparse kernel the timings used (this machine's; the target's is its own)
    std::string timedOn; // "this machine" or the target's name (auto policy)
    std::vector<ExportedTensor> tensors;
};

} // namespace espalier::deploy
