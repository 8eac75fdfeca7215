#include "core/model/feature_maps.h"

#include <torch/torch.h>

namespace espalier::model {

namespace {

void accumulate(std::map<std::string, torch::Tensor>& sums, const std::string& group, const torch::Tensor& s)
{
    auto it = sums.find(group);
    if (it == sums.end())
        sums.emplace(group, s);
    else
        it->second += s;
}

} // namespace

void FeatureMapSums::add(const std::string& group, const torch::Tensor& x, const torch::Tensor& frames)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor valid = x.detach().to(torch::kFloat) * frames.to(torch::kFloat); // [B, T, C]
    accumulate(sums, group, valid.pow(2).sum(torch::IntArrayRef{0, 1}).cpu());
}

void FeatureMapSums::addHeads(const std::string& group, const torch::Tensor& context, const torch::Tensor& frames)
{
    torch::NoGradGuard noGrad;
    const torch::Tensor valid = frames.to(torch::kFloat).unsqueeze(1); // [B, 1, T, 1]
    const torch::Tensor c = context.detach().to(torch::kFloat) * valid;  // [B, H, T, Dk]
    accumulate(sums, group, c.pow(2).sum(torch::IntArrayRef{0, 2, 3}).cpu());
}

std::map<std::string, torch::Tensor> FeatureMapSums::norms() const
{
    std::map<std::string, torch::Tensor> out;
    for (const auto& [group, s] : sums)
        out.emplace(group, s.sqrt());
    return out;
}

} // namespace espalier::model
