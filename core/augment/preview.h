#pragma once
// What a pipeline does to one utterance, as the Augment page shows it and `espalier-cli augment
// preview` writes it: the source's fbank before, the augmented signal with its fbank after, and
// each op's draw. One function for both, so the picture and the command agree.
#include "core/augment/applied_op.h"
#include "core/augment/pipeline.h"
#include "core/augment/signal.h"

#include <cstdint>
#include <map>
#include <vector>

namespace espalier::augment {

struct AugmentPreview {
    runtime::FeatureMatrix before;  // the source's fbank at the pipeline's sample rate
    PipelineResult result;          // result.output always has its features
    double frameShiftSeconds = 0.01;

    // The masks of the ops that were applied, in order.
    std::vector<MaskRegion> masks() const;
};

// Runs pipeline on source (resampled to the pipeline's rate first when it was read at another);
// locks re-apply recorded draws instead of drawing (Pipeline::run).
AugmentPreview previewPipeline(const Pipeline& pipeline, const Signal& source, std::uint64_t seed,
                               const std::map<size_t, AppliedOp>& locks = {});

} // namespace espalier::augment
