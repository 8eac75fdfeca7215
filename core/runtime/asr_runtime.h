#pragma once
// The runtime's CTC encoder: executes an .espm model's graph (the reference Conformer / Transformer op
// set — global CMVN, conv2d subsampling, linear layers dense through Eigen or CSR through spmm, layer
// norm, relative or absolute multi-head attention, the conformer convolution module, Swish/ReLU/GLU,
// log-softmax) on one utterance's fbank features, and decodes greedily. No LibTorch: this is what runs
// on the device. Activations are held feature-major (Eigen column-major T × D), the layout spmm takes.
#include "runtime/espm.h"

#include <Eigen/Dense>

#include <chrono>
#include <map>
#include <string>
#include <vector>

namespace espalier::runtime {

using Activations = Eigen::Matrix<float, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor>;  // T × D

class AsrRuntime {
public:
    // Builds the graph from META and checks every tensor it needs is present with the right shape.
    // Throws FormatError naming what is missing or mis-shaped.
    explicit AsrRuntime(EspmModel model, std::string sourceName = "model");

    int inputDim() const { return inputDim_; }
    const EspmModel& model() const { return model_; }

    // features: frames × inputDim row-major fbank (before CMVN). Returns T' × vocab log-probabilities
    // (T' = ((frames - 1) / 2 - 1) / 2). InputError for a wrong bin count or too few frames.
    Activations logProbs(const float* features, int frames);
    // Greedy CTC: argmax per frame, repeats merged, blanks (id 0) dropped, as units joined.
    std::string greedyText(const Activations& logProbs) const;

    // Time per op kind over every forward so far (for `espalier-run bench`'s profile), in microseconds.
    const std::map<std::string, double>& profile() const { return profileUs_; }
    void resetProfile() { profileUs_.clear(); }

private:
    struct Linear {
        const EspmTensor* weight = nullptr;
        const float* bias = nullptr;
        int in = 0, out = 0;
    };
    Linear linear(const std::string& prefix, bool bias = true) const;
    const EspmTensor& tensor(const std::string& name, std::vector<int64_t> shape) const;
    // A tensor the graph reads as plain values (FormatError when it was stored CSR).
    const float* dense(const std::string& name, std::vector<int64_t> shape) const;
    Activations apply(const Linear& l, const Activations& x);
    Activations layerNorm(const std::string& prefix, const Activations& x) const;
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
    std::map<std::string, double> profileUs_;
};

} // namespace espalier::runtime
