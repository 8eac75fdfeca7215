#pragma once
// Decodes a set of utterances with a model and scores the hypotheses (CER as compute-cer): dev CER
// during training, test sets after it, and espalier-cli eval.
#include "core/data/tokenizer.h"
#include "core/eval/cer.h"
#include "core/job/job.h"
#include "core/model/asr_model.h"
#include "core/train/sample.h"
#include "core/train/train_config.h"

#include <vector>

namespace espalier::train {

struct EvalOptions {
    int beam = 1;               // 1: CTC greedy; > 1: prefix beam search with this width
    int maxUtterances = 0;      // the first N samples only; 0 = all
    BatchConfig batch;          // padded frames per forward pass (only maxFrames / maxUtterances matter)
    int workers = 1;            // feature threads
    Precision precision = Precision::Fp32;  // bf16 runs the forward pass under CPU autocast
    bool reportProgress = true; // advance the context's current stage (units: utterances)
};

// Decodes and scores the samples (no augmentation, no dither), in manifest order in the result.
// The model is put in eval mode and restored to its previous mode afterwards. Reports progress in
// the current stage of `context` when asked and stops with CancelledError when it is cancelled.
eval::CerAccumulator evaluateSamples(model::AsrModel& model, const data::CharTokenizer& tokenizer,
                                     const std::vector<Sample>& samples, const runtime::FbankOptions& fbank,
                                     const EvalOptions& options, job::JobContext* context = nullptr);

} // namespace espalier::train
