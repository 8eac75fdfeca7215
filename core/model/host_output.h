#pragma once
// A model's output copied to plain C++ memory, for torch-free consumers (CTC decoding in core/eval,
// reports, the GUI).
#include <cstddef>
#include <vector>

namespace espalier::model {

struct HostLogProbs {
    int batch = 0;
    int frames = 0;          // padded frames per utterance (T')
    int vocab = 0;
    std::vector<float> data; // [batch, frames, vocab] row-major float32 log-probabilities
    std::vector<int> lengths; // valid frames of each utterance

    // First row of utterance b (pass with lengths[b] and vocab to eval::LogProbs).
    const float* utterance(int b) const { return data.data() + std::size_t(b) * std::size_t(frames) * std::size_t(vocab); }
};

} // namespace espalier::model
