#include "core/train/batch_loader.h"

#include "core/audio/audio_file.h"
#include "core/model/model_config.h"
#include "core/runtime/error.h"
#include "core/runtime/random.h"

#include <torch/torch.h>

#include <algorithm>
#include <chrono>
#include <cstring>

namespace espalier::train {

BatchLoader::BatchLoader(const std::vector<Sample>& samples, augment::Pipeline pipeline, const Options& options)
    : samples_(samples), pipeline_(std::move(pipeline)), options_(options)
{
    options_.workers = std::max(1, options_.workers);
    options_.prefetch = std::max(1, options_.prefetch);
}

BatchLoader::~BatchLoader() { stop(); }

void BatchLoader::stop()
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        stopping_ = true;
    }
    workCv_.notify_all();
    for (std::thread& t : threads_)
        t.join();
    threads_.clear();
}

void BatchLoader::start(std::vector<BatchIndices> batches, long long epoch, size_t first)
{
    stop();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        batches_ = std::move(batches);
        epoch_ = epoch;
        nextToClaim_ = nextToConsume_ = std::min(first, batches_.size());
        ready_.clear();
        errors_.clear();
        stopping_ = false;
    }
    const int workers = std::min<int>(options_.workers, int(std::max<size_t>(1, batches_.size() - nextToClaim_)));
    for (int i = 0; i < workers; ++i)
        threads_.emplace_back([this] { work(); });
}

void BatchLoader::work()
{
    for (;;) {
        size_t index = 0;
        BatchIndices indices;
        long long epoch = 0;
        {
            std::unique_lock<std::mutex> lock(mutex_);
            workCv_.wait(lock, [&] {
                return stopping_ || nextToClaim_ >= batches_.size()
                       || nextToClaim_ < nextToConsume_ + size_t(options_.prefetch);
            });
            if (stopping_ || nextToClaim_ >= batches_.size())
                return;
            index = nextToClaim_++;
            indices = batches_[index];
            epoch = epoch_;
        }
        std::optional<Batch> batch;
        std::exception_ptr error;
        try {
            batch = build(indices, epoch, (long long)index);
        } catch (...) {
            error = std::current_exception();
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (error)
                errors_[index] = error;
            else
                ready_[index] = std::move(*batch);
        }
        readyCv_.notify_all();
    }
}

std::optional<Batch> BatchLoader::next(const std::function<void()>& checkCancelled)
{
    std::unique_lock<std::mutex> lock(mutex_);
    if (nextToConsume_ >= batches_.size())
        return std::nullopt;
    const size_t index = nextToConsume_;
    for (;;) {
        if (auto e = errors_.find(index); e != errors_.end()) {
            std::exception_ptr error = e->second;
            errors_.erase(e);
            std::rethrow_exception(error);
        }
        if (auto r = ready_.find(index); r != ready_.end()) {
            Batch batch = std::move(r->second);
            ready_.erase(r);
            ++nextToConsume_;
            lock.unlock();
            workCv_.notify_all();
            return batch;
        }
        readyCv_.wait_for(lock, std::chrono::milliseconds(100));
        if (checkCancelled) {
            lock.unlock();
            checkCancelled();
            lock.lock();
        }
    }
}

Batch BatchLoader::build(const BatchIndices& indices, long long epoch, long long index) const
{
    const runtime::FbankOptions& fbank = pipeline_.fbankOptions();
    const std::uint64_t epochSeed = runtime::deriveSeed(options_.seed, std::uint64_t(epoch));
    std::vector<runtime::FeatureMatrix> features;
    features.reserve(indices.size());
    int longest = 0;
    size_t longestTarget = 1;
    for (int i : indices) {
        const Sample& s = samples_.at(size_t(i));
        augment::Signal signal;
        const audio::Audio decoded = audio::readAudio(s.audioPath, fbank.sampleRate);
        signal.samples = decoded.samples;
        signal.sampleRate = decoded.sampleRate;
        runtime::FeatureMatrix f;
        try {
            f = pipeline_.run(signal, augment::Pipeline::utteranceSeed(epochSeed, std::uint64_t(i))).output.features;
        } catch (const Error& e) {
            throw InputError("utterance " + s.key + " (" + s.audioPath + "): " + e.what());
        }
        longest = std::max(longest, f.frames);
        longestTarget = std::max(longestTarget, s.tokens.size());
        features.push_back(std::move(f));
    }
    const int bins = fbank.numMelBins;
    const long long b = (long long)indices.size();
    // Never shorter than the subsampling's minimum, so a batch of very short utterances still runs
    // (their lengths stay as they are: they yield no output frames).
    longest = std::max(longest, model::ModelConfig::kMinFrames);
    Batch batch;
    batch.index = index;
    batch.utterances = indices;
    batch.features = torch::zeros({b, longest, bins}, torch::kFloat32);
    batch.featureLengths = torch::empty({b}, torch::kInt64);
    batch.targets = torch::zeros({b, (long long)longestTarget}, torch::kInt64);
    batch.targetLengths = torch::empty({b}, torch::kInt64);
    float* dst = batch.features.data_ptr<float>();
    auto lengths = batch.featureLengths.accessor<int64_t, 1>();
    auto targets = batch.targets.accessor<int64_t, 2>();
    auto targetLengths = batch.targetLengths.accessor<int64_t, 1>();
    for (long long k = 0; k < b; ++k) {
        const runtime::FeatureMatrix& f = features[size_t(k)];
        if (f.frames > 0 && f.bins != bins)
            throw InputError("features have " + std::to_string(f.bins) + " bins, expected " + std::to_string(bins));
        std::memcpy(dst + k * longest * bins, f.data.data(), sizeof(float) * f.data.size());
        lengths[k] = f.frames;
        batch.frames += f.frames;
        const std::vector<int>& tokens = samples_[size_t(indices[size_t(k)])].tokens;
        for (size_t t = 0; t < tokens.size(); ++t)
            targets[k][long(t)] = tokens[t];
        targetLengths[k] = (int64_t)tokens.size();
    }
    return batch;
}

} // namespace espalier::train
