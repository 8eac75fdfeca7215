#pragma once
// Magnitude pruning masks: which weights of the selected tensors are kept (1) or pruned (0), chosen
// by |w| globally (one threshold over every selected tensor, as torch.nn.utils.prune.global_unstructured
// with L1Unstructured) or per tensor (each at its own sparsity, as l1_unstructured). Masks are float
// tensors shaped like their weights, keyed by the parameter's stable name; they are applied to the
// weights after every optimiser step and to the gradients before it, so momentum cannot revive a
// pruned weight, and they are stored in checkpoints.
#include <torch/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace espalier::prune {

using MaskMap = std::map<std::string, torch::Tensor>;
using NamedTensor = std::pair<std::string, torch::Tensor>;

// How many of n weights a sparsity prunes: round half to even of sparsity * n (Python's round, as torch).
int64_t prunedCount(double sparsity, int64_t n);

// One threshold over all tensors: the round(sparsity * total) smallest |w| are pruned. Weights already
// zero count as smallest. Ties break as torch.topk does.
MaskMap globalMagnitudeMasks(const std::vector<NamedTensor>& tensors, double sparsity);
// Each tensor pruned to its own sparsity (sparsities[i] for tensors[i]).
MaskMap layerMagnitudeMasks(const std::vector<NamedTensor>& tensors, const std::vector<double>& sparsities);

// weight *= mask for every masked parameter (no autograd). Parameters without a mask are untouched;
// a mask whose name has no parameter, or whose shape differs, throws InputError.
void applyMasksToWeights(const std::vector<NamedTensor>& parameters, const MaskMap& masks);
// grad *= mask for every masked parameter that has a gradient.
void applyMasksToGradients(const std::vector<NamedTensor>& parameters, const MaskMap& masks);

struct TensorSparsity {
    std::string name;
    std::vector<int64_t> shape;
    int64_t numel = 0;
    int64_t nonzeros = 0;
    double sparsity() const { return numel > 0 ? 1.0 - double(nonzeros) / double(numel) : 0.0; }
};
// Zeros actually present in each tensor (what pruning achieved, not what was asked).
std::vector<TensorSparsity> measureSparsity(const std::vector<NamedTensor>& tensors);
// Over all of them.
TensorSparsity totalSparsity(const std::vector<TensorSparsity>& tensors);

} // namespace espalier::prune
