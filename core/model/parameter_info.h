#pragma once
// The prunable-parameter registry's entries: what each named tensor of a model is (its block, its
// role in the block, its shape), in plain C++ so torch-free code (GUI, CLI, reports) can use it.
#include "core/runtime/enum_names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espalier::model {

struct ParameterInfo {
    // What a tensor does in the network. A layer's bias carries the same role as its weight.
    enum class Role {
        Subsampling,       // conv2d front-end and its output projection
        AttentionQuery,
        AttentionKey,
        AttentionValue,
        AttentionOutput,
        AttentionPosition, // relative attention's position projection (linear_pos)
        AttentionQkv,      // fused query/key/value projection (torch.nn.MultiheadAttention's in_proj)
        FeedForwardIn,
        FeedForwardOut,
        MacaronIn,         // the Conformer's first (half-step) feed-forward
        MacaronOut,
        ConvPointwiseIn,
        ConvDepthwise,
        ConvPointwiseOut,
        Head,              // CTC output layer
        Other,             // norms, position biases, anything unrecognised
    };

    std::string name;  // torch's own name, e.g. "encoder.blocks.3.self_attn.linear_q.weight"
    std::string layer; // the owning module, e.g. "encoder.blocks.3.self_attn.linear_q"
    int block = -1;    // encoder block index, -1 outside the blocks
    Role role = Role::Other;
    std::vector<int64_t> shape;
    bool prunable = false; // a weight matrix or convolution kernel (a "*weight" with two or more dims)

    int64_t numel() const;
};

// Stable snake_case names of the roles for JSON, YAML and recipes ("attention_query", "head", ...),
// every role in declaration order.
const EnumNames<ParameterInfo::Role>& roleNames();
// English label for display ("Attention query").
const char* roleLabel(ParameterInfo::Role role);
// Coarse kind for grouping: "subsampling", "attention", "feed_forward", "conv", "head" or "other".
const char* roleGroup(ParameterInfo::Role role);

// Describes a parameter from its name and shape alone: block index from the number after "blocks",
// "layers", "encoders", "layer" or "block" (as "blocks.3", "layers_3" or "block3"); role from WeNet/ESPnet/torch.nn naming (linear_q/k/v/out,
// q_proj, feed_forward.w_1/w_2, feed_forward_macaron, linear1/2, pointwise_conv1/2, depthwise_conv,
// embed, ctc, ...). Used for the native models and for TorchScript models alike.
ParameterInfo describeParameter(const std::string& name, std::vector<int64_t> shape);

// The block index in name, or -1 (see describeParameter).
int blockIndexFromName(const std::string& name);

} // namespace espalier::model
