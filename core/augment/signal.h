#pragma once
// What flows through an augmentation pipeline: a waveform and, once a feature-domain op has run
// (or the pipeline has finished), its fbank features.
#include "core/runtime/fbank.h"

#include <vector>

namespace espalier::augment {

struct Signal {
    std::vector<float> samples;  // mono, [-1, 1]
    int sampleRate = 16000;
    runtime::FeatureMatrix features;  // frames x bins; empty until computed
    bool hasFeatures() const { return features.frames > 0 && features.bins > 0; }
    double duration() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
};

} // namespace espalier::augment
