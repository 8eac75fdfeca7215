#pragma once
// The utterances a trainer or evaluator reads: manifest entries with their token ids and an estimate
// of their fbank length (for length bucketing). Torch-free.
#include "core/data/tokenizer.h"
#include "core/runtime/fbank.h"

#include <string>
#include <vector>

namespace espalier::train {

struct Sample {
    std::string key;
    std::string audioPath;
    std::string text;
    std::vector<int> tokens;  // the transcript's ids (empty when no tokenizer was given)
    int frames = 0;           // estimated fbank frames (from the manifest's duration or the audio header)
};

struct SampleSet {
    std::vector<Sample> samples;
    std::vector<std::string> warnings;  // manifest lines skipped, unreadable headers
};

// Reads a manifest leniently (bad lines become warnings), tokenises transcripts when a tokenizer is
// given and estimates frame counts for `fbank`. Throws IoError when the manifest cannot be read and
// InputError when it has no usable utterance.
SampleSet loadSamples(const std::string& manifest, const runtime::FbankOptions& fbank,
                      const data::CharTokenizer* tokenizer = nullptr);

} // namespace espalier::train
