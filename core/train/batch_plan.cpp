#include "core/train/batch_plan.h"

#include "core/runtime/random.h"

#include <algorithm>
#include <numeric>

namespace espalier::train {

namespace {

constexpr std::uint64_t kOrderStream = 0x6f72646572000000ULL;   // "order"
constexpr std::uint64_t kBucketStream = 0x6275636b65740000ULL;  // "bucket"

template <typename T>
void shuffle(std::vector<T>& items, runtime::SeededRandom& random)
{
    for (size_t i = items.size(); i > 1; --i)
        std::swap(items[i - 1], items[size_t(random.below(i))]);
}

// Cuts a length-sorted run of utterances into batches within the limits.
void cut(const std::vector<int>& sorted, const std::vector<int>& frames, const BatchConfig& batch,
         std::vector<BatchIndices>& out)
{
    BatchIndices current;
    int longest = 0;
    for (int index : sorted) {
        const int f = frames[size_t(index)];
        const int newLongest = std::max(longest, f);
        const bool tooMany = batch.maxUtterances > 0 && int(current.size()) >= batch.maxUtterances;
        const bool tooLong = (long long)newLongest * (long long)(current.size() + 1) > batch.maxFrames;
        if (!current.empty() && (tooMany || tooLong)) {
            out.push_back(std::move(current));
            current.clear();
            longest = 0;
        }
        current.push_back(index);
        longest = std::max(longest, f);
    }
    if (!current.empty())
        out.push_back(std::move(current));
}

std::vector<int> usable(const std::vector<int>& frames)
{
    std::vector<int> out;
    for (size_t i = 0; i < frames.size(); ++i)
        if (frames[i] > 0)
            out.push_back(int(i));
    return out;
}

} // namespace

std::vector<BatchIndices> planEpoch(const std::vector<int>& frames, const BatchConfig& batch, std::uint64_t seed,
                                    long long epoch)
{
    const std::uint64_t epochSeed = runtime::deriveSeed(seed, std::uint64_t(epoch));
    std::vector<int> order = usable(frames);
    runtime::SeededRandom orderRandom(runtime::deriveSeed(epochSeed, kOrderStream));
    shuffle(order, orderRandom);

    std::vector<BatchIndices> batches;
    const size_t window = size_t(std::max(1, batch.sortWindow));
    for (size_t start = 0; start < order.size(); start += window) {
        std::vector<int> chunk(order.begin() + long(start), order.begin() + long(std::min(order.size(), start + window)));
        std::stable_sort(chunk.begin(), chunk.end(),
                         [&](int a, int b) { return frames[size_t(a)] < frames[size_t(b)]; });
        cut(chunk, frames, batch, batches);
    }
    runtime::SeededRandom bucketRandom(runtime::deriveSeed(epochSeed, kBucketStream));
    shuffle(batches, bucketRandom);
    return batches;
}

std::vector<BatchIndices> planInOrder(const std::vector<int>& frames, const BatchConfig& batch)
{
    std::vector<int> order = usable(frames);
    std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return frames[size_t(a)] < frames[size_t(b)]; });
    std::vector<BatchIndices> batches;
    cut(order, frames, batch, batches);
    return batches;
}

} // namespace espalier::train
