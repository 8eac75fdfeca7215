#pragma once
// Prepares padded feature batches on worker threads ahead of the training step: decode (resampled to
// the fbank rate), augmentation pipeline (seeded per utterance and epoch), fbank, padding. Batches
// come out in plan order whatever the threads' timing: worker k claims the next batch index and
// fills that slot, and the consumer waits for slot i. At most `prefetch` batches are held ahead.
#include "core/augment/pipeline.h"
#include "core/train/batch_plan.h"
#include "core/train/sample.h"

#include <torch/types.h>

#include <condition_variable>
#include <cstdint>
#include <exception>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace espalier::train {

struct Batch {
    long long index = 0;              // position in the epoch's plan
    std::vector<int> utterances;      // sample indices
    torch::Tensor features;           // [B, T, D] float32, zero-padded
    torch::Tensor featureLengths;     // [B] int64
    torch::Tensor targets;            // [B, U] int64 token ids, zero-padded (U >= 1)
    torch::Tensor targetLengths;      // [B] int64
    long long frames = 0;             // valid feature frames in the batch
};

class BatchLoader {
public:
    struct Options {
        int workers = 1;
        int prefetch = 4;
        std::uint64_t seed = 0;  // utterance i of epoch e runs the pipeline with utteranceSeed(deriveSeed(seed, e), i)
    };

    // The pipeline's own fbank options are used (set them to the training config's first). The samples
    // must outlive the loader.
    BatchLoader(const std::vector<Sample>& samples, augment::Pipeline pipeline, const Options& options);
    ~BatchLoader();
    BatchLoader(const BatchLoader&) = delete;
    BatchLoader& operator=(const BatchLoader&) = delete;

    // Starts preparing `batches` of epoch `epoch` from position `first` (stops a previous epoch first).
    void start(std::vector<BatchIndices> batches, long long epoch, size_t first = 0);
    // The next batch in plan order, or nullopt when the plan is exhausted. While waiting it calls
    // checkCancelled about every 100 ms (it may throw). Rethrows a worker's error for that batch.
    std::optional<Batch> next(const std::function<void()>& checkCancelled = {});
    // Stops and joins the workers (batches being prepared are dropped).
    void stop();

    // Builds one batch on the calling thread (what the workers run).
    Batch build(const BatchIndices& indices, long long epoch, long long index) const;

private:
    void work();

    const std::vector<Sample>& samples_;
    augment::Pipeline pipeline_;
    Options options_;

    std::mutex mutex_;
    std::condition_variable workCv_;
    std::condition_variable readyCv_;
    std::vector<BatchIndices> batches_;
    long long epoch_ = 0;
    size_t nextToClaim_ = 0;
    size_t nextToConsume_ = 0;
    bool stopping_ = false;
    std::map<size_t, Batch> ready_;
    std::map<size_t, std::exception_ptr> errors_;
    std::vector<std::thread> threads_;
};

} // namespace espalier::train
