#include "core/train/calibration.h"

#include "core/model/model_config.h"
#include "core/runtime/error.h"
#include "core/train/batch_loader.h"

#include <algorithm>

namespace espalier::train {

std::vector<prune::CalibrationBatch> calibrationBatches(const std::vector<Sample>& samples, const runtime::FbankOptions& fbank,
                                                        int utterances, int batchSize)
{
    // Utterances long enough to give one output frame; in manifest order.
    std::vector<Sample> chosen;
    for (const Sample& s : samples) {
        if ((int)chosen.size() >= utterances)
            break;
        if (s.frames >= model::ModelConfig::kMinFrames)
            chosen.push_back(s);
    }
    if (chosen.empty())
        throw InputError("no calibration utterance: the set has none long enough for the model");
    augment::Pipeline plain;
    runtime::FbankOptions noDither = fbank;
    noDither.dither = 0.0f;
    plain.setFbankOptions(noDither);
    const BatchLoader loader(chosen, plain, {1, 1, 0});
    std::vector<prune::CalibrationBatch> out;
    for (size_t first = 0; first < chosen.size(); first += size_t(batchSize)) {
        BatchIndices indices;
        for (size_t i = first; i < std::min(chosen.size(), first + size_t(batchSize)); ++i)
            indices.push_back(int(i));
        const Batch b = loader.build(indices, 0, (long long)out.size());
        out.push_back({b.features, b.featureLengths, b.targets, b.targetLengths});
    }
    return out;
}

} // namespace espalier::train
