#pragma once
// Export of a trained checkpoint to the deployable .espm container (docs/formats/espm.md): the
// architecture and front end as META, the vocabulary, and every tensor — each linear layer's weight
// matrix stored dense
// or CSR by the chosen policy: `dense`, `csr` (at or below a density), or `auto` (the runtime's dense
// and CSR kernels timed here at 128 frames, the faster kept). Torch-free header.
#include <string>
#include <vector>

namespace espalier::deploy {

enum class SparsePolicy { Auto, Csr, Dense };

struct ExportOptions {
    SparsePolicy policy = SparsePolicy::Auto;
    double csrDensity = 0.5;  // csr policy: tensors at or below this density are stored CSR
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
    std::string kernel;  // the sparse kernel the timings used
    std::vector<ExportedTensor> tensors;
};

// Throws InputError for a TorchScript checkpoint (its graph is not the runtime's op set) or a bad
// option, FormatError for a bad checkpoint; writes `out` atomically.
ExportResult exportEspm(const std::string& modelOrRun, const std::string& out, const ExportOptions& options = {});

const char* sparsePolicyName(SparsePolicy policy);  // "auto", "csr", "dense"

// A run's deployable model, <run>/export/model.espm: exported (options' policy) unless the file is
// newer than every checkpoint of the run. Returns its path; the device benchmark's exporter.
std::string exportRunIfStale(const std::string& runDir, const ExportOptions& options = {});

} // namespace espalier::deploy
