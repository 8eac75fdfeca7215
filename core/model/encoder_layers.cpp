#include "core/model/encoder_layers.h"

#include "core/model/autocast.h"

#include <cmath>

namespace espalier::model::layers {

namespace {

constexpr double kLayerNormEps = 1e-5;

// A fill for masked attention scores that stays finite in the scores' type, so a row with no valid
// key gives a uniform (then zeroed) distribution rather than NaN.
double maskedScore(torch::ScalarType type)
{
    return type == torch::kHalf ? -65504.0 : -1e30;
}

// The type a float32 island computes in: float32, or double for a model converted to double.
torch::ScalarType islandType(torch::ScalarType type)
{
    return type == torch::kDouble ? torch::kDouble : torch::kFloat;
}

// Output of a float32 island: float under autocast (the next op casts as it needs), else the input's type.
torch::Tensor leaveIsland(const torch::Tensor& y, torch::ScalarType inputType, bool autocastWasOn)
{
    return autocastWasOn ? y : y.to(inputType);
}

} // namespace

PaddingMask paddingMask(const torch::Tensor& lengths, int64_t frames, const torch::Device& device)
{
    const torch::Tensor t = torch::arange(frames, torch::TensorOptions().dtype(torch::kLong).device(device));
    const torch::Tensor valid = t.unsqueeze(0) < lengths.to(device).unsqueeze(1); // [B, T]
    return {valid.unsqueeze(1).unsqueeze(1), valid.unsqueeze(2)};
}

LayerNormImpl::LayerNormImpl(int64_t dim, Fp32FlagsPtr flags) : dim_(dim), flags_(std::move(flags))
{
    weight = register_parameter("weight", torch::ones({dim}));
    bias = register_parameter("bias", torch::zeros({dim}));
}

torch::Tensor LayerNormImpl::forward(const torch::Tensor& x)
{
    if (!flags_->layerNorm)
        return torch::layer_norm(x, {dim_}, weight.to(x.scalar_type()), bias.to(x.scalar_type()), kLayerNormEps);
    const bool autocastOn = autocastActive(x.device().type());
    const torch::ScalarType type = islandType(x.scalar_type());
    NoAutocastScope fp32;
    const torch::Tensor y = torch::layer_norm(x.to(type), {dim_}, weight.to(type), bias.to(type), kLayerNormEps);
    return leaveIsland(y, x.scalar_type(), autocastOn);
}

GlobalCmvnImpl::GlobalCmvnImpl(const ModelConfig& config, Fp32FlagsPtr flags) : flags_(std::move(flags))
{
    torch::Tensor m = torch::zeros({config.inputDim});
    torch::Tensor s = torch::ones({config.inputDim});
    if (config.cmvn.enabled()) {
        m = torch::tensor(config.cmvn.mean, torch::kFloat);
        s = torch::tensor(config.cmvn.istd, torch::kFloat);
    }
    mean = register_buffer("mean", m);
    istd = register_buffer("istd", s);
}

torch::Tensor GlobalCmvnImpl::forward(const torch::Tensor& x)
{
    const bool autocastOn = autocastActive(x.device().type());
    const torch::ScalarType type = islandType(mean.scalar_type());
    torch::Tensor y;
    {
        NoAutocastScope fp32;
        y = (x.to(type) - mean.to(type)) * istd.to(type);
    }
    if (!autocastOn)
        return y.to(mean.scalar_type()); // the model's own type
    return flags_->frontEnd ? y : y.to(autocastDtype(x.device().type()));
}

Conv2dSubsampling4Impl::Conv2dSubsampling4Impl(int64_t inputDim, int64_t channels1, int64_t channels2, int64_t dim)
{
    conv = register_module("conv", torch::nn::Sequential(torch::nn::Conv2d(torch::nn::Conv2dOptions(1, channels1, 3).stride(2)),
                                                         torch::nn::ReLU(),
                                                         torch::nn::Conv2d(torch::nn::Conv2dOptions(channels1, channels2, 3).stride(2)),
                                                         torch::nn::ReLU()));
    const int64_t freq = ((inputDim - 1) / 2 - 1) / 2;
    out = register_module("out", torch::nn::Sequential(torch::nn::Linear(channels2 * freq, dim)));
}

namespace {
// [B, C, T, F] feature maps as [B, T, C] energies summed over F, with the frames valid for `valid` lengths.
void addConvEnergy(FeatureMapSums& sums, const std::string& group, const torch::Tensor& y, const torch::Tensor& valid)
{
    const torch::Tensor perFrame = y.detach().to(torch::kFloat).pow(2).sum(-1).transpose(1, 2).sqrt();  // [B, T, C]
    const torch::Tensor t = torch::arange(y.size(2), torch::TensorOptions().dtype(torch::kLong).device(y.device()));
    sums.add(group, perFrame, (t.unsqueeze(0) < valid.to(y.device()).unsqueeze(1)).unsqueeze(2));
}
} // namespace

torch::Tensor Conv2dSubsampling4Impl::forward(const torch::Tensor& x, FeatureMapSums* sums, const torch::Tensor& lengths)
{
    torch::Tensor y;
    if (sums) {
        // conv.0 keeps (T - 1) / 2 frames of each row, conv.2 ((T - 1) / 2 - 1) / 2.
        const torch::Tensor half = torch::clamp_min(torch::div(lengths - 1, 2, "floor"), 0);
        torch::Tensor h = conv[1]->as<torch::nn::ReLU>()->forward(conv[0]->as<torch::nn::Conv2d>()->forward(x.unsqueeze(1)));
        addConvEnergy(*sums, "encoder.embed.conv.0", h, half);
        y = conv[3]->as<torch::nn::ReLU>()->forward(conv[2]->as<torch::nn::Conv2d>()->forward(h));
        addConvEnergy(*sums, "encoder.embed.conv.2", y, torch::clamp_min(torch::div(half - 1, 2, "floor"), 0));
    } else {
        y = conv->forward(x.unsqueeze(1)); // [B, C, T', F']
    }
    const int64_t b = y.size(0), c = y.size(1), t = y.size(2), f = y.size(3);
    y = y.transpose(1, 2).contiguous().view({b, t, c * f});
    return out->forward(y);
}

torch::Tensor sinusoidalPositions(int64_t frames, int64_t dim, const torch::TensorOptions& options)
{
    const torch::TensorOptions f32 = options.dtype(torch::kFloat);
    const torch::Tensor position = torch::arange(frames, f32).unsqueeze(1);                    // [T, 1]
    const torch::Tensor divTerm = torch::exp(torch::arange(0, dim, 2, f32) * (-std::log(10000.0) / double(dim)));
    const torch::Tensor angles = position * divTerm;                                           // [T, ceil(D/2)]
    torch::Tensor pe = torch::zeros({frames, dim}, f32);
    pe.index_put_({torch::indexing::Slice(), torch::indexing::Slice(0, torch::indexing::None, 2)}, torch::sin(angles));
    pe.index_put_({torch::indexing::Slice(), torch::indexing::Slice(1, torch::indexing::None, 2)},
                  torch::cos(angles).index({torch::indexing::Slice(), torch::indexing::Slice(0, dim / 2)}));
    return pe.unsqueeze(0);
}

FeedForwardImpl::FeedForwardImpl(int64_t dim, int64_t hidden, double dropout, bool swish)
    : dropout_(dropout), swish_(swish)
{
    w_1 = register_module("w_1", torch::nn::Linear(dim, hidden));
    w_2 = register_module("w_2", torch::nn::Linear(hidden, dim));
}

torch::Tensor FeedForwardImpl::forward(const torch::Tensor& x, const Probe& probe, const std::string& group)
{
    torch::Tensor h = w_1->forward(x);
    h = swish_ ? torch::silu(h) : torch::relu(h);
    if (probe)
        probe.sums->add(group, h, probe.frames);
    return w_2->forward(torch::dropout(h, dropout_, is_training()));
}

MultiHeadedAttentionImpl::MultiHeadedAttentionImpl(int64_t dim, int64_t heads, int64_t headDim, double dropout,
                                                   bool relative, Fp32FlagsPtr flags)
    : heads_(heads), headDim_(headDim), dropout_(dropout), relative_(relative), flags_(std::move(flags))
{
    const int64_t inner = heads * headDim;
    linear_q = register_module("linear_q", torch::nn::Linear(dim, inner));
    linear_k = register_module("linear_k", torch::nn::Linear(dim, inner));
    linear_v = register_module("linear_v", torch::nn::Linear(dim, inner));
    linear_out = register_module("linear_out", torch::nn::Linear(inner, dim));
    if (relative_) {
        linear_pos = register_module("linear_pos", torch::nn::Linear(torch::nn::LinearOptions(dim, inner).bias(false)));
        pos_bias_u = register_parameter("pos_bias_u", torch::empty({heads, headDim_}));
        pos_bias_v = register_parameter("pos_bias_v", torch::empty({heads, headDim_}));
        torch::NoGradGuard noGrad;
        torch::nn::init::xavier_uniform_(pos_bias_u);
        torch::nn::init::xavier_uniform_(pos_bias_v);
    }
}

torch::Tensor MultiHeadedAttentionImpl::forward(const torch::Tensor& x, const torch::Tensor& keys,
                                                const torch::Tensor& positions, const Probe& probe,
                                                const std::string& group)
{
    const int64_t b = x.size(0), t = x.size(1);
    const bool autocastOn = autocastActive(x.device().type());
    // Cast once for the three projections (autocast would cast x for each).
    const torch::Tensor in = autocastOn ? x.to(autocastDtype(x.device().type())) : x;
    const torch::Tensor q = linear_q->forward(in).view({b, t, heads_, headDim_}); // [B, T, H, Dk]
    const torch::Tensor k = linear_k->forward(in).view({b, t, heads_, headDim_}).transpose(1, 2);
    const torch::Tensor v = linear_v->forward(in).view({b, t, heads_, headDim_}).transpose(1, 2);
    const torch::Tensor p = relative_ ? linear_pos->forward(positions).view({1, -1, heads_, headDim_}).transpose(1, 2)
                                      : torch::Tensor();
    const torch::Tensor masked = keys.logical_not();

    // Scores [B, H, T, T], masking and softmax in `type`. q is scaled before the products, which
    // keeps fp16 scores in range when the policy lets them be fp16.
    auto attentionWeights = [&](torch::ScalarType type) {
        const double scale = 1.0 / std::sqrt(double(headDim_));
        const torch::Tensor qt = q.to(type);
        torch::Tensor scores;
        if (relative_) {
            const torch::Tensor qu = ((qt + pos_bias_u.to(type)) * scale).transpose(1, 2);
            const torch::Tensor qv = ((qt + pos_bias_v.to(type)) * scale).transpose(1, 2);
            scores = torch::matmul(qu, k.to(type).transpose(-2, -1)) + torch::matmul(qv, p.to(type).transpose(-2, -1));
        } else {
            scores = torch::matmul((qt * scale).transpose(1, 2), k.to(type).transpose(-2, -1));
        }
        scores = scores.masked_fill(masked, maskedScore(scores.scalar_type()));
        return torch::softmax(scores, -1).masked_fill(masked, 0.0);
    };
    torch::Tensor probs;
    if (flags_->attentionSoftmax) {
        NoAutocastScope fp32;
        probs = leaveIsland(attentionWeights(islandType(q.scalar_type())), q.scalar_type(), autocastOn);
    } else {
        probs = attentionWeights(q.scalar_type());
    }
    probs = torch::dropout(probs, dropout_, is_training());
    const torch::Tensor perHead = torch::matmul(probs, v); // [B, H, T, Dk]
    if (probe)
        probe.sums->addHeads(group, perHead, probe.frames);
    const torch::Tensor context = perHead.transpose(1, 2).contiguous().view({b, t, heads_ * headDim_});
    return linear_out->forward(context);
}

ConvolutionModuleImpl::ConvolutionModuleImpl(int64_t dim, int64_t kernel, Fp32FlagsPtr flags)
{
    pointwise_conv1 = register_module("pointwise_conv1", torch::nn::Linear(dim, 2 * dim));
    depthwise_conv = register_module(
        "depthwise_conv", torch::nn::Conv1d(torch::nn::Conv1dOptions(dim, dim, kernel).padding((kernel - 1) / 2).groups(dim)));
    norm = register_module("norm", LayerNorm(dim, std::move(flags)));
    pointwise_conv2 = register_module("pointwise_conv2", torch::nn::Linear(dim, dim));
}

torch::Tensor ConvolutionModuleImpl::forward(const torch::Tensor& x, const torch::Tensor& frames)
{
    const torch::Tensor padded = frames.logical_not();
    torch::Tensor y = torch::glu(pointwise_conv1->forward(x), -1).masked_fill(padded, 0.0);
    y = depthwise_conv->forward(y.transpose(1, 2)).transpose(1, 2);
    y = torch::silu(norm->forward(y));
    return pointwise_conv2->forward(y).masked_fill(padded, 0.0);
}

EncoderBlockImpl::EncoderBlockImpl(const ModelConfig& c, int index, Fp32FlagsPtr flags)
    : name_("encoder.blocks." + std::to_string(index)), dropout_(c.dropout), ffScale_(1.0)
{
    const bool conformer = c.type == ModelType::Conformer;
    const int64_t d = c.attentionDim;
    const BlockShape shape = c.blockShape(index);
    if (conformer && c.macaron) {
        norm_ff_macaron = register_module("norm_ff_macaron", LayerNorm(d, flags));
        feed_forward_macaron = register_module("feed_forward_macaron", FeedForward(d, shape.macaronFfnDim, c.dropout, true));
        ffScale_ = 0.5;
    }
    norm_mha = register_module("norm_mha", LayerNorm(d, flags));
    self_attn = register_module("self_attn", MultiHeadedAttention(d, shape.heads, c.headDim(), c.dropout,
                                                                  c.positional == PositionalEncoding::Relative, flags));
    if (conformer) {
        norm_conv = register_module("norm_conv", LayerNorm(d, flags));
        conv_module = register_module("conv_module", ConvolutionModule(d, c.cnnKernel, flags));
    }
    norm_ff = register_module("norm_ff", LayerNorm(d, flags));
    feed_forward = register_module("feed_forward", FeedForward(d, shape.ffnDim, c.dropout, conformer));
    if (conformer)
        norm_final = register_module("norm_final", LayerNorm(d, flags));
}

torch::Tensor EncoderBlockImpl::forward(const torch::Tensor& input, const PaddingMask& mask, const torch::Tensor& positions,
                                        const Probe& probe)
{
    const bool training = is_training();
    torch::Tensor x = input;
    if (feed_forward_macaron)
        x = x + 0.5 * torch::dropout(feed_forward_macaron->forward(norm_ff_macaron->forward(x), probe,
                                                                   name_ + ".feed_forward_macaron"),
                                     dropout_, training);
    x = x + torch::dropout(self_attn->forward(norm_mha->forward(x), mask.keys, positions, probe, name_ + ".self_attn"),
                           dropout_, training);
    if (conv_module)
        x = x + torch::dropout(conv_module->forward(norm_conv->forward(x), mask.frames), dropout_, training);
    x = x + ffScale_ * torch::dropout(feed_forward->forward(norm_ff->forward(x), probe, name_ + ".feed_forward"),
                                      dropout_, training);
    if (norm_final)
        x = norm_final->forward(x);
    return x;
}

EncoderImpl::EncoderImpl(const ModelConfig& c, Fp32FlagsPtr flags)
    : dim_(c.attentionDim), dropout_(c.dropout), relative_(c.positional == PositionalEncoding::Relative)
{
    global_cmvn = register_module("global_cmvn", GlobalCmvn(c, flags));
    embed = register_module("embed", Conv2dSubsampling4(c.inputDim, c.subsamplingWidth(0), c.subsamplingWidth(1), c.attentionDim));
    blocks = register_module("blocks", torch::nn::ModuleList());
    for (int i = 0; i < c.numBlocks; ++i)
        blocks->push_back(EncoderBlock(c, i, flags));
    after_norm = register_module("after_norm", LayerNorm(c.attentionDim, flags));
}

EncoderStream EncoderImpl::frontEnd(const torch::Tensor& features, const torch::Tensor& lengths,
                                    FeatureMapSums* featureMaps)
{
    const bool training = is_training();
    const bool autocastOn = autocastActive(features.device().type());
    torch::Tensor x = embed->forward(global_cmvn->forward(features), featureMaps, lengths);
    // Under autocast the residual stream stays float32 (sums of bf16 branches would round each time).
    x = autocastOn ? x.to(torch::kFloat) : x;
    const int64_t frames = x.size(1);
    EncoderStream stream;
    stream.lengths = torch::clamp_min(torch::div(torch::div(lengths - 1, 2, "floor") - 1, 2, "floor"), 0);
    stream.mask = paddingMask(stream.lengths, frames, x.device());

    // WeNet: x * sqrt(D), plus sinusoids (absolute) or sinusoids handed to the attention (relative).
    const torch::Tensor pe = sinusoidalPositions(frames, dim_, torch::TensorOptions().device(x.device())).to(x.scalar_type());
    x = x * std::sqrt(double(dim_));
    if (relative_)
        stream.positions = torch::dropout(pe, dropout_, training);
    else
        x = x + pe;
    stream.x = torch::dropout(x, dropout_, training);
    return stream;
}

torch::Tensor EncoderImpl::runBlock(const EncoderStream& stream, const torch::Tensor& x, size_t index,
                                    FeatureMapSums* featureMaps)
{
    const Probe probe{featureMaps, stream.mask.frames};
    return blocks->ptr(index)->as<EncoderBlock>()->forward(x, stream.mask, stream.positions, probe);
}

EncoderOutput EncoderImpl::forward(const torch::Tensor& features, const torch::Tensor& lengths, bool keepBlocks,
                                   FeatureMapSums* featureMaps)
{
    const EncoderStream stream = frontEnd(features, lengths, featureMaps);
    EncoderOutput out;
    out.lengths = stream.lengths;
    torch::Tensor x = stream.x;
    for (size_t b = 0; b < blocks->size(); ++b) {
        x = runBlock(stream, x, b, featureMaps);
        if (keepBlocks)
            out.blocks.push_back(x);
    }
    out.x = after_norm->forward(x);
    return out;
}

CtcHeadImpl::CtcHeadImpl(int64_t dim, int64_t vocab, Fp32FlagsPtr flags) : flags_(std::move(flags))
{
    ctc_lo = register_module("ctc_lo", torch::nn::Linear(dim, vocab));
}

torch::Tensor CtcHeadImpl::forward(const torch::Tensor& x)
{
    const torch::Tensor logits = ctc_lo->forward(x);
    if (!flags_->ctcLogSoftmax)
        return torch::log_softmax(logits, -1);
    NoAutocastScope fp32;
    return torch::log_softmax(logits.to(islandType(logits.scalar_type())), -1);
}

CtcNetImpl::CtcNetImpl(const ModelConfig& config, Fp32FlagsPtr flags)
{
    encoder = register_module("encoder", Encoder(config, flags));
    ctc = register_module("ctc", CtcHead(config.attentionDim, config.vocabSize, flags));
}

} // namespace espalier::model::layers
