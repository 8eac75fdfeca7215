#pragma once
// The runtime's CTC encoder: executes an .espm model's graph (the reference Conformer / Transformer op
// set — global CMVN, conv2d subsampling, linear layers dense through Eigen or CSR through spmm, layer
// norm, relative or absolute multi-head attention, the conformer convolution module, Swish/ReLU/GLU,
// log-softmax) on one utterance's fbank features, and decodes greedily. No LibTorch: this is what runs
// on the device. Activations are held feature-major (Eigen column-major T × D), the layout spmm takes.
#include "core/runtime/espm.h"
#include "core/runtime/fbank.h"

#include <Eigen/Dense>

#include <memory>
#include <string>
#include <vector>

namespace espalier::runtime {

using Activations = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;  // T × D

struct ProfileEntry {
    std::string name;
    double us = 0.0;
    long long calls = 0;
};

// Named time totals in first-seen order.
class Profile {
public:
    size_t indexOf(const std::string& name);  // adds the entry when new
    ProfileEntry& entry(size_t index) { return entries_[index]; }
    const std::vector<ProfileEntry>& entries() const { return entries_; }
    void clear() { entries_.clear(); }

private:
    std::vector<ProfileEntry> entries_;
};

class AsrRuntime {
public:
    // Builds the graph from META and checks every tensor it needs is present with the right shape.
    // Throws FormatError naming what is missing or mis-shaped.
    explicit AsrRuntime(EspmModel model, std::string sourceName = "model");
    ~AsrRuntime();

    int inputDim() const { return inputDim_; }
    const EspmModel& model() const { return model_; }

    // features: frames × inputDim row-major fbank (before CMVN). Returns T' × vocab log-probabilities
    // (T' = ((frames - 1) / 2 - 1) / 2). InputError for a wrong bin count or too few frames.
    Activations logProbs(const float* features, int frames);
    // Greedy CTC: argmax per frame, repeats merged, blanks (id 0) dropped, as units joined.
    std::string greedyText(const Activations& logProbs) const;
    // The front end the model was trained with (META's fbank.* keys; no dither).
    const FbankOptions& frontEnd() const { return frontEnd_; }
    // One utterance end to end — fbank, encoder, greedy CTC — with the fbank timed as layer and op
    // "fbank". samples: mono in [-1, 1] at frontEnd().sampleRate. InputError when too short.
    std::string transcribe(const std::vector<float>& samples, Activations* logProbsOut = nullptr);

    // Time per layer (in execution order: "embed", "blocks.0.ffn_macaron", "blocks.0.attention", ...,
    // "ctc") and per op kind ("linear (csr)", "attention", ...) summed over every forward since
    // resetProfile(), for `espalier-run bench`'s profile.
    const std::vector<ProfileEntry>& layerProfile() const { return layers_.entries(); }
    const std::vector<ProfileEntry>& opProfile() const { return ops_.entries(); }
    void resetProfile();
    // Bytes the last forward's matrix products moved: weights read (CSR: values, indices, row pointers),
    // activations read and written.
    long long bytesMoved() const { return lastBytes_; }

private:
    struct Linear {
        const EspmTensor* weight = nullptr;
        const float* bias = nullptr;
        int in = 0, out = 0;
    };
    Linear linear(const std::string& prefix, bool bias = true) const;
    // FormatError naming the tensor unless prefix.weight is out x in (and its bias out long).
    void expectLinear(const std::string& prefix, int out, int in, bool bias = true) const;
    const EspmTensor& tensor(const std::string& name, std::vector<int64_t> shape) const;
    // A tensor the graph reads as plain values (FormatError when it was stored CSR).
    const float* dense(const std::string& name, std::vector<int64_t> shape) const;
    Activations apply(const Linear& l, const Activations& x);
    Activations layerNorm(const std::string& prefix, const Activations& x);
    Activations feedForward(const std::string& prefix, const Activations& x, bool swish);
    Activations attention(int block, const Activations& x, const Activations& positions);
    Activations convolution(int block, const Activations& x);
    Activations subsample(const float* features, int frames);

    EspmModel model_;
    std::string source_;
    bool conformer_ = true;
    bool relative_ = true;
    bool macaron_ = true;
    int inputDim_ = 0, dim_ = 0, heads_ = 0, headDim_ = 0, blocks_ = 0, kernel_ = 0, vocab_ = 0;
    int channels_[2] = {0, 0};
    std::vector<int> blockHeads_;
    FbankOptions frontEnd_;
    std::unique_ptr<Fbank> fbank_;
    Profile layers_, ops_;
    long long bytes_ = 0, lastBytes_ = 0;
};

} // namespace espalier::runtime
