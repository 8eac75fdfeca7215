#include "core/prune/shrink.h"

#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <set>

namespace espalier::prune {

namespace {

// Which indices of a parameter survive, per dimension.
using Selections = std::map<std::string, std::vector<std::pair<int64_t, torch::Tensor>>>;

// The element indices of the kept channels along a slice's dim.
torch::Tensor keptIndices(const torch::Tensor& keep, int64_t unit)
{
    const torch::Tensor channels = keep.nonzero().flatten();
    const torch::Tensor offsets = torch::arange(unit, torch::kLong);
    return (channels.unsqueeze(1) * unit + offsets.unsqueeze(0)).flatten();
}

torch::Tensor select(torch::Tensor t, const std::vector<std::pair<int64_t, torch::Tensor>>& selections)
{
    for (const auto& [dim, indices] : selections)
        t = t.index_select(dim, indices);
    return t.contiguous();
}

const std::string kBlocks = "encoder.blocks.";

// "encoder.blocks.<new>.rest" -> "encoder.blocks.<old>.rest" through the kept-block list.
std::string sourceName(const std::string& name, const std::vector<int>& keptBlocks)
{
    if (name.rfind(kBlocks, 0) != 0)
        return name;
    const size_t dot = name.find('.', kBlocks.size());
    const int newIndex = std::stoi(name.substr(kBlocks.size(), dot - kBlocks.size()));
    return kBlocks + std::to_string(keptBlocks.at(size_t(newIndex))) + name.substr(dot);
}

} // namespace

ShrinkResult shrinkModel(const model::AsrModel& model, const ChannelKeep& keep, const std::vector<int>& dropBlocks,
                         const MaskMap& masks)
{
    const std::vector<ChannelGroup> groups = channelGroups(model);  // throws for TorchScript
    const model::ModelConfig& config = *model.config();
    const std::set<int> dropped(dropBlocks.begin(), dropBlocks.end());
    for (int b : dropped)
        if (b < 0 || b >= config.numBlocks)
            throw InputError("layer pruning: block " + std::to_string(b) + " does not exist (the model has "
                             + std::to_string(config.numBlocks) + " blocks)");
    if (int(dropped.size()) >= config.numBlocks)
        throw InputError("layer pruning: dropping " + std::to_string(dropped.size()) + " of " + std::to_string(config.numBlocks)
                         + " blocks leaves none");

    std::vector<model::BlockShape> shapes;
    for (int b = 0; b < config.numBlocks; ++b)
        shapes.push_back(config.blockShape(b));
    int subsampling[2] = {config.subsamplingWidth(0), config.subsamplingWidth(1)};
    Selections selections;
    for (const ChannelGroup& g : groups) {
        const auto k = keep.find(g.name);
        if (k == keep.end())
            continue;
        if (k->second.numel() != g.channels)
            throw InputError(g.name + ": keep mask has " + std::to_string(k->second.numel()) + " channels, the model "
                             + std::to_string(g.channels));
        const torch::Tensor kept = k->second.to(torch::kBool).cpu();
        const int remaining = int(kept.sum().item<int64_t>());
        if (remaining == 0)
            throw InputError(g.name + ": every channel would be removed; keep at least one");
        if (g.kind == ChannelKind::Subsampling) {
            subsampling[g.name == "encoder.embed.conv.0" ? 0 : 1] = remaining;
        } else {
            model::BlockShape& shape = shapes[size_t(g.block)];
            const bool macaron = g.name.size() >= 8 && g.name.compare(g.name.size() - 8, 8, "_macaron") == 0;
            (g.kind == ChannelKind::Heads ? shape.heads : macaron ? shape.macaronFfnDim : shape.ffnDim) = remaining;
        }
        if (remaining == g.channels)
            continue;
        for (const ChannelGroup::Slice& s : g.slices)
            selections[s.parameter].emplace_back(s.dim, keptIndices(kept, s.unit));
    }

    const bool macaronModel = config.type == model::ModelType::Conformer && config.macaron;
    for (model::BlockShape& shape : shapes)
        if (!macaronModel)
            shape.macaronFfnDim = shape.ffnDim;  // unused; kept equal so the config reads back the same

    model::ModelConfig shrunk = config;
    for (int conv = 0; conv < 2; ++conv)
        shrunk.subsamplingChannels[conv] = subsampling[conv] == config.attentionDim ? 0 : subsampling[conv];
    std::vector<int> keptBlocks;
    shrunk.blockShapes.clear();
    for (int b = 0; b < config.numBlocks; ++b) {
        if (dropped.count(b))
            continue;
        keptBlocks.push_back(b);
        shrunk.blockShapes.push_back(shapes[size_t(b)]);
    }
    shrunk.numBlocks = int(keptBlocks.size());
    const model::BlockShape uniform{config.ffnDim, config.ffnDim, config.heads};
    if (std::all_of(shrunk.blockShapes.begin(), shrunk.blockShapes.end(), [&](const auto& s) { return s == uniform; }))
        shrunk.blockShapes.clear();

    ShrinkResult result;
    result.model = model::createModel(shrunk);
    result.model->setFp32Policy(model.fp32Policy());
    result.model->train(false);
    const model::NamedTensors source = model.stateDict();
    model::NamedTensors state;
    for (const auto& item : result.model->stateDict()) {
        const std::string from = sourceName(item.key(), keptBlocks);
        const torch::Tensor* t = source.find(from);
        if (!t)
            throw Error("shrinking: no tensor " + from + " for " + item.key());
        const auto sel = selections.find(from);
        torch::Tensor value = t->detach().cpu().to(torch::kFloat);
        state.insert(item.key(), sel == selections.end() ? value.clone() : select(value, sel->second));
    }
    result.model->loadStateDict(state, "shrunk model");
    for (const auto& item : result.model->namedParameters()) {
        const auto m = masks.find(sourceName(item.key(), keptBlocks));
        if (m == masks.end())
            continue;
        const auto sel = selections.find(m->first);
        result.masks[item.key()] = sel == selections.end() ? m->second.cpu().clone() : select(m->second.cpu(), sel->second);
    }
    result.parametersBefore = model.parameterCount();
    result.parametersAfter = result.model->parameterCount();
    return result;
}

} // namespace espalier::prune
