#pragma once
// What a checkpoint's model holds, tensor by tensor: shape, parameters, nonzeros and the sparsity
// pruning achieved (espalier-cli model stats, reports). Torch-free header.
#include "core/model/parameter_info.h"

#include <string>
#include <vector>

namespace espalier::train {

struct ParameterStats {
    model::ParameterInfo info;
    int64_t nonzeros = 0;
    bool masked = false;  // the checkpoint holds a pruning mask for it
    double sparsity() const { return info.numel() > 0 ? 1.0 - double(nonzeros) / double(info.numel()) : 0.0; }
};

struct ModelStats {
    std::string checkpoint;
    std::string description;           // e.g. "Conformer-CTC, 887 k parameters"
    std::vector<ParameterStats> parameters;  // every parameter, in the model's order
    int64_t totalParameters = 0, totalNonzeros = 0;
    int64_t prunableParameters = 0, prunableNonzeros = 0;
};

// Reads a checkpoint (or a run folder's best) and counts. Throws InputError / FormatError.
ModelStats checkpointModelStats(const std::string& modelOrRun);

} // namespace espalier::train
