#pragma once
// The inputs a device benchmark times each model on: random features of a given length (the encoder
// alone, as `espalier-run bench --frames`), or a few real utterances of a test set, end to end — the
// seed's per-scenario latency table (Mandarin, dialect, noisy) comes from the latter.
#include "deploy/bench_result.h"

#include <string>

namespace espalier::deploy {

BenchInput featuresInput(int frames);  // named "<frames> frames"

// `count` utterances of a corpus split (a folder or manifest any corpus reader takes), spread over its
// durations (the shortest, the longest and evenly between), decoded and resampled to `sampleRate` and
// written as 16-bit WAV under cacheDir (the runner reads WAV only). The input is named after the
// split's folder ("test_clean"), the name its CER has in run records. InputError for an empty split.
BenchInput testSetInput(const std::string& split, int count, int sampleRate, const std::string& cacheDir);

} // namespace espalier::deploy
