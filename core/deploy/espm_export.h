#pragma once
// Export of a trained checkpoint to the deployable .espm container (docs/formats/espm.md): the
// architecture and front end as META, the vocabulary, and every tensor — each linear layer's weight
// matrix stored dense or CSR by the chosen policy: `dense`, `csr` (at or below a density), or `auto`
// (the runtime's dense and CSR kernels timed at 128 frames — here, or on the target device — the
// faster kept). Torch-free header.
#include "runtime/layout_timing.h"

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace espalier::project {
class JobContext;
}

namespace espalier::deploy {

enum class SparsePolicy { Auto, Csr, Dense };

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

// Throws InputError for a TorchScript checkpoint (its graph is not the runtime's op set) or a bad
// option, FormatError for a bad checkpoint; writes `out` atomically.
ExportResult exportEspm(const std::string& modelOrRun, const std::string& out, const ExportOptions& options = {});

const char* sparsePolicyName(SparsePolicy policy);  // "auto", "csr", "dense"

// A run's deployable model, <run>/export/<fileName>: exported (options' policy) unless the file is
// newer than every checkpoint of the run. Returns its path; the device benchmark's exporter.
std::string exportRunIfStale(const std::string& runDir, const ExportOptions& options = {},
                             const std::string& fileName = "model.espm");

// The device benchmark's exporter (DeviceBenchJob's RunExporter): the run exported for the options'
// target as <run>/export/model-<target>.espm, the auto policy timed there, logged on the job.
std::string exportForDevice(const std::string& runDir, const ExportOptions& options, project::JobContext& context);

} // namespace espalier::deploy
