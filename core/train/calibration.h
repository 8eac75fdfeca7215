#pragma once
// Calibration utterances for structured and layer pruning: the first N utterances of a sample set as
// padded fbank batches (no augmentation, no dither), with their token targets for losses.
#include "core/prune/channels.h"
#include "core/train/sample.h"

#include <vector>

namespace espalier::train {

std::vector<prune::CalibrationBatch> calibrationBatches(const std::vector<Sample>& samples, const runtime::FbankOptions& fbank,
                                                        int utterances, int batchSize = 8);

} // namespace espalier::train
