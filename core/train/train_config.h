#pragma once
// A training run's configuration (docs/formats/train-config.md): data, model, augmentation,
// features, optimiser, schedule, batching, precision and bookkeeping. Read from YAML with errors
// that name the file, the line and the field; written back resolved (absolute paths, every field)
// as the run's config.yaml. Torch-free, so the GUI can build and edit one.
#include "core/model/model_config.h"
#include "core/runtime/enum_names.h"
#include "core/runtime/fbank.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {

enum class Precision { Fp32, Bf16, Fp16 };
const EnumNames<Precision>& precisionNames();  // "fp32", "bf16", "fp16"

enum class DeviceKind { Cpu, Cuda };
const EnumNames<DeviceKind>& deviceNames();  // "cpu", "cuda"

// `precision: auto`, resolved when the config is read (the run's config.yaml records the result):
// fp16 with the loss scaler on CUDA; bf16 autocast on a CPU with native bf16 arithmetic (AVX-512 BF16,
// which AMX machines have too); fp32 elsewhere — emulated bf16 is many times slower than fp32
// (measured on a Zen 2 EPYC: 2.5 against 27.8 utterances/s on the demo model).
bool cpuHasNativeBf16();
Precision autoPrecisionFor(DeviceKind device);

enum class ScheduleType {
    WarmupLr,  // WeNet's warmuplr (Noam): linear rise to lr at warmup_steps, then lr * sqrt(warmup / step)
    Cosine,    // linear warm-up, then cosine decay to lr * min_lr_ratio at the last step
    Constant,  // linear warm-up, then constant
};
const EnumNames<ScheduleType>& scheduleNames();  // "warmuplr", "cosine", "constant"

// A named test set evaluated after training (results/<name>.json).
struct TestSet {
    std::string name;
    std::string manifest;
};

struct DataConfig {
    // A corpus folder (data::findSplits): its "train", "dev" and "test*" splits fill whichever of
    // train, dev and tests are not given explicitly. Optional.
    std::string corpus;
    std::string train;            // manifest of the training set (required, directly or via corpus)
    std::string dev;              // manifest for dev CER during training; empty = no dev evaluation
    std::vector<TestSet> tests;   // evaluated at the end
    std::string units;            // units.txt; empty = built from the train transcripts, saved in the run
};

struct ModelSection {
    // The reference model to build (vocab_size 0 = the tokenizer's size; cmvn is filled from
    // features.cmvn). Ignored when torchScript is set.
    model::ModelConfig config = model::ModelConfig::preset("small");
    std::string torchScript;  // a user's TorchScript model to fine-tune instead (must follow AsrModel's forward)
    // A checkpoint to start from instead (`model: {init: CKPT}`, or --init): its architecture, weights,
    // masks and vocabulary, with a fresh optimiser. How a pruned or shrunk model is fine-tuned.
    std::string init;
};

// Which augmentation pipeline runs on training utterances (never on dev or test).
struct AugmentSection {
    std::string preset = "none";  // "none" or an augment::Pipeline preset name
    std::string file;             // a pipeline YAML (docs/formats/augment.md); wins over preset
};

struct FeatureSection {
    runtime::FbankOptions fbank;  // the training config's fbank (an augmentation file's own features are replaced)
    // "train": global CMVN computed from the training set and stored in the model; "none"; or the path
    // of a WeNet global_cmvn JSON.
    std::string cmvn = "train";
};

struct OptimizerConfig {  // AdamW
    double lr = 1e-3;
    double beta1 = 0.9;
    double beta2 = 0.98;
    double eps = 1e-9;
    double weightDecay = 1e-6;
};

struct ScheduleConfig {
    ScheduleType type = ScheduleType::WarmupLr;
    int warmupSteps = 500;
    double minLrRatio = 0.0;  // cosine: the final learning rate as a fraction of lr
};

// Length-bucketed dynamic batches (WeNet's sort + dynamic batch): utterances are shuffled, sorted by
// duration within windows of sortWindow, cut into batches whose padded size (utterances x longest)
// stays within maxFrames and maxUtterances, and the batches are shuffled.
struct BatchConfig {
    int maxFrames = 12000;      // padded fbank frames per batch (WeNet's max_frames_in_batch)
    int maxUtterances = 0;      // 0 = no limit besides maxFrames
    int sortWindow = 500;       // utterances sorted together
    double maxDuration = 20.0;  // seconds; longer training utterances are skipped (logged)
};

// Dynamic loss scaling (PyTorch GradScaler semantics plus a cap), used with fp16.
struct LossScalerOptions {
    double initScale = 65536.0;     // 2^16
    double growthFactor = 2.0;
    double backoffFactor = 0.5;
    int growthInterval = 2000;      // consecutive clean steps before the scale grows
    double maxScale = 16777216.0;   // 2^24: the scale never grows past this (the seed's cap)
    double minScale = 1.0;          // nor falls below this (a run of bad steps cannot reach zero)
};

struct TrainConfig {
    static constexpr int kFormatVersion = 1;

    std::string name;  // optional label shown in the GUI and logs
    DataConfig data;
    ModelSection model;
    AugmentSection augment;
    FeatureSection features;
    OptimizerConfig optimizer;
    ScheduleConfig schedule;
    BatchConfig batch;
    double gradClip = 5.0;      // max global gradient norm (WeNet: 5); <= 0 disables clipping
    int accumulation = 1;       // batches per optimiser step
    Precision precision = Precision::Fp32;
    LossScalerOptions scaler;   // used with fp16 only
    // Parts kept in float32 under autocast (model::fp32ModuleKinds names); nullopt = the model's default.
    std::optional<std::vector<std::string>> fp32Policy;
    std::string recipe;         // a pruning recipe (docs/formats/recipe.md) followed during training; "" = dense
    long long steps = 0;        // optimiser steps; 0 = run `epochs` epochs
    int epochs = 0;             // used when steps is 0
    double maxMinutes = 0;      // time budget of the training stage (per launch); 0 = none. Reaching it ends the run as complete
    int checkpointEvery = 500;  // steps; a checkpoint is also written at the end and on cancel
    int keepLast = 3;           // step checkpoints kept (the best by dev CER is kept besides)
    int evalEvery = 500;        // steps between dev CER evaluations (and at the end); 0 = only at the end
    int evalMaxUtterances = 200;  // dev utterances decoded per evaluation (the first ones)
    int logEvery = 10;          // steps between metric lines
    std::uint64_t seed = 1;     // model init, dropout, data order, augmentation, dither
    int threads = 0;            // LibTorch intra-op threads; 0 = one per core
    int dataWorkers = 1;        // threads preparing batches ahead of the step
    int prefetch = 4;           // batches prepared ahead
    DeviceKind device = DeviceKind::Cpu;

    // Parses YAML; relative paths are resolved against baseDir. Every error reads
    // "sourceName:line: field: problem". Checks everything checkable without reading data, including
    // that fp16 / cuda have a CUDA device.
    // A non-empty corpusOverride replaces the data section's corpus, train, dev and test entries (the
    // CLI's --corpus: shipped configs name a placeholder corpus).
    // readDataSection false reads a template: the data section is ignored and left empty.
    static TrainConfig fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir = {},
                                const std::string& corpusOverride = {}, bool readDataSection = true);
    static TrainConfig load(const std::string& path, const std::string& corpusOverride = {});
    // Every field, paths as stored (resolved when loaded from a file).
    std::string toYaml() const;
    void save(const std::string& path) const;  // atomic

    // The same rules for a config built in code (the GUI): field and problem, first one thrown by validate().
    std::vector<model::ConfigProblem> problems() const;
    void validate() const;  // InputError "train config: field: problem"

    // Fills train/dev/tests from data.corpus where they are empty (data::findSplits). Throws InputError.
    void resolveCorpus();
    // Total optimiser steps when `steps` is set; -1 when the run is counted in epochs.
    long long plannedSteps() const { return steps > 0 ? steps : -1; }
};

// Learning rate at optimiser step `step` (1-based: the step about to be taken) of `totalSteps`
// (-1 when unknown: cosine then behaves as constant after warm-up).
double scheduledLearningRate(const ScheduleConfig& schedule, double baseLr, long long step, long long totalSteps);

} // namespace espalier::train
