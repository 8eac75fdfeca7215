#include "core/prune/masks.h"

#include "core/runtime/error.h"

#include <torch/torch.h>

#include <cfenv>
#include <cmath>

namespace espalier::prune {

namespace {

void checkSparsity(double sparsity, const std::string& what)
{
    if (!std::isfinite(sparsity) || sparsity < 0.0 || sparsity > 1.0)
        throw InputError(what + ": sparsity must be in [0, 1], got " + std::to_string(sparsity));
}

// Mask of a flat score vector with its `pruned` smallest entries zeroed.
torch::Tensor flatMask(const torch::Tensor& scores, int64_t pruned)
{
    torch::Tensor mask = torch::ones_like(scores);
    if (pruned > 0) {
        const auto smallest = std::get<1>(torch::topk(scores, pruned, /*dim=*/-1, /*largest=*/false));
        mask.index_fill_(0, smallest, 0.0);
    }
    return mask;
}

const torch::Tensor* findParameter(const std::vector<NamedTensor>& parameters, const std::string& name)
{
    for (const auto& [n, t] : parameters)
        if (n == name)
            return &t;
    return nullptr;
}

template <typename Apply>
void forEachMasked(const std::vector<NamedTensor>& parameters, const MaskMap& masks, Apply apply)
{
    for (const auto& [name, mask] : masks) {
        const torch::Tensor* parameter = findParameter(parameters, name);
        if (!parameter)
            throw InputError("mask for '" + name + "': the model has no parameter of that name");
        if (parameter->sizes() != mask.sizes())
            throw InputError("mask for '" + name + "': shape " + c10::str(mask.sizes()) + " differs from the parameter's "
                             + c10::str(parameter->sizes()));
        apply(*parameter, mask);
    }
}

} // namespace

int64_t prunedCount(double sparsity, int64_t n)
{
    checkSparsity(sparsity, "pruning");
    const int previous = std::fegetround();
    std::fesetround(FE_TONEAREST);  // ties to even, as Python's round()
    const int64_t k = int64_t(std::nearbyint(sparsity * double(n)));
    std::fesetround(previous);
    return std::clamp<int64_t>(k, 0, n);
}

MaskMap globalMagnitudeMasks(const std::vector<NamedTensor>& tensors, double sparsity)
{
    torch::NoGradGuard noGrad;
    checkSparsity(sparsity, "global pruning");
    if (tensors.empty())
        return {};
    std::vector<torch::Tensor> flat;
    for (const auto& [name, t] : tensors)
        flat.push_back(t.detach().abs().to(torch::kFloat32).reshape({-1}));
    const torch::Tensor scores = torch::cat(flat);
    const torch::Tensor mask = flatMask(scores, prunedCount(sparsity, scores.numel()));
    MaskMap masks;
    int64_t offset = 0;
    for (const auto& [name, t] : tensors) {
        masks[name] = mask.narrow(0, offset, t.numel()).reshape(t.sizes()).to(t.device()).clone();
        offset += t.numel();
    }
    return masks;
}

MaskMap layerMagnitudeMasks(const std::vector<NamedTensor>& tensors, const std::vector<double>& sparsities)
{
    torch::NoGradGuard noGrad;
    if (sparsities.size() != tensors.size())
        throw InputError("layer-wise pruning: " + std::to_string(sparsities.size()) + " sparsities for "
                         + std::to_string(tensors.size()) + " tensors");
    MaskMap masks;
    for (size_t i = 0; i < tensors.size(); ++i) {
        const auto& [name, t] = tensors[i];
        checkSparsity(sparsities[i], name);
        const torch::Tensor scores = t.detach().abs().to(torch::kFloat32).reshape({-1});
        masks[name] = flatMask(scores, prunedCount(sparsities[i], scores.numel())).reshape(t.sizes()).to(t.device());
    }
    return masks;
}

void applyMasksToWeights(const std::vector<NamedTensor>& parameters, const MaskMap& masks)
{
    torch::NoGradGuard noGrad;
    forEachMasked(parameters, masks, [](const torch::Tensor& weight, const torch::Tensor& mask) {
        torch::Tensor w = weight;
        w.mul_(mask.to(w.device(), w.scalar_type()));
    });
}

void applyMasksToGradients(const std::vector<NamedTensor>& parameters, const MaskMap& masks)
{
    torch::NoGradGuard noGrad;
    forEachMasked(parameters, masks, [](const torch::Tensor& weight, const torch::Tensor& mask) {
        torch::Tensor grad = weight.grad();
        if (grad.defined())
            grad.mul_(mask.to(grad.device(), grad.scalar_type()));
    });
}

std::vector<TensorSparsity> measureSparsity(const std::vector<NamedTensor>& tensors)
{
    torch::NoGradGuard noGrad;
    std::vector<TensorSparsity> out;
    for (const auto& [name, t] : tensors) {
        TensorSparsity s;
        s.name = name;
        s.shape = t.sizes().vec();
        s.numel = t.numel();
        s.nonzeros = t.count_nonzero().item<int64_t>();
        out.push_back(std::move(s));
    }
    return out;
}

TensorSparsity totalSparsity(const std::vector<TensorSparsity>& tensors)
{
    TensorSparsity total;
    total.name = "total";
    for (const TensorSparsity& t : tensors) {
        total.numel += t.numel;
        total.nonzeros += t.nonzeros;
    }
    return total;
}

} // namespace espalier::prune
