#pragma once
// Length-bucketed dynamic batching as WeNet does it (shuffle, sort within a window, cut by padded
// frames, shuffle the batches), as a pure function of the seed and the epoch so a resumed run sees
// the same batches in the same order. Torch-free.
#include "core/train/train_config.h"

#include <cstdint>
#include <vector>

namespace espalier::train {

// One batch: indices into the utterance list, shortest first.
using BatchIndices = std::vector<int>;

// The batches of epoch `epoch`. frames[i] is utterance i's fbank frame count (an estimate is fine);
// utterances with frames[i] <= 0 are left out. A single utterance longer than maxFrames gets a batch of
// its own. Every other utterance appears exactly once.
std::vector<BatchIndices> planEpoch(const std::vector<int>& frames, const BatchConfig& batch, std::uint64_t seed,
                                    long long epoch);

// Batches for evaluation: every utterance with frames > 0 in length order (no shuffling), cut by the
// same limits, so padding is small.
std::vector<BatchIndices> planInOrder(const std::vector<int>& frames, const BatchConfig& batch);

} // namespace espalier::train
