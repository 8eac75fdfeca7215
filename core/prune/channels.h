#pragma once
// Structured pruning's units in the reference models: channel groups (each feed-forward module's hidden
// units, each attention module's heads), the tensor slices one channel owns, channel importance as the L2
// norm of its feature map over calibration batches, and channel removal expressed as weight masks (so
// the trainer's masking carries it). Physical removal is in shrink.h.
#include "core/model/asr_model.h"
#include "core/prune/masks.h"
#include "core/prune/recipe.h"

#include <map>
#include <string>
#include <vector>

namespace espalier::prune {

struct ChannelGroup {
    std::string name;  // "encoder.blocks.3.feed_forward", "....feed_forward_macaron", "....self_attn",
                       // "encoder.embed.conv.0", "encoder.embed.conv.2"
    ChannelKind kind = ChannelKind::FeedForward;
    int block = -1;    // -1 for the front end
    int64_t channels = 0;  // hidden units or heads the model has now

    // A parameter's share of the group: channel c owns indices [c * unit, (c + 1) * unit) along dim.
    // The channel is dead (contributes nothing) when all its producer slices or all its consumer slices
    // are zero: a zero w_1 row and bias give silu(0) = relu(0) = 0, a zero value projection gives a zero
    // context, and a zero w_2 / linear_out column drops whatever reaches it.
    struct Slice {
        std::string parameter;
        int64_t dim = 0;
        int64_t unit = 1;
        enum Role { Producer, Consumer, Attached } role = Attached;
    };
    std::vector<Slice> slices;
};

// The groups of a reference model: the front end's two convolutions, then the blocks in order. Throws
// InputError for a TorchScript model.
std::vector<ChannelGroup> channelGroups(const model::AsrModel& model);

// Utterances the importance and sensitivity measurements run on (dev utterances, no augmentation).
struct CalibrationBatch {
    torch::Tensor features;       // [B, T, F] float32
    torch::Tensor lengths;        // [B] int64
    torch::Tensor targets;        // [B, U] int64 (for losses; may be undefined for importance)
    torch::Tensor targetLengths;  // [B] int64
};

using ChannelScores = std::map<std::string, torch::Tensor>;  // group -> [channels] float32
using ChannelKeep = std::map<std::string, torch::Tensor>;    // group -> [channels] bool, true = kept

// The L2 norm of each channel's feature map over the batches' valid frames (eval mode, no gradients).
ChannelScores featureMapImportance(model::AsrModel& model, const std::vector<CalibrationBatch>& batches);

// Per group, removes the prunedCount(fraction, channels) lowest-scoring channels (always keeps one);
// groups without a fraction keep everything.
ChannelKeep keepTopChannels(const std::vector<ChannelGroup>& groups, const ChannelScores& scores,
                            const std::map<std::string, double>& removeFraction);

// Masks (shaped like each parameter) that zero every slice of the removed channels.
MaskMap channelMasks(const model::AsrModel& model, const std::vector<ChannelGroup>& groups, const ChannelKeep& keep);

// The channels that still contribute, read from the weights (what shrinking keeps).
ChannelKeep liveChannels(const model::AsrModel& model, const std::vector<ChannelGroup>& groups);

// Removed channels over all groups of each kind, e.g. {"ffn": 0.5, "heads": 0.0}.
std::map<std::string, double> removedFractions(const std::vector<ChannelGroup>& groups, const ChannelKeep& keep);

} // namespace espalier::prune
