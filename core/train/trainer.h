#pragma once
// The training loop behind TrainJob: AdamW with a warm-up schedule, CTC loss in float32, gradient
// accumulation and clipping, fp32 / bf16 autocast (CPU) / fp16 autocast with loss scaling (CUDA),
// dev CER, checkpoints every N steps and on cancel, metrics.jsonl. Step hooks run after each
// optimiser step (pruning re-applies its masks there).
#include "core/audio/cmvn.h"
#include "core/data/tokenizer.h"
#include "core/job/job.h"
#include "core/model/asr_model.h"
#include "core/prune/gradual_pruning.h"
#include "core/prune/recipe_formats.h"
#include "core/train/batch_loader.h"
#include "core/train/checkpoint.h"
#include "core/train/loss_scaler.h"
#include "core/train/metrics_log.h"
#include "core/train/sample.h"
#include "core/train/train_config.h"

#include <torch/optim/adamw.h>

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {

// One optimiser step as measured (the rows of metrics.jsonl are averages over log_every of these).
struct StepMetrics {
    long long step = 0;            // 1-based count of optimiser steps, this one included
    long long epoch = 0;
    double loss = 0.0;             // CTC loss per utterance (mean over the accumulated batches)
    double lr = 0.0;
    double scale = 1.0;            // loss scale used
    bool skipped = false;          // inf/nan gradients: the update was not applied
    double gradNorm = 0.0;         // before clipping (NaN when skipped)
    long long utterances = 0;
    long long frames = 0;
    double seconds = 0.0;          // wall time of the step, data waiting included
};

// What a step hook sees: called after every optimiser step (taken or skipped).
struct StepHookContext {
    model::AsrModel& model;
    long long step;
    bool skipped;
    MaskMap& masks;  // saved in checkpoints
};
using StepHook = std::function<void(StepHookContext&)>;

class Trainer {
public:
    // The run folder receives units.txt, metrics.jsonl, log and checkpoints/.
    Trainer(TrainConfig config, std::string runDir);
    ~Trainer();
    Trainer(const Trainer&) = delete;
    Trainer& operator=(const Trainer&) = delete;

    // Reads the data, builds (or with resume, restores from the newest checkpoint) the vocabulary, CMVN,
    // model, optimiser and scaler. Throws InputError for unusable data, FormatError for a bad checkpoint.
    void prepare(job::JobContext& context, bool resume);

    // Trains until the planned steps (or epochs) are done or `stopAfterStep` (> 0) steps are reached,
    // then evaluates on dev and checkpoints. Returns true when the plan is complete. On cancel it writes
    // a checkpoint of the last finished step and rethrows CancelledError.
    bool train(job::JobContext& context, long long stopAfterStep = 0);

    void addStepHook(StepHook hook) { hooks_.push_back(std::move(hook)); }

    // The pieces of one step, for benchmarks and tests: forward + backward of one batch (loss scaled
    // and divided by the accumulation count) returning the per-utterance loss; then the optimiser step
    // (unscale, inf/nan check, clip, AdamW at the scheduled rate, scaler update, hooks).
    double forwardBackward(const Batch& batch);
    StepMetrics optimizerStep();

    // Writes a checkpoint of the current step now (what train() does every checkpoint_every steps).
    std::string checkpoint(std::optional<double> devCer = std::nullopt);
    // Dev CER (fraction) on the first eval_max_utterances dev utterances; nullopt without a dev set.
    std::optional<double> evaluateDev(job::JobContext& context);

    const TrainConfig& config() const { return config_; }
    model::AsrModel& model() { return *model_; }
    const data::CharTokenizer& tokenizer() const { return tokenizer_; }
    const LossScaler& scaler() const { return scaler_; }
    const std::vector<Sample>& trainSamples() const { return train_.samples; }
    long long step() const { return step_; }
    // Optimiser steps the run is planned for (from steps, or epochs x batches per epoch / accumulation).
    long long totalSteps() const { return totalSteps_; }
    std::optional<double> bestDevCer() const { return bestDevCer_; }
    std::string bestCheckpoint() const;  // best.pt when a dev CER was recorded, else the latest step checkpoint
    std::string latestCheckpoint() const { return store_.latest(); }
    // Every step this Trainer object ran (not the steps before a resume).
    const std::vector<StepMetrics>& history() const { return history_; }
    // A batch of the training set built on the calling thread (epoch 0 augmentation draws).
    Batch makeBatch(const BatchIndices& indices) const;

private:
    void log(job::JobContext& context, job::LogLevel level, const std::string& line);
    void writeMetrics(job::JobContext& context, const std::vector<StepMetrics>& interval,
                      std::optional<double> devCer);
    CheckpointMeta meta(std::optional<double> devCer) const;
    augment::Pipeline trainingPipeline() const;
    std::vector<int> trainFrames() const;
    audio::CmvnStats trainCmvn(job::JobContext& context) const;
    static double maskedSparsity(const MaskMap& masks);

    TrainConfig config_;
    std::string runDir_;
    torch::Device device_{torch::kCPU};
    data::CharTokenizer tokenizer_;
    SampleSet train_;
    SampleSet dev_;
    std::vector<int> usableFrames_;  // per train sample; 0 = skipped (too long or too short for its text)
    std::unique_ptr<model::AsrModel> model_;
    std::unique_ptr<torch::optim::AdamW> optimizer_;
    LossScaler scaler_;
    CheckpointStore store_;
    std::unique_ptr<MetricsLog> metrics_;
    std::unique_ptr<prune::GradualPruning> pruning_;  // when the config names a recipe
    std::vector<StepHook> hooks_;
    MaskMap masks_;
    MaskMap prunerState_;  // read from the checkpoint resumed, handed to the pruner
    std::vector<StepMetrics> history_;

    long long step_ = 0;
    long long epoch_ = 0;          // epoch of the next batch
    long long batchInEpoch_ = 0;   // batches of that epoch consumed
    long long utterancesSeen_ = 0;
    long long totalSteps_ = 0;
    std::optional<double> bestDevCer_;
    std::optional<double> resumedDevCer_;  // the dev CER stored with the checkpoint resumed from, at its step
    long long bestStep_ = -1;
    torch::Tensor rngAtStep_;      // CPU generator state after the last finished step
    long long lastCheckpointStep_ = -1;

    // Accumulation state of the step in progress.
    double pendingLoss_ = 0.0;
    int pendingBatches_ = 0;
    long long pendingUtterances_ = 0;
    long long pendingFrames_ = 0;
};

} // namespace espalier::train
