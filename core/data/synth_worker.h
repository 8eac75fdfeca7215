#pragma once
// espeak-ng in forked worker processes, for reproducible corpus synthesis.
//
// espeak-ng keeps its state in process globals and carries some of it from one utterance to the
// next (pitch flutter, gain control), so its output depends on everything the process synthesised
// before. Each worker here is a child made with fork() that starts espeak-ng itself and speaks a
// fixed share of the items in a fixed order; the samples are therefore the same on every run,
// provided that the calling process has not started espeak-ng itself before the fork (a child
// inherits the parent's memory, espeak-ng's state included; see SpeechSynth::engineStarted()).
// The child runs nothing but espeak-ng (no threads, no Qt, no resampling) and ends with _exit().
#include "core/data/speech_synth.h"

#include <cstddef>
#include <functional>
#include <string>
#include <vector>

namespace espalier::data {

// One text to speak with one voice.
struct SpeechRequest {
    std::string text;
    VoiceSettings voice;
};

// What espeak-ng reports about itself when started in a worker.
struct EspeakInfo {
    std::string version;                // e.g. "1.51"
    std::string dataPath;               // the espeak-ng-data folder it loaded
    int nativeRate = 0;                 // its output rate (22050 Hz)
    std::vector<std::string> variants;  // installed voice variants, sorted
};

// Called at least every 200 ms while workers run; throws (CancelledError) to stop them.
using CancelCheck = std::function<void()>;

// Starts espeak-ng in a worker process, checks that each language is installed and reports on it.
// Throws InputError naming a missing language, IoError when espeak-ng or its data cannot be loaded.
// The calling process's espeak-ng is not touched.
EspeakInfo probeEspeak(const std::vector<std::string>& languages, const CancelCheck& checkCancelled = {});

// Receives item `index`: espeak-ng's native output (in [-1, 1), at EspeakInfo::nativeRate) for each
// of the item's requests, in order.
using SpeechSink = std::function<void(size_t index, std::vector<std::vector<float>>&& native)>;

// Synthesises every item in `lanes` worker processes: lane k speaks items k, k + lanes, k + 2 lanes,
// ... in that order, so the result does not depend on timing (but does on `lanes`). Calls sink on
// the calling thread as items arrive (in no fixed order across lanes). On an error in a worker (a
// bad voice: InputError with the worker's message; a worker that dies: Error naming its exit code
// or signal), an exception from sink or checkCancelled, every worker is killed (SIGKILL) and reaped
// before the exception propagates.
void synthesizeInWorkers(const std::vector<std::vector<SpeechRequest>>& items, int lanes, const SpeechSink& sink,
                         const CancelCheck& checkCancelled = {});

} // namespace espalier::data
