#pragma once
// A bounded, thread-safe LRU cache of decoded audio files (noise, babble talkers, impulse
// responses), resampled to the rate asked for, so training workers decode each file once.
#include "core/audio/audio_file.h"

#include <cstddef>
#include <list>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace espalier::augment {

class AudioCache {
public:
    using Samples = std::shared_ptr<const std::vector<float>>;

    explicit AudioCache(size_t maxBytes = size_t(256) << 20) : maxBytes_(maxBytes) {}

    // The decoded mono samples of path at sampleRate; decodes (outside the lock) on a miss.
    // Throws what audio::readAudio throws.
    Samples get(const std::string& path, int sampleRate)
    {
        const Key key{path, sampleRate};
        {
            std::lock_guard<std::mutex> lock(mutex_);
            const auto it = index_.find(key);
            if (it != index_.end()) {
                order_.splice(order_.begin(), order_, it->second);
                return it->second->second;
            }
        }
        auto samples = std::make_shared<const std::vector<float>>(audio::readAudio(path, sampleRate).samples);
        std::lock_guard<std::mutex> lock(mutex_);
        if (const auto it = index_.find(key); it != index_.end()) return it->second->second;  // raced
        order_.emplace_front(key, samples);
        index_[key] = order_.begin();
        bytes_ += bytesOf(samples);
        while (bytes_ > maxBytes_ && order_.size() > 1) {
            bytes_ -= bytesOf(order_.back().second);
            index_.erase(order_.back().first);
            order_.pop_back();
        }
        return samples;
    }

    size_t bytes() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return bytes_;
    }

private:
    using Key = std::pair<std::string, int>;
    static size_t bytesOf(const Samples& s) { return s->size() * sizeof(float); }
    const size_t maxBytes_;
    mutable std::mutex mutex_;
    std::list<std::pair<Key, Samples>> order_;  // most recently used first
    std::map<Key, std::list<std::pair<Key, Samples>>::iterator> index_;
    size_t bytes_ = 0;
};

} // namespace espalier::augment
