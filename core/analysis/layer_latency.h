#pragma once
// Latency sensitivity from our own runtime (Sparsify's "performance profile"): each weight matrix of a
// row timed in the runtime's dense and CSR kernels at the model's real frame count, at every level
// (magnitude-pruned as the cell prunes it). The runtime keeps whichever layout is faster (the export's
// `auto`), so a level's time is the faster of the two. Torch-facing (core/analysis only).
#include "core/model/asr_model.h"

#include <string>
#include <vector>

namespace espalier::analysis {

// Per level, milliseconds for the row's matrices (2-D weights; convolution kernels are not timed).
// Empty when the row has no matrix.
std::vector<double> rowLatencyMs(const model::NamedTensors& params, const std::vector<std::string>& tensors,
                                 const std::vector<double>& levels, int frames);

// "AMD EPYC 7B12 (avx2)": this CPU and the kernel the runtime runs on it.
std::string latencyCpuDescription();

} // namespace espalier::analysis
