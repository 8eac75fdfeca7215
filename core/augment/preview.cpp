#include "core/augment/preview.h"

#include "core/audio/resample.h"
#include "core/runtime/fbank.h"

namespace espalier::augment {

std::vector<MaskRegion> AugmentPreview::masks() const
{
    std::vector<MaskRegion> out;
    for (const AppliedOp& op : result.applied)
        if (op.applied)
            out.insert(out.end(), op.masks.begin(), op.masks.end());
    return out;
}

AugmentPreview previewPipeline(const Pipeline& pipeline, const Signal& source, std::uint64_t seed,
                               const std::map<size_t, AppliedOp>& locks)
{
    const runtime::FbankOptions& options = pipeline.fbankOptions();
    AugmentPreview preview;
    preview.frameShiftSeconds = options.frameShiftMs / 1000.0;
    runtime::Fbank fbank(options);
    preview.before = source.sampleRate == options.sampleRate
                         ? fbank.compute(source.samples)
                         : fbank.compute(audio::resample(source.samples, source.sampleRate, options.sampleRate));
    preview.result = pipeline.run(source, seed, locks);  // resamples to the pipeline's rate itself
    if (!preview.result.output.hasFeatures())
        preview.result.output.features = fbank.compute(preview.result.output.samples);
    return preview;
}

} // namespace espalier::augment
