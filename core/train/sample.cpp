#include "core/train/sample.h"

#include "core/audio/audio_file.h"
#include "core/data/manifest.h"
#include "core/runtime/error.h"

#include <cmath>

namespace espalier::train {

SampleSet loadSamples(const std::string& manifest, const runtime::FbankOptions& fbank, const data::CharTokenizer* tokenizer)
{
    const data::ManifestReadResult read = data::readManifest(manifest);
    SampleSet set;
    for (const auto& issue : read.issues)
        set.warnings.push_back(issue.toString());
    runtime::FbankOptions plain = fbank;
    plain.dither = 0.0f;
    runtime::Fbank frames(plain);
    for (const data::Utterance& u : read.utterances) {
        Sample s;
        s.key = u.key;
        s.audioPath = u.audioPath;
        s.text = u.text;
        double duration = u.duration;
        if (duration <= 0.0) {
            try {
                duration = audio::probeAudio(u.audioPath).duration();
            } catch (const Error& e) {
                set.warnings.push_back(std::string(e.what()) + " (utterance " + u.key + " skipped)");
                continue;
            }
        }
        s.frames = frames.numFrames(std::int64_t(std::llround(duration * plain.sampleRate)));
        if (tokenizer)
            s.tokens = tokenizer->encode(u.text);
        set.samples.push_back(std::move(s));
    }
    if (set.samples.empty())
        throw InputError(manifest + ": no usable utterances"
                         + (set.warnings.empty() ? std::string() : " (first problem: " + set.warnings.front() + ")"));
    return set;
}

} // namespace espalier::train
