#pragma once
// The reference encoders' torch modules (WeNet-style Conformer and Transformer), internal to
// core/model: the rest of the engine sees them only through AsrModel. Submodule names follow WeNet
// (embed.conv.0, self_attn.linear_q, feed_forward.w_1, conv_module.depthwise_conv, ...), with the
// blocks under "blocks".
#include "core/model/feature_maps.h"
#include "core/model/model_config.h"

#include <torch/torch.h>

#include <memory>
#include <vector>

namespace espalier::model::layers {

// The precision policy's switches, shared by every module of one model.
struct Fp32Flags {
    bool frontEnd = true;
    bool layerNorm = true;
    bool attentionSoftmax = true;
    bool ctcLogSoftmax = true;
};
using Fp32FlagsPtr = std::shared_ptr<const Fp32Flags>;

// Padding of a subsampled batch: valid[b][t] is true for t < lengths[b].
struct PaddingMask {
    torch::Tensor keys;   // [B, 1, 1, T] bool, true for valid frames (attention keys)
    torch::Tensor frames; // [B, T, 1] bool, true for valid frames
};

// Where a forward pass records feature-map energy (structured pruning); null when nobody asks.
struct Probe {
    FeatureMapSums* sums = nullptr;
    torch::Tensor frames; // [B, T, 1] valid frames
    explicit operator bool() const { return sums != nullptr; }
};
PaddingMask paddingMask(const torch::Tensor& lengths, int64_t frames, const torch::Device& device);

// torch.nn.LayerNorm (eps 1e-5) computed in float32 when the policy says so, even under autocast.
class LayerNormImpl : public torch::nn::Module {
public:
    LayerNormImpl(int64_t dim, Fp32FlagsPtr flags);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor weight;
    torch::Tensor bias;

private:
    int64_t dim_;
    Fp32FlagsPtr flags_;
};
TORCH_MODULE(LayerNorm);

// WeNet's GlobalCMVN: (x - mean) * istd with the statistics as buffers (identity when none given).
class GlobalCmvnImpl : public torch::nn::Module {
public:
    GlobalCmvnImpl(const ModelConfig& config, Fp32FlagsPtr flags);
    torch::Tensor forward(const torch::Tensor& x);

    torch::Tensor mean;
    torch::Tensor istd;

private:
    Fp32FlagsPtr flags_;
};
TORCH_MODULE(GlobalCmvn);

// Two 3x3 stride-2 convolutions with ReLU (channels1, channels2 output channels: attention_dim unless
// structured pruning removed some), then a linear projection to attention_dim (time / 4).
class Conv2dSubsampling4Impl : public torch::nn::Module {
public:
    Conv2dSubsampling4Impl(int64_t inputDim, int64_t channels1, int64_t channels2, int64_t dim);
    // [B, T, F] -> [B, T', D]. With sums, records each convolution's channel energy over the frames
    // valid for lengths ("encoder.embed.conv.0", "encoder.embed.conv.2").
    torch::Tensor forward(const torch::Tensor& x, FeatureMapSums* sums = nullptr, const torch::Tensor& lengths = {});

    torch::nn::Sequential conv{nullptr};
    torch::nn::Sequential out{nullptr};
};
TORCH_MODULE(Conv2dSubsampling4);

// Sinusoidal positions [1, T, D] (Vaswani et al.), as WeNet's PositionalEncoding.
torch::Tensor sinusoidalPositions(int64_t frames, int64_t dim, const torch::TensorOptions& options);

// Position-wise feed-forward: w_2(dropout(activation(w_1(x)))); Swish for Conformer, ReLU for Transformer.
class FeedForwardImpl : public torch::nn::Module {
public:
    FeedForwardImpl(int64_t dim, int64_t hidden, double dropout, bool swish);
    // Records the hidden units' energy under `group` when probed.
    torch::Tensor forward(const torch::Tensor& x, const Probe& probe = {}, const std::string& group = {});

    torch::nn::Linear w_1{nullptr};
    torch::nn::Linear w_2{nullptr};

private:
    double dropout_;
    bool swish_;
};
TORCH_MODULE(FeedForward);

// Multi-head self-attention over valid keys. Relative: WeNet's RelPositionMultiHeadedAttention
// (linear_pos, pos_bias_u, pos_bias_v; without rel_shift, as WeNet). The scores (q·kᵀ), masking and
// softmax run in float32 under the policy; the projections and probabilities·values follow autocast.
// heads x headDim may be less than dim once structured pruning removed heads.
class MultiHeadedAttentionImpl : public torch::nn::Module {
public:
    MultiHeadedAttentionImpl(int64_t dim, int64_t heads, int64_t headDim, double dropout, bool relative,
                             Fp32FlagsPtr flags);
    // x [B, T, D], keys [B, 1, 1, T] valid-key mask, positions [1, T, D] (relative only). Records each
    // head's context energy under `group` when probed.
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& keys, const torch::Tensor& positions,
                          const Probe& probe = {}, const std::string& group = {});

    torch::nn::Linear linear_q{nullptr};
    torch::nn::Linear linear_k{nullptr};
    torch::nn::Linear linear_v{nullptr};
    torch::nn::Linear linear_out{nullptr};
    torch::nn::Linear linear_pos{nullptr};
    torch::Tensor pos_bias_u;
    torch::Tensor pos_bias_v;

private:
    int64_t heads_;
    int64_t headDim_;
    double dropout_;
    bool relative_;
    Fp32FlagsPtr flags_;
};
TORCH_MODULE(MultiHeadedAttention);

// Conformer convolution module: pointwise (Linear, 2D) + GLU, depthwise Conv1d(kernel), LayerNorm
// (not BatchNorm: batch statistics would mix padding and other utterances in), Swish, pointwise.
// Padded frames are zeroed before the depthwise convolution, so a row's output never depends on padding.
class ConvolutionModuleImpl : public torch::nn::Module {
public:
    ConvolutionModuleImpl(int64_t dim, int64_t kernel, Fp32FlagsPtr flags);
    torch::Tensor forward(const torch::Tensor& x, const torch::Tensor& frames); // frames [B, T, 1] valid

    torch::nn::Linear pointwise_conv1{nullptr};
    torch::nn::Conv1d depthwise_conv{nullptr};
    LayerNorm norm{nullptr};
    torch::nn::Linear pointwise_conv2{nullptr};
};
TORCH_MODULE(ConvolutionModule);

// One pre-norm encoder block (block `index` of the config, whose widths it takes). Conformer:
// [macaron FFN (x0.5)] -> MHSA -> conv module -> FFN (x0.5 with macaron) -> norm_final.
// Transformer: MHSA -> FFN.
class EncoderBlockImpl : public torch::nn::Module {
public:
    EncoderBlockImpl(const ModelConfig& config, int index, Fp32FlagsPtr flags);
    torch::Tensor forward(const torch::Tensor& x, const PaddingMask& mask, const torch::Tensor& positions,
                          const Probe& probe = {});

    LayerNorm norm_ff_macaron{nullptr};
    FeedForward feed_forward_macaron{nullptr};
    LayerNorm norm_mha{nullptr};
    MultiHeadedAttention self_attn{nullptr};
    LayerNorm norm_conv{nullptr};
    ConvolutionModule conv_module{nullptr};
    LayerNorm norm_ff{nullptr};
    FeedForward feed_forward{nullptr};
    LayerNorm norm_final{nullptr};

private:
    std::string name_; // "encoder.blocks.<index>": the probe's group prefix
    double dropout_;
    double ffScale_;
};
TORCH_MODULE(EncoderBlock);

struct EncoderOutput {
    torch::Tensor x;       // [B, T', D] after the final LayerNorm
    torch::Tensor lengths; // [B] int64
    std::vector<torch::Tensor> blocks;
};

// What the blocks of one batch share: the padding, the positions (relative attention) and the
// subsampled lengths; x is the front end's output (block 0's input).
struct EncoderStream {
    torch::Tensor x;         // [B, T', D]
    torch::Tensor lengths;   // [B] int64
    PaddingMask mask;
    torch::Tensor positions; // undefined for absolute positions
};

// CMVN -> subsampling -> positions -> blocks -> after_norm.
class EncoderImpl : public torch::nn::Module {
public:
    EncoderImpl(const ModelConfig& config, Fp32FlagsPtr flags);
    // The pieces of forward(): CMVN, subsampling and positions; then one block on x.
    EncoderStream frontEnd(const torch::Tensor& features, const torch::Tensor& lengths,
                           FeatureMapSums* featureMaps = nullptr);
    torch::Tensor runBlock(const EncoderStream& stream, const torch::Tensor& x, size_t index,
                           FeatureMapSums* featureMaps = nullptr);
    // features [B, T, F] float, lengths [B] int64 on the features' device; featureMaps, when given,
    // receives the blocks' channel energies.
    EncoderOutput forward(const torch::Tensor& features, const torch::Tensor& lengths, bool keepBlocks,
                          FeatureMapSums* featureMaps = nullptr);

    GlobalCmvn global_cmvn{nullptr};
    Conv2dSubsampling4 embed{nullptr};
    torch::nn::ModuleList blocks{nullptr};
    LayerNorm after_norm{nullptr};

private:
    int64_t dim_;
    double dropout_;
    bool relative_;
};
TORCH_MODULE(Encoder);

// The CTC output layer: ctc_lo then log-softmax (float32 under the policy).
class CtcHeadImpl : public torch::nn::Module {
public:
    CtcHeadImpl(int64_t dim, int64_t vocab, Fp32FlagsPtr flags);
    torch::Tensor forward(const torch::Tensor& x);

    torch::nn::Linear ctc_lo{nullptr};

private:
    Fp32FlagsPtr flags_;
};
TORCH_MODULE(CtcHead);

// The whole network: "encoder.*" and "ctc.*".
class CtcNetImpl : public torch::nn::Module {
public:
    CtcNetImpl(const ModelConfig& config, Fp32FlagsPtr flags);

    Encoder encoder{nullptr};
    CtcHead ctc{nullptr};
};
TORCH_MODULE(CtcNet);

} // namespace espalier::model::layers
