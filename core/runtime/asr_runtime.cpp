#include "core/runtime/asr_runtime.h"

#include "core/runtime/error.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"
#include "core/runtime/vector_math.h"

#include <algorithm>
#include <chrono>

#include <cmath>
#include <cstdlib>
#include <sstream>

namespace espalier::runtime {

namespace {

using RowVector = Eigen::Matrix<float, 1, Eigen::Dynamic>;
constexpr float kLayerNormEps = 1e-5f;

// Adds the time spent in its scope to profile.at(name) (held by index: a nested timer may add entries).
class ScopedTimer {
public:
    ScopedTimer(Profile& profile, const std::string& name)
        : profile_(profile), index_(profile.indexOf(name)), start_(std::chrono::steady_clock::now())
    {
    }
    ~ScopedTimer()
    {
        ProfileEntry& e = profile_.entry(index_);
        e.us += std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start_).count();
        ++e.calls;
    }

private:
    Profile& profile_;
    size_t index_;
    std::chrono::steady_clock::time_point start_;
};

int metaInt(const EspmModel& m, const std::string& key, const std::string& source, int index = 0)
{
    std::istringstream in(m.metaValue(key));
    int v = 0;
    for (int i = 0; i <= index; ++i)
        if (!(in >> v))
            throw FormatError(source + ": META " + key + " is missing or not a number");
    if (v < 0 || v > (1 << 24))
        throw FormatError(source + ": META " + key + " = " + std::to_string(v) + " is out of range");
    return v;
}

void swishInPlace(Activations& h)
{
    h = h.array() / (1.0f + (-h.array()).exp());
}

// WeNet's sinusoids: pe[t][2i] = sin(t / 10000^(2i/D)), pe[t][2i+1] = cos(...).
Activations sinusoids(int frames, int dim)
{
    Activations pe(frames, dim);
    for (int i = 0; i < dim; i += 2) {
        const double div = std::exp(double(i) * (-std::log(10000.0) / double(dim)));
        for (int t = 0; t < frames; ++t) {
            pe(t, i) = float(std::sin(double(t) * div));
            if (i + 1 < dim)
                pe(t, i + 1) = float(std::cos(double(t) * div));
        }
    }
    return pe;
}

} // namespace

size_t Profile::indexOf(const std::string& name)
{
    for (size_t i = 0; i < entries_.size(); ++i)
        if (entries_[i].name == name)
            return i;
    entries_.push_back({name, 0.0, 0});
    return entries_.size() - 1;
}

// The front end from META, defaults where a key is absent (older files).
static FbankOptions frontEndFromMeta(const EspmModel& m)
{
    FbankOptions o;
    auto num = [&m](const char* key, double fallback) {
        const std::string v = m.metaValue(key);
        return v.empty() ? fallback : std::atof(v.c_str());
    };
    o.sampleRate = int(num("fbank.sample_rate", 16000));
    o.numMelBins = int(num("fbank.num_mel_bins", 80));
    o.frameLengthMs = float(num("fbank.frame_length_ms", 25));
    o.frameShiftMs = float(num("fbank.frame_shift_ms", 10));
    o.preemphasis = float(num("fbank.preemphasis", 0.97));
    o.lowFreq = float(num("fbank.low_freq", 20));
    o.highFreq = float(num("fbank.high_freq", 0));
    o.removeDcOffset = m.metaValue("fbank.remove_dc_offset", "true") == "true";
    o.snipEdges = m.metaValue("fbank.snip_edges", "true") == "true";
    o.dither = 0.0f;
    return o;
}

AsrRuntime::~AsrRuntime() = default;

void AsrRuntime::resetProfile()
{
    layers_.clear();
    ops_.clear();
}

AsrRuntime::AsrRuntime(EspmModel model, std::string sourceName) : model_(std::move(model)), source_(std::move(sourceName))
{
    const std::string graph = model_.metaValue("graph");
    if (graph != "conformer-ctc" && graph != "transformer-ctc")
        throw FormatError(source_ + ": graph '" + graph + "' is not one this runtime executes (conformer-ctc, transformer-ctc)");
    conformer_ = graph == "conformer-ctc";
    relative_ = model_.metaValue("positional") == "relative";
    macaron_ = conformer_ && model_.metaValue("macaron") == "true";
    inputDim_ = metaInt(model_, "input_dim", source_);
    dim_ = metaInt(model_, "attention_dim", source_);
    heads_ = metaInt(model_, "heads", source_);
    blocks_ = metaInt(model_, "num_blocks", source_);
    kernel_ = conformer_ ? metaInt(model_, "cnn_kernel", source_) : 0;
    channels_[0] = metaInt(model_, "subsampling_channels", source_, 0);
    channels_[1] = metaInt(model_, "subsampling_channels", source_, 1);
    if (heads_ == 0 || dim_ % heads_ != 0 || inputDim_ < 7 || blocks_ == 0)
        throw FormatError(source_ + ": META describes an impossible model");
    headDim_ = dim_ / heads_;
    for (int b = 0; b < blocks_; ++b)
        blockHeads_.push_back(metaInt(model_, "block." + std::to_string(b), source_, 2));
    vocab_ = int(model_.vocabulary.size());

    // Every matrix's both dimensions against the graph, before the first product: a model file
    // pushed to a device is untrusted input, and a product over a mis-shaped matrix reads past its
    // activations. Messages name the tensor and the shape the graph needs.
    const int freq = ((inputDim_ - 1) / 2 - 1) / 2;
    tensor("encoder.global_cmvn.mean", {inputDim_});
    tensor("encoder.embed.conv.0.weight", {channels_[0], 1, 3, 3});
    tensor("encoder.embed.conv.2.weight", {});  // 4-D dense, or CSR as its GEMM's matrix (checked when run)
    expectLinear("encoder.embed.out.0", dim_, channels_[1] * freq);
    for (int b = 0; b < blocks_; ++b) {
        const std::string p = "encoder.blocks." + std::to_string(b);
        const int inner = blockHeads_[size_t(b)] * headDim_;
        if (blockHeads_[size_t(b)] <= 0)
            throw FormatError(source_ + ": META block." + std::to_string(b) + " has no attention heads");
        for (const char* l : {"linear_q", "linear_k", "linear_v"})
            expectLinear(p + ".self_attn." + l, inner, dim_);
        expectLinear(p + ".self_attn.linear_out", dim_, inner);
        if (relative_)
            expectLinear(p + ".self_attn.linear_pos", inner, dim_, false);
        for (const char* ffn : {".feed_forward", ".feed_forward_macaron"}) {
            if (std::string(ffn) == ".feed_forward_macaron" && !macaron_)
                continue;
            const Linear in = linear(p + ffn + ".w_1");
            expectLinear(p + ffn + ".w_1", in.out, dim_);
            expectLinear(p + ffn + ".w_2", dim_, in.out);
        }
        if (conformer_) {
            expectLinear(p + ".conv_module.pointwise_conv1", 2 * dim_, dim_);
            expectLinear(p + ".conv_module.pointwise_conv2", dim_, dim_);
            tensor(p + ".conv_module.depthwise_conv.weight", {dim_, 1, kernel_});
        }
    }
    if (linear("ctc.ctc_lo").out != vocab_)
        throw FormatError(source_ + ": the CTC layer has " + std::to_string(linear("ctc.ctc_lo").out) + " outputs for "
                          + std::to_string(vocab_) + " units");
    expectLinear("ctc.ctc_lo", vocab_, dim_);
    frontEnd_ = frontEndFromMeta(model_);
    try {
        fbank_ = std::make_unique<Fbank>(frontEnd_);
    } catch (const InputError& e) {
        throw FormatError(source_ + ": META's front end is invalid: " + e.what());
    }
    if (frontEnd_.numMelBins != inputDim_)
        throw FormatError(source_ + ": META fbank.num_mel_bins " + std::to_string(frontEnd_.numMelBins)
                          + " differs from input_dim " + std::to_string(inputDim_));
    // A dry run over the shortest input reads every tensor the graph needs: a missing or mis-shaped one
    // is found now, not mid-utterance.
    const std::vector<float> silence(size_t(7) * size_t(inputDim_), 0.0f);
    logProbs(silence.data(), 7);
    resetProfile();
}

const EspmTensor& AsrRuntime::tensor(const std::string& name, std::vector<int64_t> shape) const
{
    const EspmTensor* t = model_.find(name);
    if (!t)
        throw FormatError(source_ + ": no tensor " + name);
    if (!shape.empty() && t->shape != shape) {
        std::string want, got;
        for (int64_t d : shape)
            want += (want.empty() ? "" : "x") + std::to_string(d);
        for (int64_t d : t->shape)
            got += (got.empty() ? "" : "x") + std::to_string(d);
        throw FormatError(source_ + ": tensor " + name + " is " + got + ", the graph needs " + want);
    }
    return *t;
}

const float* AsrRuntime::dense(const std::string& name, std::vector<int64_t> shape) const
{
    const EspmTensor& t = tensor(name, std::move(shape));
    if (t.sparse)
        throw FormatError(source_ + ": tensor " + name + " is stored CSR but the graph reads it as plain values");
    return t.dense.data();
}

AsrRuntime::Linear AsrRuntime::linear(const std::string& prefix, bool bias) const
{
    Linear l;
    l.weight = &tensor(prefix + ".weight", {});
    if (l.weight->shape.size() != 2)
        throw FormatError(source_ + ": " + prefix + ".weight is not a matrix");
    l.out = int(l.weight->shape[0]);
    l.in = int(l.weight->shape[1]);
    if (bias)
        l.bias = dense(prefix + ".bias", {l.out});
    return l;
}

void AsrRuntime::expectLinear(const std::string& prefix, int out, int in, bool bias) const
{
    const Linear l = linear(prefix, false);  // the weight first: its own shape is the message
    if (l.out != out || l.in != in || out <= 0 || in <= 0)
        throw FormatError(source_ + ": tensor " + prefix + ".weight is " + std::to_string(l.out) + "x" + std::to_string(l.in)
                          + ", the graph needs " + std::to_string(out) + "x" + std::to_string(in));
    if (bias)
        dense(prefix + ".bias", {out});
}

Activations AsrRuntime::apply(const Linear& l, const Activations& x)
{
    if (int(x.cols()) != l.in)  // defence in depth: the constructor checked every matrix
        throw FormatError(source_ + ": a " + std::to_string(l.out) + "x" + std::to_string(l.in) + " matrix applied to "
                          + std::to_string(x.cols()) + " features");
    ScopedTimer timer(ops_, l.weight->sparse ? "linear (csr)" : "linear (dense)");
    const int frames = int(x.rows());
    Activations y(frames, l.out);
    bytes_ += (l.weight->sparse ? (long long)l.weight->csr.bytes() : 4LL * l.in * l.out) + 4LL * frames * (l.in + l.out);
    if (l.weight->sparse) {
        spmm(l.weight->csr, x.data(), frames, l.bias, y.data());  // x, y feature-major: [K][T], [M][T]
        return y;
    }
    denseMatmul(l.weight->dense.data(), l.out, l.in, x.data(), frames, l.bias, y.data());
    return y;
}

Activations AsrRuntime::layerNorm(const std::string& prefix, const Activations& x)
{
    ScopedTimer timer(ops_, "layer norm");
    const int d = int(x.cols());
    const Eigen::Map<const RowVector> gamma(dense(prefix + ".weight", {d}), d);
    const Eigen::Map<const RowVector> beta(dense(prefix + ".bias", {d}), d);
    const Eigen::VectorXf mean = x.rowwise().mean();
    Activations centered = x.colwise() - mean;
    const Eigen::VectorXf inv = (centered.array().square().rowwise().mean() + kLayerNormEps).rsqrt();
    centered = centered.array().colwise() * inv.array();
    return (centered.array().rowwise() * gamma.array()).rowwise() + beta.array();
}

Activations AsrRuntime::feedForward(const std::string& prefix, const Activations& x, bool swish)
{
    Activations h = apply(linear(prefix + ".w_1"), x);
    if (swish)
        swishInPlace(h);
    else
        h = h.cwiseMax(0.0f);
    return apply(linear(prefix + ".w_2"), h);
}

Activations AsrRuntime::attention(int block, const Activations& x, const Activations& positions)
{
    const std::string p = "encoder.blocks." + std::to_string(block) + ".self_attn";
    const Activations q = apply(linear(p + ".linear_q"), x);
    const Activations k = apply(linear(p + ".linear_k"), x);
    const Activations v = apply(linear(p + ".linear_v"), x);
    Activations pos;
    if (relative_)
        pos = apply(linear(p + ".linear_pos", false), positions);
    ScopedTimer timer(ops_, "attention");
    const int heads = blockHeads_[size_t(block)], dk = headDim_, frames = int(x.rows());
    const float scale = 1.0f / std::sqrt(float(dk));
    Activations context(frames, heads * dk);
    const float* u = relative_ ? dense(p + ".pos_bias_u", {heads, dk}) : nullptr;
    const float* vb = relative_ ? dense(p + ".pos_bias_v", {heads, dk}) : nullptr;
    // Per head, on the dispatched kernels, scores transposed (keys down the rows, queries across):
    //   S^T[t2][t1] = sum_d K'[t2][d] Q'[d][t1], with K' = [k | pos] (T x 2dk, row-major) and
    //   Q' = [(q + u) / sqrt(dk) ; (q + v) / sqrt(dk)] (2dk x T, feature-major: the activations' own layout);
    // a softmax down each column; then context[d][t1] = sum_t2 v[d][t2] S^T[t2][t1] straight into the
    // context's columns. Heads are independent: the pool takes them in turn.
    const int depth = relative_ ? 2 * dk : dk;
    const size_t column = size_t(frames);
    parallelFor(heads, [&](int part, int parts) {
        std::vector<float> keys(size_t(frames) * size_t(depth)), queries(size_t(depth) * column),
            scores(column * column);
        for (int h = part; h < heads; h += parts) {
            for (int d = 0; d < dk; ++d) {
                const float* qd = q.data() + size_t(h * dk + d) * column;
                const float* kd = k.data() + size_t(h * dk + d) * column;
                float* outU = queries.data() + size_t(d) * column;
                const float biasU = relative_ ? u[h * dk + d] : 0.0f;
                for (int t = 0; t < frames; ++t) {
                    outU[t] = (qd[t] + biasU) * scale;
                    keys[size_t(t) * size_t(depth) + size_t(d)] = kd[t];
                }
                if (relative_) {
                    const float* pd = pos.data() + size_t(h * dk + d) * column;
                    float* outV = queries.data() + size_t(dk + d) * column;
                    const float biasV = vb[h * dk + d];
                    for (int t = 0; t < frames; ++t) {
                        outV[t] = (qd[t] + biasV) * scale;
                        keys[size_t(t) * size_t(depth) + size_t(dk + d)] = pd[t];
                    }
                }
            }
            denseMatmul(keys.data(), frames, depth, queries.data(), frames, nullptr, scores.data());
            softmaxColumns(scores.data(), frames, frames);
            denseMatmul(v.data() + size_t(h * dk) * column, dk, frames, scores.data(), frames, nullptr,
                        context.data() + size_t(h * dk) * column);
        }
    });
    return apply(linear(p + ".linear_out"), context);
}

Activations AsrRuntime::convolution(int block, const Activations& x)
{
    const std::string p = "encoder.blocks." + std::to_string(block) + ".conv_module";
    const Activations h = apply(linear(p + ".pointwise_conv1"), x);
    const int frames = int(x.rows()), d = dim_, pad = (kernel_ - 1) / 2;
    Activations y;
    {
        ScopedTimer timer(ops_, "conv module");
        // GLU over the channels, then the depthwise convolution along time (zero padding).
        const Activations glu = h.leftCols(d).array() / (1.0f + (-h.rightCols(d).array()).exp());
        const float* w = dense(p + ".depthwise_conv.weight", {d, 1, kernel_});
        const float* b = dense(p + ".depthwise_conv.bias", {d});
        y.resize(frames, d);
        parallelFor(d / 16, [&](int part, int parts) {
            for (int c = d * part / parts; c < d * (part + 1) / parts; ++c) {
                const float* in = glu.col(c).data();  // frames contiguous
                float* out = y.col(c).data();
                std::fill(out, out + frames, b[c]);
                // Tap by tap over the frames it reaches (a loop the compiler vectorises; no bounds test).
                for (int j = 0; j < kernel_; ++j) {
                    const float wj = w[c * kernel_ + j];
                    const int shift = j - pad;
                    const int from = std::max(0, -shift), to = std::min(frames, frames - shift);
                    for (int t = from; t < to; ++t)
                        out[t] += wj * in[t + shift];
                }
            }
        });
    }
    Activations n = layerNorm(p + ".norm", y);
    swishInPlace(n);
    return apply(linear(p + ".pointwise_conv2"), n);
}

Activations AsrRuntime::subsample(const float* features, int frames)
{
    const int f0 = inputDim_, t1 = (frames - 1) / 2, f1 = (f0 - 1) / 2, t2 = (t1 - 1) / 2, f2 = (f1 - 1) / 2;
    const int c1 = channels_[0], c2 = channels_[1];
    Activations x3;
    {
        ScopedTimer timer(ops_, "subsampling");
        // CMVN.
        const float* mean = dense("encoder.global_cmvn.mean", {f0});
        const float* istd = dense("encoder.global_cmvn.istd", {f0});
        std::vector<float> in(size_t(frames) * size_t(f0));
        for (int t = 0; t < frames; ++t)
            for (int f = 0; f < f0; ++f)
                in[size_t(t) * f0 + f] = (features[size_t(t) * f0 + f] - mean[f]) * istd[f];
        // conv.0 (1 -> c1 channels) and conv.2 (c1 -> c2), 3x3 stride 2, ReLU: each its GEMM on the kernels,
        // the unfolded input gathered block by block (outputs [channels][positions], positions t-major).
        const float* w0 = dense("encoder.embed.conv.0.weight", {c1, 1, 3, 3});
        const float* b0 = dense("encoder.embed.conv.0.bias", {c1});
        const size_t p1 = size_t(t1) * f1, p2 = size_t(t2) * f2;
        std::vector<float> h(size_t(c1) * p1);  // [c1][t1][f1]
        denseConv3x3s2(w0, c1, ConvInput{in.data(), 1, frames, f0}, b0, h.data());
        bytes_ += 4LL * (9 * c1 + (long long)frames * f0 + c1 * (long long)p1);
        for (float& v : h)
            v = std::max(v, 0.0f);
        std::vector<float> y2(size_t(c2) * p2);  // [c2][t2·f2]
        const float* b2 = dense("encoder.embed.conv.2.bias", {c2});
        const EspmTensor& w2 = tensor("encoder.embed.conv.2.weight", {});
        bytes_ += (w2.sparse ? (long long)w2.csr.bytes() : 4LL * c2 * c1 * 9) + 4LL * (c1 * (long long)p1 + c2 * (long long)p2);
        const ConvInput conv2{h.data(), c1, t1, f1};
        if (w2.sparse) {  // stored as its GEMM's matrix, [c2] × [c1·3·3]
            if (w2.csr.rows != c2 || w2.csr.cols != c1 * 9)
                throw FormatError(source_ + ": encoder.embed.conv.2.weight is not a " + std::to_string(c2) + " x "
                                  + std::to_string(c1 * 9) + " matrix");
            spmmConv3x3s2(w2.csr, conv2, b2, y2.data());
        } else {
            denseConv3x3s2(dense("encoder.embed.conv.2.weight", {c2, c1, 3, 3}), c2, conv2, b2, y2.data());
        }
        // The projection reads channel c's F' positions as inputs c·F' … (c+1)·F' - 1 of each frame.
        x3.resize(t2, size_t(c2) * f2);
        for (int c = 0; c < c2; ++c)
            for (int f = 0; f < f2; ++f)
                for (int t = 0; t < t2; ++t)
                    x3(t, c * f2 + f) = std::max(y2[size_t(c) * p2 + size_t(t) * f2 + f], 0.0f);
    }
    return apply(linear("encoder.embed.out.0"), x3);
}

Activations AsrRuntime::logProbs(const float* features, int frames)
{
    if (frames < 7)
        throw InputError(source_ + ": " + std::to_string(frames) + " frames are too few (at least 7)");
    bytes_ = 0;
    Activations x;
    {
        ScopedTimer layer(layers_, "embed");
        x = subsample(features, frames) * std::sqrt(float(dim_));
    }
    const Activations pe = sinusoids(int(x.rows()), dim_);
    if (!relative_)
        x += pe;
    for (int b = 0; b < blocks_; ++b) {
        const std::string p = "encoder.blocks." + std::to_string(b), name = "blocks." + std::to_string(b);
        if (macaron_) {
            ScopedTimer layer(layers_, name + ".ffn_macaron");
            x += 0.5f * feedForward(p + ".feed_forward_macaron", layerNorm(p + ".norm_ff_macaron", x), true);
        }
        {
            ScopedTimer layer(layers_, name + ".attention");
            x += attention(b, layerNorm(p + ".norm_mha", x), pe);
        }
        if (conformer_) {
            ScopedTimer layer(layers_, name + ".conv");
            x += convolution(b, layerNorm(p + ".norm_conv", x));
        }
        {
            ScopedTimer layer(layers_, name + ".ffn");
            x += (macaron_ ? 0.5f : 1.0f) * feedForward(p + ".feed_forward", layerNorm(p + ".norm_ff", x), conformer_);
            if (conformer_)
                x = layerNorm(p + ".norm_final", x);
        }
    }
    ScopedTimer layer(layers_, "ctc");
    Activations logits = apply(linear("ctc.ctc_lo"), layerNorm("encoder.after_norm", x));
    ScopedTimer timer(ops_, "log-softmax");
    const Eigen::VectorXf rowMax = logits.rowwise().maxCoeff();
    logits = logits.colwise() - rowMax;
    const Eigen::VectorXf logSum = logits.array().exp().rowwise().sum().log();
    lastBytes_ = bytes_;
    return logits.colwise() - logSum;
}

std::string AsrRuntime::transcribe(const std::vector<float>& samples, Activations* logProbsOut)
{
    FeatureMatrix features;
    {
        ScopedTimer layer(layers_, "fbank");
        ScopedTimer op(ops_, "fbank");
        features = fbank_->compute(samples);
    }
    if (features.frames < 7)
        throw InputError(source_ + ": the audio gives " + std::to_string(features.frames)
                         + " feature frames, too few to transcribe (at least 7)");
    Activations probs = logProbs(features.data.data(), features.frames);
    std::string text = greedyText(probs);
    if (logProbsOut)
        *logProbsOut = std::move(probs);
    return text;
}

std::string AsrRuntime::greedyText(const Activations& logProbs) const
{
    std::string text;
    int previous = -1;
    for (int t = 0; t < logProbs.rows(); ++t) {
        int best = 0;
        logProbs.row(t).maxCoeff(&best);
        if (best != previous && best != 0 && best < vocab_)
            text += model_.vocabulary[size_t(best)];
        previous = best;
    }
    return text;
}

} // namespace espalier::runtime
