#pragma once
// Per-channel activation energy collected during a forward pass, for structured pruning: channel
// importance is the L2 norm of each channel's feature map over a calibration batch's valid frames.
#include <torch/types.h>

#include <map>
#include <string>

namespace espalier::model {

struct FeatureMapSums {
    // Group name -> [channels] float32 sums of squared activations, accumulated over forwards:
    // "encoder.blocks.<i>.feed_forward" and ".feed_forward_macaron" (hidden units after the
    // activation), "encoder.blocks.<i>.self_attn" (each head's context before linear_out).
    std::map<std::string, torch::Tensor> sums;

    // Adds the squares of x [B, T, C] at the valid frames (frames [B, T, 1] bool), per channel C.
    void add(const std::string& group, const torch::Tensor& x, const torch::Tensor& frames);
    // Adds the squares of an attention context [B, H, T, Dk] at the valid frames, per head H.
    void addHeads(const std::string& group, const torch::Tensor& context, const torch::Tensor& frames);
    // sqrt of the sums: the L2 norm of each channel's feature map.
    std::map<std::string, torch::Tensor> norms() const;
};

} // namespace espalier::model
