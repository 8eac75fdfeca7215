#include "core/data/global_cmvn.h"

#include "core/audio/audio_file.h"
#include "core/data/manifest.h"
#include "core/io/atomic_file.h"

namespace espalier::data {

audio::CmvnStats computeGlobalCmvn(const std::string& manifestPath, const runtime::FbankOptions& options,
                                   job::JobContext& context)
{
    const UtteranceList utterances = loadManifest(manifestPath);
    runtime::Fbank fbank(options);
    audio::CmvnStats stats;
    long long done = 0;
    for (const Utterance& utt : utterances) {
        context.throwIfCancelled();
        const audio::Audio wav = audio::readAudio(utt.audioPath, options.sampleRate);
        const runtime::FeatureMatrix feats = fbank.compute(wav.samples);
        stats.accumulate(feats.data.data(), feats.frames, feats.bins);
        context.setStageFraction(double(++done) / double(utterances.size()));
    }
    context.info("accumulated " + std::to_string(stats.frames) + " frames from "
                 + std::to_string(utterances.size()) + " utterances");
    return stats;
}

std::vector<std::string> GlobalCmvnJob::cliCommand() const
{
    return {"espalier-cli", "cmvn", manifest_, "--out", out_, "--bins", std::to_string(fbank_.numMelBins)};
}

void GlobalCmvnJob::run(job::JobContext& context)
{
    context.beginStage("features", 0, 1);
    const audio::CmvnStats stats = computeGlobalCmvn(manifest_, fbank_, context);
    io::writeFileAtomic(out_, stats.toJson());
}

} // namespace espalier::data
