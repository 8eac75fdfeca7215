#pragma once
// Export of a trained checkpoint to the deployable .espm container (docs/formats/espm.md): the
// architecture and front end as META, the vocabulary, and every tensor — each linear layer's weight
// matrix stored dense or CSR by the chosen policy: `dense`, `csr` (at or below a density), or `auto`
// (the runtime's dense and CSR kernels timed at 128 frames — here, or on the target device — the
// faster kept). The header is torch-free; the export itself (espalier_export) reads checkpoints
// with LibTorch.
#include "core/deploy/export_options.h"

#include <string>

namespace espalier::job {
class JobContext;
}

namespace espalier::deploy {

// Throws InputError for a TorchScript checkpoint (its graph is not the runtime's op set) or a bad
// option, FormatError for a bad checkpoint; writes `out` atomically.
ExportResult exportEspm(const std::string& modelOrRun, const std::string& out, const ExportOptions& options = {});

// A run's deployable model, <run>/export/<fileName>: exported (options' policy) unless the file is
// newer than every checkpoint of the run. Returns its path; the device benchmark's exporter.
std::string exportRunIfStale(const std::string& runDir, const ExportOptions& options = {},
                             const std::string& fileName = "model.espm");

// The device benchmark's exporter (DeviceBenchJob's RunExporter): the run exported for the options'
// target as <run>/export/model-<target>.espm, the auto policy timed there, logged on the job.
std::string exportForDevice(const std::string& runDir, const ExportOptions& options, job::JobContext& context);

} // namespace espalier::deploy
