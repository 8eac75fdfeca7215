#pragma once
// The inputs a device benchmark times each model on: random features of a given length (the encoder
// alone, as `espalier-run bench --frames`), or a few real utterances of a test set, end to end — the
// seed's per-scenario latency table (Mandarin, dialect, noisy) comes from the latter.
#include "core/deploy/bench_result.h"

#include <string>

namespace espalier::deploy {

BenchInput featuresInput(int frames);  // named "<frames> frames"

// `count` utterances of a corpus split (a folder or manifest any corpus reader takes), picked when the
// benchmark runs (resolveTestSet). Named after the split's folder ("test_clean"), the name its CER has
// in run records, unless a name is given. InputError for a count outside 1..1000.
BenchInput testSetInput(const std::string& split, int count, const std::string& name = {});

// Picks the input's utterances — spread over the split's durations: the shortest, the longest and
// evenly between — decodes and resamples them to sampleRate and writes them as 16-bit WAV under
// cacheDir (the runner reads WAV only), filling input.wavs. InputError for an empty split.
void resolveTestSet(BenchInput& input, int sampleRate, const std::string& cacheDir);

} // namespace espalier::deploy
