#include "core/analysis/sensitivity_rows.h"

#include "core/prune/masks.h"
#include "core/prune/recipe.h"
#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <map>

namespace espalier::analysis {

namespace {

using Role = model::ParameterInfo::Role;

bool selected(const std::vector<std::string>& patterns, const std::string& name)
{
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return prune::matchesPattern(p, name); });
}

std::string parentOf(const std::string& layer)
{
    const size_t dot = layer.rfind('.');
    return dot == std::string::npos ? layer : layer.substr(0, dot);
}

int startBlockOf(const model::ParameterInfo& info, int numBlocks)
{
    if (info.block >= 0)
        return info.block;
    return info.role == Role::Head ? numBlocks : -1;
}

// Coupled tensors prune together (Distiller #174): q/k/v of one attention, the two linears of one
// feed-forward module. Others stand alone.
std::string groupKey(const model::ParameterInfo& info, std::string* role)
{
    switch (info.role) {
    case Role::AttentionQuery:
    case Role::AttentionKey:
    case Role::AttentionValue:
        *role = "attention_qkv";
        return parentOf(info.layer) + ".qkv";
    case Role::FeedForwardIn:
    case Role::FeedForwardOut:
    case Role::MacaronIn:
    case Role::MacaronOut:
        *role = "ffn";
        return parentOf(info.layer);
    default:
        *role = model::roleNames().name(info.role);
        return info.name;
    }
}

std::vector<RowPlan> tensorRows(const model::AsrModel& model, bool grouped, const std::vector<std::string>& patterns)
{
    std::vector<RowPlan> rows;
    std::map<std::string, size_t> byKey;
    for (const model::ParameterInfo& info : model.parameterInfos()) {
        if (!info.prunable || !selected(patterns, info.name))
            continue;
        std::string role = model::roleNames().name(info.role);
        const std::string key = grouped ? groupKey(info, &role) : info.name;
        auto it = byKey.find(key);
        if (it == byKey.end()) {
            RowPlan plan;
            plan.row.name = key;
            plan.row.block = info.block;
            plan.row.role = role;
            plan.startBlock = startBlockOf(info, model.numBlocks());
            it = byKey.emplace(key, rows.size()).first;
            rows.push_back(plan);
        }
        RowPlan& plan = rows[it->second];
        plan.row.tensors.push_back(info.name);
        plan.row.parameters += info.numel();
        plan.startBlock = std::min(plan.startBlock, startBlockOf(info, model.numBlocks()));
    }
    return rows;
}

std::vector<RowPlan> channelRows(const model::AsrModel& model, Granularity granularity,
                                 const std::vector<std::string>& patterns)
{
    std::map<std::string, int64_t> numel;
    for (const model::ParameterInfo& info : model.parameterInfos())
        numel[info.name] = info.numel();
    std::vector<RowPlan> rows;
    for (const prune::ChannelGroup& group : prune::channelGroups(model)) {
        const bool heads = group.kind == prune::ChannelKind::Heads;
        if (heads != (granularity == Granularity::Head) || !selected(patterns, group.name))
            continue;
        RowPlan plan;
        plan.row.name = group.name;
        plan.row.block = group.block;
        plan.row.role = prune::channelKindNames().name(group.kind);
        plan.channelGroup = group.name;
        plan.startBlock = group.block;
        for (const prune::ChannelGroup::Slice& slice : group.slices) {
            if (std::find(plan.row.tensors.begin(), plan.row.tensors.end(), slice.parameter) != plan.row.tensors.end())
                continue;
            plan.row.tensors.push_back(slice.parameter);
            plan.row.parameters += numel[slice.parameter];
        }
        rows.push_back(plan);
    }
    return rows;
}

// The masks pruning the row at a level would apply.
prune::MaskMap rowMasks(model::AsrModel& model, const RowPlan& plan, Granularity granularity, double level,
                        const ChannelRanking* ranking)
{
    const model::NamedTensors params = model.namedParameters();
    if (granularity == Granularity::Channel || granularity == Granularity::Head) {
        if (!ranking)
            throw Error("channel sensitivity needs the channels' importance");
        const auto group = std::find_if(ranking->groups.begin(), ranking->groups.end(),
                                        [&](const prune::ChannelGroup& g) { return g.name == plan.channelGroup; });
        if (group == ranking->groups.end())
            throw InputError(plan.channelGroup + ": no such channel group in the model");
        const prune::ChannelKeep keep = prune::keepTopChannels({*group}, ranking->scores, {{group->name, level}});
        return prune::channelMasks(model, {*group}, keep);
    }
    std::vector<prune::NamedTensor> tensors;
    for (const std::string& name : plan.row.tensors)
        tensors.emplace_back(name, params[name]);
    return prune::layerMagnitudeMasks(tensors, std::vector<double>(tensors.size(), level));
}

} // namespace

std::vector<RowPlan> planRows(const model::AsrModel& model, Granularity granularity, const std::vector<std::string>& patterns)
{
    std::vector<RowPlan> rows;
    switch (granularity) {
    case Granularity::Tensor:
    case Granularity::Group:
        rows = tensorRows(model, granularity == Granularity::Group, patterns);
        break;
    case Granularity::Channel:
    case Granularity::Head:
        if (!model.config())
            throw InputError("channel and head sensitivity need a reference model (" + model.description() + " is TorchScript)");
        rows = channelRows(model, granularity, patterns);
        break;
    case Granularity::Block:
        if (!model.splitsAtBlocks())
            throw InputError("block sensitivity needs a model whose forward pass splits at blocks; " + model.description()
                             + " does not");
        for (int b = 0; b < model.numBlocks(); ++b) {
            const std::string prefix = "encoder.blocks." + std::to_string(b) + ".";
            if (!selected(patterns, prefix.substr(0, prefix.size() - 1)) && !selected(patterns, prefix + "*"))
                continue;
            RowPlan plan;
            plan.row.name = prefix.substr(0, prefix.size() - 1);
            plan.row.block = b;
            plan.row.role = "block";
            plan.startBlock = b;
            for (const model::ParameterInfo& info : model.parameterInfos())
                if (info.block == b) {
                    plan.row.tensors.push_back(info.name);
                    plan.row.parameters += info.numel();
                }
            rows.push_back(plan);
        }
        break;
    }
    if (rows.empty())
        throw InputError("tensors: no prunable " + std::string(granularityNames().name(granularity))
                         + " of the model matches the patterns given");
    return rows;
}

void SavedWeights::keep(const torch::Tensor& live)
{
    torch::NoGradGuard noGrad;
    saved_.emplace_back(live, live.detach().clone());
}

void SavedWeights::restore()
{
    torch::NoGradGuard noGrad;
    for (auto& [live, copy] : saved_)
        live.copy_(copy);
    saved_.clear();
}

SavedWeights pruneRow(model::AsrModel& model, const RowPlan& plan, Granularity granularity, double level,
                      const ChannelRanking* ranking)
{
    SavedWeights saved;
    if (granularity == Granularity::Block || level <= 0.0)
        return saved;
    const prune::MaskMap masks = rowMasks(model, plan, granularity, level, ranking);
    const model::NamedTensors params = model.namedParameters();
    torch::NoGradGuard noGrad;
    for (const auto& [name, mask] : masks) {
        torch::Tensor live = params[name];
        saved.keep(live);
        live.mul_(mask.to(live.device(), live.scalar_type()));
    }
    return saved;
}

std::vector<double> magnitudeCurve(model::AsrModel& model, const RowPlan& plan, Granularity granularity,
                                   const std::vector<double>& levels, const ChannelRanking* ranking)
{
    if (granularity == Granularity::Block)
        return {0.0, 1.0};
    const model::NamedTensors params = model.namedParameters();
    torch::NoGradGuard noGrad;
    double mass = 0.0;
    for (const std::string& name : plan.row.tensors)
        mass += params[name].abs().sum().item<double>();
    std::vector<double> out;
    for (const double level : levels) {
        if (level <= 0.0 || mass <= 0.0) {
            out.push_back(0.0);
            continue;
        }
        double removed = 0.0;
        for (const auto& [name, mask] : rowMasks(model, plan, granularity, level, ranking))
            removed += (params[name].abs() * (1.0 - mask.to(params[name].scalar_type()))).sum().item<double>();
        out.push_back(removed / mass);
    }
    return out;
}

} // namespace espalier::analysis
