#include "core/prune/channels.h"

#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>

namespace espalier::prune {

namespace {

using Slice = ChannelGroup::Slice;

ChannelGroup feedForwardGroup(const std::string& module, int block, int64_t hidden)
{
    ChannelGroup g{module, ChannelKind::FeedForward, block, hidden, {}};
    g.slices = {{module + ".w_1.weight", 0, 1, Slice::Producer},
                {module + ".w_1.bias", 0, 1, Slice::Producer},
                {module + ".w_2.weight", 1, 1, Slice::Consumer}};
    return g;
}

ChannelGroup headGroup(const std::string& module, int block, int64_t heads, int64_t headDim, bool relative)
{
    ChannelGroup g{module, ChannelKind::Heads, block, heads, {}};
    g.slices = {{module + ".linear_v.weight", 0, headDim, Slice::Producer},
                {module + ".linear_v.bias", 0, headDim, Slice::Producer},
                {module + ".linear_out.weight", 1, headDim, Slice::Consumer}};
    for (const char* p : {"linear_q", "linear_k"}) {
        g.slices.push_back({module + "." + p + ".weight", 0, headDim, Slice::Attached});
        g.slices.push_back({module + "." + p + ".bias", 0, headDim, Slice::Attached});
    }
    if (relative) {
        g.slices.push_back({module + ".linear_pos.weight", 0, headDim, Slice::Attached});
        g.slices.push_back({module + ".pos_bias_u", 0, 1, Slice::Attached});
        g.slices.push_back({module + ".pos_bias_v", 0, 1, Slice::Attached});
    }
    return g;
}

// Channel c's part of t along the slice's dim: [..., c*unit:(c+1)*unit, ...].
torch::Tensor channelPart(const torch::Tensor& t, const Slice& s, int64_t c)
{
    return t.narrow(s.dim, c * s.unit, s.unit);
}

// Per channel: whether any element of its slice of t is nonzero ([channels] bool).
torch::Tensor channelNonzero(const torch::Tensor& t, const Slice& s, int64_t channels)
{
    return t.detach().cpu().ne(0).movedim(s.dim, 0).reshape({channels, -1}).any(1);
}

} // namespace

std::vector<ChannelGroup> channelGroups(const model::AsrModel& model)
{
    const model::ModelConfig* config = model.config();
    if (!config)
        throw InputError("structured pruning needs a reference model: a TorchScript model's channels cannot be removed ("
                         + model.description() + ")");
    const bool conformer = config->type == model::ModelType::Conformer;
    const bool relative = config->positional == model::PositionalEncoding::Relative;
    std::vector<ChannelGroup> groups;
    // The front end: conv.0's output channels feed conv.2; conv.2's feed the projection, each channel
    // as a run of F' inputs (the frequency positions left after subsampling).
    const int64_t freq = ((int64_t(config->inputDim) - 1) / 2 - 1) / 2;
    ChannelGroup conv0{"encoder.embed.conv.0", ChannelKind::Subsampling, -1, config->subsamplingWidth(0), {}};
    conv0.slices = {{"encoder.embed.conv.0.weight", 0, 1, Slice::Producer},
                    {"encoder.embed.conv.0.bias", 0, 1, Slice::Producer},
                    {"encoder.embed.conv.2.weight", 1, 1, Slice::Consumer}};
    ChannelGroup conv2{"encoder.embed.conv.2", ChannelKind::Subsampling, -1, config->subsamplingWidth(1), {}};
    conv2.slices = {{"encoder.embed.conv.2.weight", 0, 1, Slice::Producer},
                    {"encoder.embed.conv.2.bias", 0, 1, Slice::Producer},
                    {"encoder.embed.out.0.weight", 1, freq, Slice::Consumer}};
    groups.push_back(conv0);
    groups.push_back(conv2);
    for (int b = 0; b < config->numBlocks; ++b) {
        const model::BlockShape shape = config->blockShape(b);
        const std::string prefix = "encoder.blocks." + std::to_string(b);
        if (conformer && config->macaron)
            groups.push_back(feedForwardGroup(prefix + ".feed_forward_macaron", b, shape.macaronFfnDim));
        groups.push_back(headGroup(prefix + ".self_attn", b, shape.heads, config->headDim(), relative));
        groups.push_back(feedForwardGroup(prefix + ".feed_forward", b, shape.ffnDim));
    }
    return groups;
}

ChannelScores featureMapImportance(model::AsrModel& model, const std::vector<CalibrationBatch>& batches)
{
    if (batches.empty())
        throw InputError("channel importance needs at least one calibration utterance");
    const bool wasTraining = model.isTraining();
    model.train(false);
    model::FeatureMapSums sums;
    {
        torch::NoGradGuard noGrad;
        model::ForwardOptions options;
        options.featureMaps = &sums;
        for (const CalibrationBatch& b : batches)
            model.forward(b.features, b.lengths, options);
    }
    model.train(wasTraining);
    return sums.norms();
}

ChannelKeep keepTopChannels(const std::vector<ChannelGroup>& groups, const ChannelScores& scores,
                            const std::map<std::string, double>& removeFraction)
{
    ChannelKeep keep;
    for (const ChannelGroup& g : groups) {
        torch::Tensor k = torch::ones({g.channels}, torch::kBool);
        const auto fraction = removeFraction.find(g.name);
        if (fraction != removeFraction.end()) {
            const auto score = scores.find(g.name);
            if (score == scores.end() || score->second.numel() != g.channels)
                throw InputError("no importance scores for " + g.name);
            const int64_t removed = std::min(prunedCount(fraction->second, g.channels), g.channels - 1);
            if (removed > 0) {
                // Lowest scores go; stable order so equal scores drop the earlier channel first.
                const torch::Tensor order = std::get<1>(score->second.to(torch::kFloat).sort(/*stable=*/true, 0, false));
                k.index_put_({order.narrow(0, 0, removed)}, false);
            }
        }
        keep.emplace(g.name, k);
    }
    return keep;
}

MaskMap channelMasks(const model::AsrModel& model, const std::vector<ChannelGroup>& groups, const ChannelKeep& keep)
{
    const model::NamedTensors parameters = model.namedParameters();
    MaskMap masks;
    for (const ChannelGroup& g : groups) {
        const auto k = keep.find(g.name);
        if (k == keep.end() || k->second.all().item<bool>())
            continue;
        const auto* kept = k->second.data_ptr<bool>();
        for (const Slice& s : g.slices) {
            const torch::Tensor* p = parameters.find(s.parameter);
            if (!p)
                throw InputError("structured pruning: the model has no parameter " + s.parameter);
            torch::Tensor mask = torch::ones(p->sizes(), torch::kFloat);
            for (int64_t c = 0; c < g.channels; ++c)
                if (!kept[c])
                    channelPart(mask, s, c).zero_();
            masks[s.parameter] = mask;
        }
    }
    return masks;
}

ChannelKeep liveChannels(const model::AsrModel& model, const std::vector<ChannelGroup>& groups)
{
    const model::NamedTensors parameters = model.namedParameters();
    torch::NoGradGuard noGrad;
    ChannelKeep keep;
    for (const ChannelGroup& g : groups) {
        torch::Tensor producerLive = torch::zeros({g.channels}, torch::kBool);
        torch::Tensor consumerLive = producerLive.clone();
        for (const Slice& s : g.slices) {
            if (s.role == Slice::Attached)
                continue;
            torch::Tensor& live = s.role == Slice::Producer ? producerLive : consumerLive;
            live.logical_or_(channelNonzero(parameters[s.parameter], s, g.channels));
        }
        keep.emplace(g.name, producerLive.logical_and(consumerLive));
    }
    return keep;
}

std::map<std::string, double> removedFractions(const std::vector<ChannelGroup>& groups, const ChannelKeep& keep)
{
    std::map<std::string, std::pair<int64_t, int64_t>> counts;  // kind -> (removed, total)
    for (const ChannelGroup& g : groups) {
        auto& [removed, total] = counts[channelKindNames().name(g.kind)];
        total += g.channels;
        const auto k = keep.find(g.name);
        if (k != keep.end())
            removed += g.channels - k->second.sum().item<int64_t>();
    }
    std::map<std::string, double> out;
    for (const auto& [kind, c] : counts)
        out[kind] = c.second > 0 ? double(c.first) / double(c.second) : 0.0;
    return out;
}

} // namespace espalier::prune
