#include "core/train/trainer.h"

#include "core/audio/cmvn.h"
#include "core/io/atomic_file.h"
#include "core/model/autocast.h"
#include "core/model/torch_error.h"
#include "core/model/torch_setup.h"
#include "core/runtime/error.h"
#include "core/train/calibration.h"
#include "core/train/evaluator.h"

#include <nlohmann/json.hpp>
#include <torch/torch.h>

#include <chrono>
#include <cmath>
#include <filesystem>
#include <sstream>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

using Clock = std::chrono::steady_clock;

double secondsSince(Clock::time_point start)
{
    return std::chrono::duration<double>(Clock::now() - start).count();
}

bool contains(const std::vector<std::string>& names, const char* name)
{
    return std::find(names.begin(), names.end(), name) != names.end();
}

std::string percent(double fraction)
{
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f %%", 100.0 * fraction);
    return buf;
}

} // namespace

Trainer::Trainer(TrainConfig config, std::string runDir)
    : config_(std::move(config)), runDir_(std::move(runDir)),
      scaler_(config_.scaler, config_.precision == Precision::Fp16),
      store_((fs::path(runDir_) / "checkpoints").string(), config_.keepLast)
{
}

Trainer::~Trainer() = default;

void Trainer::log(job::JobContext& context, job::LogLevel level, const std::string& line)
{
    appendRunLog((fs::path(runDir_) / "log").string(), job::logLevelNames().name(level), line);
    context.log(level, line);
}

augment::Pipeline Trainer::trainingPipeline() const
{
    augment::Pipeline pipeline;
    if (!config_.augment.file.empty())
        pipeline = augment::Pipeline::load(config_.augment.file);
    else if (config_.augment.preset != "none")
        pipeline = augment::Pipeline::preset(config_.augment.preset);
    pipeline.setFbankOptions(config_.features.fbank);
    return pipeline;
}

Batch Trainer::makeBatch(const BatchIndices& indices) const
{
    BatchLoader loader(train_.samples, trainingPipeline(), {1, 1, config_.seed});
    return loader.build(indices, 0, 0);
}

void Trainer::prepare(job::JobContext& context, bool resume)
{
    fs::create_directories(runDir_);
    model::configureTorchThreads(config_.threads);
    config_.validate();
    if (config_.device == DeviceKind::Cuda && !model::cudaAvailable())
        throw InputError("device: cuda, but no CUDA device is available to this LibTorch build; use device: cpu"
                         + std::string(config_.precision == Precision::Fp16 ? " and precision: bf16 or fp32" : ""));
    device_ = config_.device == DeviceKind::Cuda ? torch::Device(torch::kCUDA) : torch::Device(torch::kCPU);
    const std::string unitsPath = (fs::path(runDir_) / "units.txt").string();

    std::string checkpointPath;
    CheckpointMeta resumeMeta;
    if (resume) {
        checkpointPath = store_.latest();
        if (checkpointPath.empty())
            throw InputError(runDir_ + ": nothing to resume (no checkpoint in " + store_.dir() + ")");
        resumeMeta = readCheckpointMeta(checkpointPath);
        tokenizer_ = data::CharTokenizer::load(unitsPath);
    } else if (!config_.model.init.empty()) {
        // The starting checkpoint's vocabulary: its output layer is indexed by it.
        tokenizer_ = checkpointTokenizer(readCheckpointMeta(config_.model.init), config_.model.init);
        tokenizer_.save(unitsPath);
    } else if (!config_.data.units.empty()) {
        tokenizer_ = data::CharTokenizer::load(config_.data.units);
        tokenizer_.save(unitsPath);
    }

    // Training data (the vocabulary is built from its transcripts when none was given).
    const bool buildVocabulary = !resume && config_.model.init.empty() && config_.data.units.empty();
    train_ = loadSamples(config_.data.train, config_.features.fbank, buildVocabulary ? nullptr : &tokenizer_);
    if (buildVocabulary) {
        std::vector<std::string> texts;
        for (const Sample& s : train_.samples)
            texts.push_back(s.text);
        tokenizer_ = data::CharTokenizer::fromTexts(texts);
        tokenizer_.save(unitsPath);
        for (Sample& s : train_.samples)
            s.tokens = tokenizer_.encode(s.text);
    }
    for (size_t i = 0; i < train_.warnings.size() && i < 5; ++i)
        log(context, job::LogLevel::Warning, "train: " + train_.warnings[i]);
    if (train_.warnings.size() > 5)
        log(context, job::LogLevel::Warning,
            "train: " + std::to_string(train_.warnings.size() - 5) + " more manifest problems");

    usableFrames_ = trainFrames();
    const long long usable = std::count_if(usableFrames_.begin(), usableFrames_.end(), [](int f) { return f > 0; });
    if (usable == 0)
        throw InputError(config_.data.train + ": no training utterance is usable (each must be at most batch.max_duration "
                         "long and long enough for its transcript after 4x subsampling)");
    if (usable < (long long)train_.samples.size())
        log(context, job::LogLevel::Warning,
            std::to_string(train_.samples.size() - size_t(usable))
                + " training utterances skipped (longer than batch.max_duration, or too short for their transcript)");
    if (!config_.data.dev.empty())
        dev_ = loadSamples(config_.data.dev, config_.features.fbank, &tokenizer_);

    // Model.
    if (resume) {
        model_ = !resumeMeta.modelConfigYaml.empty()
                     ? model::createModel(model::ModelConfig::fromYaml(resumeMeta.modelConfigYaml, checkpointPath))
                     : model::loadTorchScriptModel(resumeMeta.torchScriptPath);
    } else if (!config_.model.torchScript.empty()) {
        torch::manual_seed(config_.seed);
        model_ = model::loadTorchScriptModel(config_.model.torchScript);
    } else if (!config_.model.init.empty()) {
        model_ = loadModelFromCheckpoint(config_.model.init);
        masks_ = loadCheckpoint(config_.model.init, *model_, nullptr).masks;  // pruned weights stay pruned
        torch::manual_seed(config_.seed);  // loading restored the checkpoint's generator
        if (model_->inputDim() != config_.features.fbank.numMelBins)
            throw InputError(config_.model.init + ": the model reads " + std::to_string(model_->inputDim())
                             + " fbank bins but features.num_mel_bins is " + std::to_string(config_.features.fbank.numMelBins));
        log(context, job::LogLevel::Info, "starting from " + config_.model.init);
    } else {
        model::ModelConfig mc = config_.model.config;
        if (mc.vocabSize == 0)
            mc.vocabSize = tokenizer_.size();
        else if (mc.vocabSize != tokenizer_.size())
            throw InputError("model.vocab_size is " + std::to_string(mc.vocabSize) + " but the vocabulary has "
                             + std::to_string(tokenizer_.size()) + " units (leave vocab_size out to take the vocabulary's)");
        if (config_.features.cmvn == "train") {
            log(context, job::LogLevel::Info, "computing global CMVN over the training set");
            const audio::CmvnStats stats = trainCmvn(context);
            io::writeFileAtomic((fs::path(runDir_) / "global_cmvn.json").string(), stats.toJson());
            mc.cmvn.mean = stats.mean();
            mc.cmvn.istd = stats.invStddev();
        } else if (config_.features.cmvn != "none") {
            const audio::CmvnStats stats =
                audio::CmvnStats::fromJson(io::readFile(config_.features.cmvn), config_.features.cmvn);
            mc.cmvn.mean = stats.mean();
            mc.cmvn.istd = stats.invStddev();
        }
        mc.cmvn.jsonPath.clear();
        torch::manual_seed(config_.seed);
        model_ = model::createModel(mc);
    }
    model_->setFp32Policy(config_.fp32Policy ? *config_.fp32Policy : model_->fp32Policy());
    model_->to(device_);
    model_->train(true);

    torch::optim::AdamWOptions options(config_.optimizer.lr);
    options.betas({config_.optimizer.beta1, config_.optimizer.beta2});
    options.eps(config_.optimizer.eps);
    options.weight_decay(config_.optimizer.weightDecay);
    optimizer_ = std::make_unique<torch::optim::AdamW>(model_->parameters(), options);

    if (resume) {
        const LoadedCheckpoint loaded = loadCheckpoint(checkpointPath, *model_, optimizer_.get());
        step_ = loaded.meta.step;
        epoch_ = loaded.meta.epoch;
        batchInEpoch_ = loaded.meta.batchInEpoch;
        utterancesSeen_ = loaded.meta.utterancesSeen;
        bestDevCer_ = loaded.meta.bestDevCer;
        resumedDevCer_ = loaded.meta.devCer;
        bestStep_ = loaded.meta.bestStep;
        scaler_.setState(loaded.meta.scaler);
        masks_ = loaded.masks;
        prunerState_ = loaded.prunerState;
        lastCheckpointStep_ = step_;
        log(context, job::LogLevel::Info, "resumed from " + checkpointPath + " at step " + std::to_string(step_));
    }
    rngAtStep_ = cpuRngState();

    const long long perEpoch = (long long)planEpoch(usableFrames_, config_.batch, config_.seed, 0).size();
    totalSteps_ = config_.steps > 0 ? config_.steps
                                    : (config_.epochs * perEpoch + config_.accumulation - 1) / config_.accumulation;
    metrics_ = std::make_unique<MetricsLog>((fs::path(runDir_) / "metrics.jsonl").string(), resume ? step_ : -1,
                                            resumedDevCer_.has_value());
    if (!config_.recipe.empty()) {
        const double stepsPerEpoch = double(perEpoch) / double(config_.accumulation);
        pruning_ = std::make_unique<prune::GradualPruning>(prune::loadAnyRecipe(config_.recipe), *model_, stepsPerEpoch);
        pruning_->restoreState(prunerState_);
        prunerState_.clear();
        if (pruning_->needsCalibration())
            pruning_->setCalibration(calibrationBatches(dev_.samples.empty() ? train_.samples : dev_.samples,
                                                        config_.features.fbank, pruning_->calibrationUtterances()));
        // An update at step 0 (a stage beginning at 0, a one-shot prune before fine-tuning) happens before
        // the first optimiser step; later ones follow each step.
        if (step_ == 0 && pruning_->isUpdate(0)) {
            masks_ = pruning_->update(*model_, 0, masks_);
            prune::applyMasksToWeights(prune::namedTensors(model_->namedParameters()), masks_);
        }
        log(context, job::LogLevel::Info,
            "pruning " + std::to_string(pruning_->prunedParameterCount()) + " weight tensors with " + config_.recipe
                + "; target sparsity at the last step " + std::to_string(pruning_->targetSparsityAt(totalSteps_)));
    }

    log(context, job::LogLevel::Info,
        model_->description() + "; " + std::to_string(usable) + " training utterances in " + std::to_string(perEpoch)
            + " batches per epoch; " + std::to_string(tokenizer_.size()) + " units; " + precisionNames().name(config_.precision)
            + " on " + deviceNames().name(config_.device) + " with " + std::to_string(torch::get_num_threads()) + " threads; "
            + std::to_string(totalSteps_) + " steps");
}

// The fraction of zeros the masks impose over the tensors they cover.
double Trainer::maskedSparsity(const MaskMap& masks)
{
    double zeros = 0.0, total = 0.0;
    for (const auto& [name, mask] : masks) {
        total += double(mask.numel());
        zeros += double(mask.numel()) - mask.sum().item<double>();
    }
    return total > 0 ? zeros / total : 0.0;
}

audio::CmvnStats Trainer::trainCmvn(job::JobContext& context) const
{
    // The training set's fbank without augmentation or dither, prepared by the batch workers.
    std::vector<int> frames;
    for (const Sample& s : train_.samples)
        frames.push_back(std::max(1, s.frames));
    BatchConfig batching = config_.batch;
    batching.maxUtterances = 0;
    augment::Pipeline plain;
    runtime::FbankOptions fbank = config_.features.fbank;
    fbank.dither = 0.0f;
    plain.setFbankOptions(fbank);
    BatchLoader loader(train_.samples, plain, {config_.dataWorkers, config_.prefetch, 0});
    loader.start(planInOrder(frames, batching), 0);
    audio::CmvnStats stats;
    size_t done = 0;
    while (std::optional<Batch> batch = loader.next([&context] { context.throwIfCancelled(); })) {
        const torch::Tensor features = batch->features.contiguous();
        const long long t = features.size(1), bins = features.size(2);
        for (size_t k = 0; k < batch->utterances.size(); ++k)
            stats.accumulate(features.data_ptr<float>() + (long long)k * t * bins,
                             int(batch->featureLengths[long(k)].item<int64_t>()), int(bins));
        done += batch->utterances.size();
        context.setStageFraction(double(done) / double(train_.samples.size()));
        context.throwIfCancelled();
    }
    return stats;
}

std::vector<int> Trainer::trainFrames() const
{
    std::vector<int> frames;
    const int maxFrames = int(config_.batch.maxDuration * 1000.0 / config_.features.fbank.frameShiftMs);
    for (const Sample& s : train_.samples) {
        const int64_t outputs = model::ModelConfig::subsampledLength(s.frames);
        const bool fits = s.frames <= maxFrames && outputs >= (int64_t)s.tokens.size() && outputs > 0;
        frames.push_back(fits ? s.frames : 0);
    }
    return frames;
}

double Trainer::forwardBackward(const Batch& batch)
{
    return model::withTorchContext("training step " + std::to_string(step_ + 1), [&] {
        const torch::Tensor features = batch.features.to(device_);
        const torch::Tensor lengths = batch.featureLengths.to(device_);
        const bool autocast = config_.precision != Precision::Fp32;
        const c10::ScalarType lowType = config_.precision == Precision::Fp16 ? torch::kHalf : torch::kBFloat16;
        const bool lossInFp32 = !config_.fp32Policy || contains(*config_.fp32Policy, "ctc_loss");
        torch::Tensor loss;
        {
            model::AutocastScope scope(device_.type(), lowType, autocast);
            const model::AsrOutput out = model_->forward(features, lengths);
            const auto ctc = [&](const torch::Tensor& logProbs) {
                return torch::ctc_loss(logProbs.transpose(0, 1), batch.targets.to(device_), out.lengths,
                                       batch.targetLengths.to(device_), 0, at::Reduction::Sum, true);
            };
            if (lossInFp32) {
                model::NoAutocastScope fp32;
                loss = ctc(out.logProbs.to(torch::kFloat32));
            } else {
                loss = ctc(out.logProbs);
            }
        }
        loss = loss.to(torch::kFloat32) / double(batch.utterances.size());
        const torch::Tensor scaled = scaler_.scaleLoss(loss / double(config_.accumulation));
        scaled.backward();
        const double value = loss.item<double>();
        pendingLoss_ += value;
        ++pendingBatches_;
        pendingUtterances_ += (long long)batch.utterances.size();
        pendingFrames_ += batch.frames;
        return value;
    });
}

StepMetrics Trainer::optimizerStep()
{
    StepMetrics m;
    m.step = step_ + 1;
    m.epoch = epoch_;
    m.lr = scheduledLearningRate(config_.schedule, config_.optimizer.lr, m.step, totalSteps_);
    m.loss = pendingBatches_ > 0 ? pendingLoss_ / pendingBatches_ : 0.0;
    m.utterances = pendingUtterances_;
    m.frames = pendingFrames_;
    model::withTorchContext("optimiser step " + std::to_string(m.step), [&] {
        const std::vector<torch::Tensor> params = model_->parameters();
        bool finite = scaler_.unscaleGradients(params);
        m.gradNorm = std::numeric_limits<double>::quiet_NaN();
        if (finite && pruning_)
            pruning_->observeGradients(*model_);
        if (finite && !masks_.empty())  // pruned weights get no gradient, so AdamW's moments stay quiet
            prune::applyMasksToGradients(prune::namedTensors(model_->namedParameters()), masks_);
        if (finite) {
            const double maxNorm = config_.gradClip > 0 ? config_.gradClip : std::numeric_limits<double>::infinity();
            m.gradNorm = torch::nn::utils::clip_grad_norm_(params, maxNorm);
            finite = std::isfinite(m.gradNorm);
        }
        if (finite) {
            for (auto& group : optimizer_->param_groups())
                static_cast<torch::optim::AdamWOptions&>(group.options()).lr(m.lr);
            optimizer_->step();
        }
        const ScaleRecord record = scaler_.update(m.step, finite);
        m.scale = record.scale;
        m.skipped = record.skipped;
        optimizer_->zero_grad();
    });
    ++step_;
    utterancesSeen_ += m.utterances;
    pendingLoss_ = 0.0;
    pendingBatches_ = 0;
    pendingUtterances_ = pendingFrames_ = 0;
    if (pruning_) {
        pruning_->afterStep();
        if (pruning_->isUpdate(step_))
            masks_ = pruning_->update(*model_, step_, masks_);
    }
    StepHookContext hookContext{*model_, step_, m.skipped, masks_};
    for (const StepHook& hook : hooks_)
        hook(hookContext);
    if (!masks_.empty())  // after every step: momentum and weight decay must not revive a pruned weight
        prune::applyMasksToWeights(prune::namedTensors(model_->namedParameters()), masks_);
    rngAtStep_ = cpuRngState();
    return m;
}

CheckpointMeta Trainer::meta(std::optional<double> devCer) const
{
    CheckpointMeta m;
    m.step = step_;
    m.epoch = epoch_;
    m.batchInEpoch = batchInEpoch_;
    m.utterancesSeen = utterancesSeen_;
    m.scaler = scaler_.state();
    m.devCer = devCer;
    m.bestDevCer = bestDevCer_;
    m.bestStep = bestStep_;
    if (const model::ModelConfig* mc = model_->config())
        m.modelConfigYaml = mc->toYaml();
    else
        m.torchScriptPath = config_.model.torchScript;
    for (int id = 0; id < tokenizer_.size(); ++id)
        m.units += tokenizer_.token(id) + " " + std::to_string(id) + "\n";
    m.trainConfigYaml = config_.toYaml();
    m.fbank = config_.features.fbank;
    return m;
}

std::string Trainer::checkpoint(std::optional<double> devCer)
{
    const std::string path = store_.save(*model_, optimizer_.get(), meta(devCer), masks_, rngAtStep_,
                                         pruning_ ? pruning_->state() : prune::MaskMap{});
    lastCheckpointStep_ = step_;
    return path;
}

std::string Trainer::bestCheckpoint() const
{
    std::error_code ec;
    if (bestDevCer_ && fs::exists(store_.bestPath(), ec))
        return store_.bestPath();
    return store_.latest();
}

std::optional<double> Trainer::evaluateDev(job::JobContext& context)
{
    if (dev_.samples.empty())
        return std::nullopt;
    EvalOptions options;
    options.maxUtterances = config_.evalMaxUtterances;
    options.batch = config_.batch;
    options.workers = config_.dataWorkers;
    options.reportProgress = false;
    const eval::CerAccumulator result =
        evaluateSamples(*model_, tokenizer_, dev_.samples, config_.features.fbank, options, &context);
    return result.total().errorRate();
}

void Trainer::writeMetrics(job::JobContext& context, const std::vector<StepMetrics>& interval,
                           std::optional<double> devCer)
{
    if (interval.empty() && !devCer)
        return;
    nlohmann::json line;
    line["step"] = step_;
    line["epoch"] = epoch_;
    if (!interval.empty()) {
        double loss = 0, seconds = 0;
        long long utterances = 0, frames = 0, skipped = 0;
        for (const StepMetrics& m : interval) {
            loss += m.loss;
            seconds += m.seconds;
            utterances += m.utterances;
            frames += m.frames;
            skipped += m.skipped ? 1 : 0;
        }
        const StepMetrics& last = interval.back();
        loss /= double(interval.size());
        line["loss"] = loss;
        line["lr"] = last.lr;
        line["scale"] = last.scale;
        line["skipped"] = skipped;
        line["grad_norm"] = std::isfinite(last.gradNorm) ? nlohmann::json(last.gradNorm) : nlohmann::json();
        line["utt_per_s"] = seconds > 0 ? utterances / seconds : 0.0;
        line["frames_per_s"] = seconds > 0 ? frames / seconds : 0.0;
        const double x = double(step_);
        context.metric({"loss", x, loss, {}});
        context.metric({"lr", x, last.lr, {}});
        context.metric({"loss_scale", x, last.scale, {}});
        context.metric({"utterances_per_s", x, line["utt_per_s"].get<double>(), {}});
        context.metric({"frames_per_s", x, line["frames_per_s"].get<double>(), {}});
        if (!masks_.empty()) {
            line["sparsity"] = maskedSparsity(masks_);
            context.metric({"sparsity", x, line["sparsity"].get<double>(), {}});
        }
        if (pruning_) {
            line["target_sparsity"] = pruning_->targetSparsityAt(step_);
            context.metric({"target_sparsity", x, line["target_sparsity"].get<double>(), {}});
            if (const std::optional<double> target = pruning_->targetChannelFractionAt(step_)) {
                line["channel_sparsity"] = pruning_->achievedChannelFraction(*model_);
                line["target_channel_sparsity"] = *target;
                context.metric({"channel_sparsity", x, line["channel_sparsity"].get<double>(), {}});
                context.metric({"target_channel_sparsity", x, *target, {}});
            }
        }
        if (step_ == 1 || step_ % (10LL * config_.logEvery) == 0) {
            char text[160];
            std::snprintf(text, sizeof text, "step %lld/%lld: loss %.3f, lr %.3g, %.1f utt/s", step_, totalSteps_, loss,
                          last.lr, line["utt_per_s"].get<double>());
            std::string message = text;
            if (scaler_.enabled())
                message += ", loss scale " + std::to_string(last.scale);
            if (skipped > 0)
                message += ", " + std::to_string(skipped) + " skipped";
            log(context, job::LogLevel::Info, message);
        }
    }
    if (devCer) {
        line["dev_cer"] = *devCer;
        context.metric({"dev_cer", double(step_), *devCer, {}});
    }
    metrics_->append(line.dump());
}

bool Trainer::train(job::JobContext& context, long long stopAfterStep)
{
    if (!model_)
        throw Error("Trainer::train called before prepare()");
    BatchLoader loader(train_.samples, trainingPipeline(),
                       {config_.dataWorkers, config_.prefetch, config_.seed});
    const auto checkCancelled = [&context] { context.throwIfCancelled(); };
    const auto planFor = [&](long long epoch) {
        std::vector<BatchIndices> plan = planEpoch(usableFrames_, config_.batch, config_.seed, epoch);
        if (plan.empty())
            throw InputError("no usable training utterances");
        return plan;
    };
    loader.start(planFor(epoch_), epoch_, size_t(batchInEpoch_));
    const bool byEpochs = config_.steps <= 0;
    const Clock::time_point trainStart = Clock::now();
    if (config_.maxMinutes > 0)
        context.setStageTimeBudget(60.0 * config_.maxMinutes);  // progress and ETA follow whichever ends first
    bool outOfTime = false;
    const auto planDone = [&] {
        if (config_.maxMinutes > 0 && !outOfTime && secondsSince(trainStart) >= 60.0 * config_.maxMinutes) {
            outOfTime = true;
            log(context, job::LogLevel::Info,
                "time budget of " + (std::ostringstream() << config_.maxMinutes).str() + " minutes used: training ends at step "
                    + std::to_string(step_));
        }
        return outOfTime || (byEpochs ? epoch_ >= config_.epochs : step_ >= config_.steps);
    };

    std::vector<StepMetrics> interval;
    // A checkpoint written after its step's dev evaluation needs no second one.
    std::optional<double> lastDevCer = resumedDevCer_;
    long long lastEvalStep = resumedDevCer_ ? step_ : -1;
    context.advance(step_);
    try {
        while (!planDone() && !(stopAfterStep > 0 && step_ >= stopAfterStep)) {
            context.throwIfCancelled();
            const Clock::time_point start = Clock::now();
            for (int a = 0; a < config_.accumulation; ++a) {
                std::optional<Batch> batch = loader.next(checkCancelled);
                if (!batch) {
                    ++epoch_;
                    batchInEpoch_ = 0;
                    if (planDone())
                        break;
                    loader.start(planFor(epoch_), epoch_, 0);
                    batch = loader.next(checkCancelled);
                }
                context.throwIfCancelled();
                forwardBackward(*batch);
                batchInEpoch_ = batch->index + 1;
            }
            if (pendingBatches_ == 0)
                break;
            StepMetrics m = optimizerStep();
            m.seconds = secondsSince(start);
            history_.push_back(m);
            interval.push_back(m);
            if (m.skipped)
                log(context, job::LogLevel::Warning,
                    "step " + std::to_string(m.step) + ": inf/nan gradients, update skipped; loss scale now "
                        + std::to_string(scaler_.scale()));

            std::optional<double> devCer;
            if (config_.evalEvery > 0 && step_ % config_.evalEvery == 0 && !dev_.samples.empty()) {
                devCer = evaluateDev(context);
                lastDevCer = devCer;
                lastEvalStep = step_;
            }
            if (devCer && (!bestDevCer_ || *devCer < *bestDevCer_)) {
                bestDevCer_ = devCer;
                bestStep_ = step_;
            }
            if (step_ % config_.logEvery == 0 || step_ == 1 || devCer) {
                writeMetrics(context, interval, devCer);
                interval.clear();
            }
            if (devCer)
                log(context, job::LogLevel::Info,
                    "step " + std::to_string(step_) + ": dev CER " + percent(*devCer)
                        + (bestStep_ == step_ ? " (best)" : ""));
            if (step_ % config_.checkpointEvery == 0)
                checkpoint(devCer);
            context.advance(step_);
        }
    } catch (const CancelledError&) {
        loader.stop();
        if (lastCheckpointStep_ != step_) {
            const std::string path = checkpoint();
            log(context, job::LogLevel::Info, "cancelled: checkpoint of step " + std::to_string(step_) + " written to "
                                                      + path + " (resume to continue)");
        }
        throw;
    }
    loader.stop();
    writeMetrics(context, interval, std::nullopt);

    const bool complete = planDone();
    std::optional<double> devCer;
    if (complete && lastEvalStep != step_ && !dev_.samples.empty()) {
        devCer = evaluateDev(context);
        if (!bestDevCer_ || *devCer < *bestDevCer_) {
            bestDevCer_ = devCer;
            bestStep_ = step_;
        }
        writeMetrics(context, {}, devCer);
        log(context, job::LogLevel::Info,
            "step " + std::to_string(step_) + ": dev CER " + percent(*devCer) + (bestStep_ == step_ ? " (best)" : ""));
    }
    if (lastCheckpointStep_ != step_ || devCer)
        checkpoint(devCer ? devCer : (lastEvalStep == step_ ? lastDevCer : std::nullopt));
    return complete;
}

} // namespace espalier::train
