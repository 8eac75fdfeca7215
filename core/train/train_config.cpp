#include "core/train/train_config.h"

#include "core/augment/pipeline.h"
#include "core/data/corpus.h"
#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/model/model_config_yaml.h"
#include "core/runtime/error.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

constexpr double kPi = 3.14159265358979323846;

// Keys of each map, for "unknown key" errors.
const std::vector<std::string> kTopKeys = {
    "espalier_train", "name", "data", "model", "augment", "features", "optimizer", "schedule", "batch", "grad_clip",
    "accumulation", "precision", "loss_scaler", "fp32_policy", "recipe", "steps", "epochs", "max_minutes", "checkpoint_every", "keep_last",
    "eval_every", "eval_max_utterances", "log_every", "seed", "threads", "data_workers", "prefetch", "device"};
const std::vector<std::string> kDataKeys = {"corpus", "train", "dev", "test", "units"};
const std::vector<std::string> kFeatureKeys = {"sample_rate", "num_mel_bins", "frame_length_ms", "frame_shift_ms",
                                               "dither", "preemphasis", "low_freq", "high_freq", "cmvn"};
const std::vector<std::string> kOptimizerKeys = {"lr", "betas", "eps", "weight_decay"};
const std::vector<std::string> kScheduleKeys = {"type", "warmup_steps", "min_lr_ratio"};
const std::vector<std::string> kBatchKeys = {"max_frames", "max_utterances", "sort_window", "max_duration"};
const std::vector<std::string> kScalerKeys = {"init_scale", "growth_factor", "backoff_factor", "growth_interval",
                                              "max_scale", "min_scale"};

constexpr auto join = &io::joinNames;
constexpr auto describe = &io::YamlReader::describe;

// The shared field reading, plus paths relative to the config's folder.
class Reader : public io::YamlReader {
public:
    Reader(std::string source, std::string baseDir) : YamlReader(std::move(source)), baseDir_(std::move(baseDir)) {}

    // A path that must exist; relative paths are resolved against the config's folder.
    std::string existingPath(const YAML::Node& node, const std::string& field, const char* what) const
    {
        const std::string given = string(node, field);
        if (given.empty())
            fail(node, field, std::string("expected the path of ") + what);
        const std::string path = resolve(given);
        std::error_code ec;
        if (!fs::exists(path, ec))
            fail(node, field, std::string("no such file or folder: '") + path + "' (" + what + ")");
        return path;
    }
    std::string resolve(const std::string& given) const
    {
        fs::path p = given;
        if (p.is_relative() && !baseDir_.empty())
            p = fs::path(baseDir_) / p;
        return p.lexically_normal().string();
    }
    const std::string& source() const { return sourceName(); }
    const std::string& baseDir() const { return baseDir_; }

private:
    std::string baseDir_;
};

template <typename T>
std::string shortest(T v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

bool isPreset(const std::string& name)
{
    const auto names = augment::Pipeline::presetNames();
    return std::find(names.begin(), names.end(), name) != names.end();
}

void readData(const Reader& r, const YAML::Node& node, DataConfig& data)
{
    r.checkKeys(node, "data", kDataKeys);
    if (const YAML::Node n = node["corpus"])
        data.corpus = r.existingPath(n, "data.corpus", "a corpus folder");
    if (const YAML::Node n = node["train"])
        data.train = r.existingPath(n, "data.train", "the training manifest");
    if (const YAML::Node n = node["dev"])
        data.dev = r.existingPath(n, "data.dev", "the dev manifest");
    if (const YAML::Node n = node["units"])
        data.units = r.existingPath(n, "data.units", "a units.txt vocabulary");
    if (const YAML::Node n = node["test"]) {
        if (!n.IsMap())
            r.fail(n, "data.test", "expected a map of test set name to manifest, got " + describe(n));
        for (auto it = n.begin(); it != n.end(); ++it) {
            const std::string name = it->first.Scalar();
            if (name.empty() || name.find_first_of("/\\ \t") != std::string::npos)
                r.fail(it->first, "data.test", "test set names are used as file names: no spaces or slashes, got '"
                                                   + name + "'");
            data.tests.push_back({name, r.existingPath(it->second, "data.test." + name, "a test manifest")});
        }
    }
}

void readModel(const Reader& r, const YAML::Node& node, ModelSection& section)
{
    if (node.IsScalar()) {
        try {
            section.config = model::ModelConfig::preset(node.Scalar());
        } catch (const InputError&) {
            r.fail(node, "model", "expected a size preset (" + join(model::ModelConfig::presetNames())
                                      + "), a map of model fields, or {torchscript: FILE}; got " + describe(node));
        }
        return;
    }
    if (!node.IsMap())
        r.fail(node, "model", "expected a size preset, a map of model fields, or {torchscript: FILE}; got " + describe(node));
    if (const YAML::Node ts = node["torchscript"]) {
        if (node.size() != 1)
            r.fail(node, "model", "a TorchScript model takes no other model fields (its architecture is in the file)");
        section.torchScript = r.existingPath(ts, "model.torchscript", "a TorchScript model");
        return;
    }
    if (const YAML::Node init = node["init"]) {
        if (node.size() != 1)
            r.fail(node, "model", "a model started from a checkpoint takes no other model fields (its architecture is in the "
                                  "checkpoint)");
        section.init = r.existingPath(init, "model.init", "a checkpoint");
        return;
    }
    if (const YAML::Node cmvn = node["cmvn"])
        r.fail(cmvn, "model.cmvn", "set CMVN with features.cmvn (train, none or a global_cmvn JSON path)");
    section.config = model::modelConfigFromYaml(node, r.source(), r.baseDir());
}

void readAugment(const Reader& r, const YAML::Node& node, AugmentSection& augment)
{
    const std::string value = r.string(node, "augment");
    if (value == "none" || isPreset(value)) {
        augment.preset = value;
        augment.file.clear();
        return;
    }
    const std::string path = r.resolve(value);
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        r.fail(node, "augment", "expected none, a preset (" + join(augment::Pipeline::presetNames())
                                    + ") or a pipeline YAML file; '" + path + "' does not exist");
    try {
        augment::Pipeline::load(path);
    } catch (const Error& e) {
        r.fail(node, "augment", e.what());
    }
    augment.preset = "none";
    augment.file = path;
}

void readFeatures(const Reader& r, const YAML::Node& node, FeatureSection& f)
{
    r.checkKeys(node, "features", kFeatureKeys);
    runtime::FbankOptions& o = f.fbank;
    if (const YAML::Node n = node["sample_rate"])
        o.sampleRate = r.integer32(n, "features.sample_rate");
    if (const YAML::Node n = node["num_mel_bins"])
        o.numMelBins = r.integer32(n, "features.num_mel_bins");
    if (const YAML::Node n = node["frame_length_ms"])
        o.frameLengthMs = float(r.number(n, "features.frame_length_ms"));
    if (const YAML::Node n = node["frame_shift_ms"])
        o.frameShiftMs = float(r.number(n, "features.frame_shift_ms"));
    if (const YAML::Node n = node["dither"])
        o.dither = float(r.number(n, "features.dither"));
    if (const YAML::Node n = node["preemphasis"])
        o.preemphasis = float(r.number(n, "features.preemphasis"));
    if (const YAML::Node n = node["low_freq"])
        o.lowFreq = float(r.number(n, "features.low_freq"));
    if (const YAML::Node n = node["high_freq"])
        o.highFreq = float(r.number(n, "features.high_freq"));
    if (const YAML::Node n = node["cmvn"]) {
        const std::string v = r.string(n, "features.cmvn");
        f.cmvn = (v == "train" || v == "none") ? v : r.existingPath(n, "features.cmvn", "a WeNet global_cmvn JSON");
    }
    try {
        runtime::Fbank check(o);
    } catch (const InputError& e) {
        r.fail(node, "features", e.what());
    }
}

void readOptimizer(const Reader& r, const YAML::Node& node, OptimizerConfig& o)
{
    r.checkKeys(node, "optimizer", kOptimizerKeys);
    if (const YAML::Node n = node["lr"])
        o.lr = r.number(n, "optimizer.lr");
    if (const YAML::Node n = node["betas"]) {
        if (!n.IsSequence() || n.size() != 2)
            r.fail(n, "optimizer.betas", "expected two numbers [beta1, beta2], got " + describe(n));
        o.beta1 = r.number(n[0], "optimizer.betas");
        o.beta2 = r.number(n[1], "optimizer.betas");
    }
    if (const YAML::Node n = node["eps"])
        o.eps = r.number(n, "optimizer.eps");
    if (const YAML::Node n = node["weight_decay"])
        o.weightDecay = r.number(n, "optimizer.weight_decay");
}

void readSchedule(const Reader& r, const YAML::Node& node, ScheduleConfig& s)
{
    r.checkKeys(node, "schedule", kScheduleKeys);
    if (const YAML::Node n = node["type"])
        s.type = r.choice(n, "schedule.type", scheduleNames());
    if (const YAML::Node n = node["warmup_steps"])
        s.warmupSteps = r.integer32(n, "schedule.warmup_steps");
    if (const YAML::Node n = node["min_lr_ratio"])
        s.minLrRatio = r.number(n, "schedule.min_lr_ratio");
}

void readBatch(const Reader& r, const YAML::Node& node, BatchConfig& b)
{
    r.checkKeys(node, "batch", kBatchKeys);
    if (const YAML::Node n = node["max_frames"])
        b.maxFrames = r.integer32(n, "batch.max_frames");
    if (const YAML::Node n = node["max_utterances"])
        b.maxUtterances = r.integer32(n, "batch.max_utterances");
    if (const YAML::Node n = node["sort_window"])
        b.sortWindow = r.integer32(n, "batch.sort_window");
    if (const YAML::Node n = node["max_duration"])
        b.maxDuration = r.number(n, "batch.max_duration");
}

void readScaler(const Reader& r, const YAML::Node& node, LossScalerOptions& s)
{
    r.checkKeys(node, "loss_scaler", kScalerKeys);
    if (const YAML::Node n = node["init_scale"])
        s.initScale = r.number(n, "loss_scaler.init_scale");
    if (const YAML::Node n = node["growth_factor"])
        s.growthFactor = r.number(n, "loss_scaler.growth_factor");
    if (const YAML::Node n = node["backoff_factor"])
        s.backoffFactor = r.number(n, "loss_scaler.backoff_factor");
    if (const YAML::Node n = node["growth_interval"])
        s.growthInterval = r.integer32(n, "loss_scaler.growth_interval");
    if (const YAML::Node n = node["max_scale"])
        s.maxScale = r.number(n, "loss_scaler.max_scale");
    if (const YAML::Node n = node["min_scale"])
        s.minScale = r.number(n, "loss_scaler.min_scale");
}

// The YAML node a problem's dotted field names, or the closest enclosing one.
YAML::Node nodeFor(const YAML::Node& root, const std::string& field)
{
    size_t start = 0;
    std::vector<YAML::Node> chain{root};
    while (start <= field.size()) {
        size_t dot = field.find('.', start);
        if (dot == std::string::npos)
            dot = field.size();
        const std::string key = field.substr(start, dot - start);
        const YAML::Node parent = chain.back();
        if (!parent.IsMap() || !parent[key])
            break;
        chain.push_back(parent[key]);
        start = dot + 1;
    }
    return chain.back();
}

void emitFbank(YAML::Emitter& out, const FeatureSection& f)
{
    const runtime::FbankOptions& o = f.fbank;
    out << YAML::Key << "features" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "sample_rate" << YAML::Value << o.sampleRate;
    out << YAML::Key << "num_mel_bins" << YAML::Value << o.numMelBins;
    out << YAML::Key << "frame_length_ms" << YAML::Value << shortest(o.frameLengthMs);
    out << YAML::Key << "frame_shift_ms" << YAML::Value << shortest(o.frameShiftMs);
    out << YAML::Key << "dither" << YAML::Value << shortest(o.dither);
    out << YAML::Key << "preemphasis" << YAML::Value << shortest(o.preemphasis);
    out << YAML::Key << "low_freq" << YAML::Value << shortest(o.lowFreq);
    out << YAML::Key << "high_freq" << YAML::Value << shortest(o.highFreq);
    out << YAML::Key << "cmvn" << YAML::Value << f.cmvn;
    out << YAML::EndMap;
}

} // namespace

const EnumNames<Precision>& precisionNames()
{
    static const EnumNames<Precision> names{{Precision::Fp32, "fp32"}, {Precision::Bf16, "bf16"}, {Precision::Fp16, "fp16"}};
    return names;
}

const EnumNames<DeviceKind>& deviceNames()
{
    static const EnumNames<DeviceKind> names{{DeviceKind::Cpu, "cpu"}, {DeviceKind::Cuda, "cuda"}};
    return names;
}

bool cpuHasNativeBf16()
{
#if defined(__x86_64__)
    __builtin_cpu_init();
    return __builtin_cpu_supports("avx512bf16");
#else
    return false;
#endif
}

Precision autoPrecisionFor(DeviceKind device)
{
    if (device == DeviceKind::Cuda)
        return Precision::Fp16;
    return cpuHasNativeBf16() ? Precision::Bf16 : Precision::Fp32;
}

const EnumNames<ScheduleType>& scheduleNames()
{
    static const EnumNames<ScheduleType> names{
        {ScheduleType::WarmupLr, "warmuplr"}, {ScheduleType::Cosine, "cosine"}, {ScheduleType::Constant, "constant"}};
    return names;
}

double scheduledLearningRate(const ScheduleConfig& s, double baseLr, long long step, long long totalSteps)
{
    const double st = double(std::max<long long>(step, 1));
    const double warmup = double(std::max(s.warmupSteps, 0));
    if (s.type == ScheduleType::WarmupLr) {
        if (warmup <= 0)
            return baseLr;
        // WeNet: lr * warmup^0.5 * min(step^-0.5, step * warmup^-1.5)
        return baseLr * std::sqrt(warmup) * std::min(1.0 / std::sqrt(st), st * std::pow(warmup, -1.5));
    }
    if (st < warmup)
        return baseLr * st / warmup;
    if (s.type == ScheduleType::Constant || totalSteps <= 0)
        return baseLr;
    const double span = std::max(1.0, double(totalSteps) - warmup);
    const double progress = std::clamp((st - warmup) / span, 0.0, 1.0);
    const double floor = baseLr * s.minLrRatio;
    return floor + (baseLr - floor) * 0.5 * (1.0 + std::cos(kPi * progress));
}

std::vector<model::ConfigProblem> TrainConfig::problems() const
{
    std::vector<model::ConfigProblem> p;
    auto need = [&p](bool ok, const char* field, const std::string& message) {
        if (!ok)
            p.push_back({field, message});
    };
    const auto num = [](double v) { return shortest(v); };

    need(!data.train.empty() || !data.corpus.empty(), "data.train",
         "missing: give the training manifest (or data.corpus, a corpus folder with a train split)");
    if (model.torchScript.empty() && model.init.empty()) {
        for (const model::ConfigProblem& mp : model.config.problems()) {
            if (mp.field == "vocab_size" && model.config.vocabSize == 0)
                continue;  // filled from the tokenizer
            p.push_back({"model." + mp.field, mp.message});
        }
        if (model.config.inputDim != features.fbank.numMelBins)
            p.push_back({"model.input_dim", "is " + std::to_string(model.config.inputDim) + " but features.num_mel_bins is "
                                                + std::to_string(features.fbank.numMelBins)});
    }
    if (augment.file.empty())
        need(augment.preset == "none" || isPreset(augment.preset), "augment",
             "expected none, a preset (" + join(augment::Pipeline::presetNames()) + ") or a pipeline YAML file, got '"
                 + augment.preset + "'");
    need(optimizer.lr > 0 && optimizer.lr < 10, "optimizer.lr", "must be in (0, 10), got " + num(optimizer.lr));
    need(optimizer.beta1 >= 0 && optimizer.beta1 < 1 && optimizer.beta2 >= 0 && optimizer.beta2 < 1, "optimizer.betas",
         "each beta must be in [0, 1), got [" + num(optimizer.beta1) + ", " + num(optimizer.beta2) + "]");
    need(optimizer.eps > 0, "optimizer.eps", "must be positive, got " + num(optimizer.eps));
    need(optimizer.weightDecay >= 0, "optimizer.weight_decay", "must be >= 0, got " + num(optimizer.weightDecay));
    need(schedule.warmupSteps >= 0, "schedule.warmup_steps", "must be >= 0, got " + std::to_string(schedule.warmupSteps));
    need(schedule.minLrRatio >= 0 && schedule.minLrRatio <= 1, "schedule.min_lr_ratio",
         "must be in [0, 1], got " + num(schedule.minLrRatio));
    need(batch.maxFrames >= 1, "batch.max_frames", "must be >= 1, got " + std::to_string(batch.maxFrames));
    need(batch.maxUtterances >= 0, "batch.max_utterances", "must be >= 0 (0: no limit), got " + std::to_string(batch.maxUtterances));
    need(batch.sortWindow >= 1, "batch.sort_window", "must be >= 1, got " + std::to_string(batch.sortWindow));
    need(batch.maxDuration > 0, "batch.max_duration", "must be positive (seconds), got " + num(batch.maxDuration));
    need(std::isfinite(gradClip), "grad_clip", "must be a finite number (<= 0 disables clipping)");
    need(accumulation >= 1 && accumulation <= 1024, "accumulation", "must be in 1..1024, got " + std::to_string(accumulation));
    need(scaler.initScale > 0, "loss_scaler.init_scale", "must be positive, got " + num(scaler.initScale));
    need(scaler.growthFactor > 1, "loss_scaler.growth_factor", "must be > 1, got " + num(scaler.growthFactor));
    need(scaler.backoffFactor > 0 && scaler.backoffFactor < 1, "loss_scaler.backoff_factor",
         "must be in (0, 1), got " + num(scaler.backoffFactor));
    need(scaler.growthInterval >= 1, "loss_scaler.growth_interval", "must be >= 1, got " + std::to_string(scaler.growthInterval));
    need(scaler.minScale > 0, "loss_scaler.min_scale", "must be positive, got " + num(scaler.minScale));
    need(scaler.maxScale >= scaler.minScale && std::isfinite(scaler.maxScale), "loss_scaler.max_scale",
         "must be finite and >= min_scale, got " + num(scaler.maxScale));
    need(scaler.initScale >= scaler.minScale && scaler.initScale <= scaler.maxScale, "loss_scaler.init_scale",
         "must lie between min_scale and max_scale, got " + num(scaler.initScale));
    if (fp32Policy) {
        for (const std::string& name : *fp32Policy) {
            const auto& kinds = model::fp32ModuleKinds();
            if (std::none_of(kinds.begin(), kinds.end(), [&](const model::Fp32ModuleKind& k) { return name == k.name; })) {
                std::string names;
                for (const auto& k : kinds)
                    names += (names.empty() ? "" : ", ") + std::string(k.name);
                p.push_back({"fp32_policy", "unknown part '" + name + "' (expected " + names + ")"});
                break;
            }
        }
    }
    need(steps >= 0, "steps", "must be >= 0, got " + std::to_string(steps));
    need(epochs >= 0, "epochs", "must be >= 0, got " + std::to_string(epochs));
    need(steps > 0 || epochs > 0, "steps", "give steps (optimiser steps) or epochs");
    need(maxMinutes >= 0, "max_minutes", "must be >= 0 (0: no time budget), got " + num(maxMinutes));
    need(checkpointEvery >= 1, "checkpoint_every", "must be >= 1, got " + std::to_string(checkpointEvery));
    need(keepLast >= 1, "keep_last", "must be >= 1, got " + std::to_string(keepLast));
    need(evalEvery >= 0, "eval_every", "must be >= 0 (0: only at the end), got " + std::to_string(evalEvery));
    need(evalMaxUtterances >= 1, "eval_max_utterances", "must be >= 1, got " + std::to_string(evalMaxUtterances));
    need(logEvery >= 1, "log_every", "must be >= 1, got " + std::to_string(logEvery));
    need(threads >= 0 && threads <= 1024, "threads", "must be in 0..1024 (0: one per core), got " + std::to_string(threads));
    need(dataWorkers >= 1 && dataWorkers <= 64, "data_workers", "must be in 1..64, got " + std::to_string(dataWorkers));
    need(prefetch >= 1 && prefetch <= 256, "prefetch", "must be in 1..256, got " + std::to_string(prefetch));
    if (precision == Precision::Fp16 && device != DeviceKind::Cuda)
        p.push_back({"precision", "fp16 autocast with loss scaling needs a CUDA device (device: cuda); on the CPU use bf16 "
                                  "(this CPU's oneDNN runs it natively) or fp32"});
    return p;
}

void TrainConfig::validate() const
{
    const auto p = problems();
    if (!p.empty())
        throw InputError("train config: " + p.front().field + ": " + p.front().message);
}

void TrainConfig::resolveCorpus()
{
    if (data.corpus.empty())
        return;
    const std::vector<data::CorpusSplit> splits = data::findSplits(data.corpus);
    auto find = [&](const std::string& name) -> std::string {
        for (const auto& s : splits)
            if (s.name == name)
                return s.path;
        return {};
    };
    if (data.train.empty()) {
        data.train = find("train");
        if (data.train.empty())
            throw InputError("data.corpus: '" + data.corpus + "' has no train split");
    }
    if (data.dev.empty())
        data.dev = find("dev");
    if (data.tests.empty())
        for (const auto& s : splits)
            if (s.name.rfind("test", 0) == 0)
                data.tests.push_back({s.name, s.path});
}

TrainConfig TrainConfig::fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir,
                                  const std::string& corpusOverride, bool readDataSection)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> TrainConfig {
        const Reader r(sourceName, baseDir);
        const YAML::Node root = io::readYamlDocument(
            yaml, r, {"a training config (a map with espalier_train, data, model, ...)", kTopKeys, "espalier_train", kFormatVersion});

        TrainConfig c;
        if (const YAML::Node n = root["name"])
            c.name = r.string(n, "name");
        if (!readDataSection) {
            // a template: the caller supplies the data later
        } else if (const YAML::Node n = root["data"]) {
            if (corpusOverride.empty()) {
                readData(r, n, c.data);
            } else {
                r.checkKeys(n, "data", kDataKeys);
                if (const YAML::Node units = n["units"])
                    c.data.units = r.existingPath(units, "data.units", "a units.txt vocabulary");
            }
        } else if (corpusOverride.empty()) {
            throw InputError(sourceName + ": data: missing; give data.train (or data.corpus) at least");
        }
        if (!corpusOverride.empty()) {
            std::error_code ec;
            if (!fs::is_directory(corpusOverride, ec))
                throw InputError("corpus '" + corpusOverride + "' is not a folder");
            c.data.corpus = fs::absolute(corpusOverride).lexically_normal().string();
        }
        if (const YAML::Node n = root["model"])
            readModel(r, n, c.model);
        if (const YAML::Node n = root["augment"])
            readAugment(r, n, c.augment);
        if (const YAML::Node n = root["features"])
            readFeatures(r, n, c.features);
        if (const YAML::Node n = root["optimizer"])
            readOptimizer(r, n, c.optimizer);
        if (const YAML::Node n = root["schedule"])
            readSchedule(r, n, c.schedule);
        if (const YAML::Node n = root["batch"])
            readBatch(r, n, c.batch);
        if (const YAML::Node n = root["grad_clip"])
            c.gradClip = r.number(n, "grad_clip");
        if (const YAML::Node n = root["accumulation"])
            c.accumulation = r.integer32(n, "accumulation");
        bool autoPrecision = false;
        if (const YAML::Node n = root["precision"]) {
            const std::string name = r.string(n, "precision");
            autoPrecision = name == "auto";
            const auto p = precisionNames().parse(name);
            if (!p && !autoPrecision)
                r.fail(n, "precision", "expected auto, " + precisionNames().expected() + ", got " + describe(n));
            if (p)
                c.precision = *p;
        }
        if (const YAML::Node n = root["loss_scaler"])
            readScaler(r, n, c.scaler);
        if (const YAML::Node n = root["fp32_policy"]) {
            if (!n.IsSequence())
                r.fail(n, "fp32_policy", "expected a list of model parts, got " + describe(n));
            std::vector<std::string> names;
            for (size_t i = 0; i < n.size(); ++i)
                names.push_back(r.string(n[i], "fp32_policy"));
            c.fp32Policy = names;
        }
        if (const YAML::Node n = root["steps"])
            c.steps = r.integer(n, "steps");
        if (const YAML::Node n = root["epochs"])
            c.epochs = r.integer32(n, "epochs");
        if (const YAML::Node n = root["recipe"])
            c.recipe = r.string(n, "recipe").empty() ? std::string() : r.existingPath(n, "recipe", "a pruning recipe");
        if (const YAML::Node n = root["max_minutes"])
            c.maxMinutes = r.number(n, "max_minutes");
        if (const YAML::Node n = root["checkpoint_every"])
            c.checkpointEvery = r.integer32(n, "checkpoint_every");
        if (const YAML::Node n = root["keep_last"])
            c.keepLast = r.integer32(n, "keep_last");
        if (const YAML::Node n = root["eval_every"])
            c.evalEvery = r.integer32(n, "eval_every");
        if (const YAML::Node n = root["eval_max_utterances"])
            c.evalMaxUtterances = r.integer32(n, "eval_max_utterances");
        if (const YAML::Node n = root["log_every"])
            c.logEvery = r.integer32(n, "log_every");
        if (const YAML::Node n = root["seed"]) {
            const std::string& s = r.string(n, "seed");
            std::uint64_t seed = 0;
            const auto res = std::from_chars(s.data(), s.data() + s.size(), seed);
            if (s.empty() || res.ec != std::errc() || res.ptr != s.data() + s.size())
                r.fail(n, "seed", "expected a non-negative whole number, got " + describe(n));
            c.seed = seed;
        }
        if (const YAML::Node n = root["threads"])
            c.threads = r.integer32(n, "threads");
        if (const YAML::Node n = root["data_workers"])
            c.dataWorkers = r.integer32(n, "data_workers");
        if (const YAML::Node n = root["prefetch"])
            c.prefetch = r.integer32(n, "prefetch");
        if (const YAML::Node n = root["device"])
            c.device = r.choice(n, "device", deviceNames());
        if (autoPrecision)
            c.precision = autoPrecisionFor(c.device);

        // Rules across fields point at the field's line (or its section's when it came from a default).
        for (const model::ConfigProblem& p : c.problems()) {
            if (!readDataSection && p.field.rfind("data", 0) == 0)
                continue;
            r.fail(nodeFor(root, p.field), p.field, p.message);
        }
        if (!readDataSection)
            return c;
        try {
            c.resolveCorpus();
        } catch (const InputError& e) {
            if (!corpusOverride.empty())
                throw;
            r.fail(root["data"]["corpus"], "data.corpus", e.what());
        }
        return c;
    });
}

TrainConfig TrainConfig::load(const std::string& path, const std::string& corpusOverride)
{
    return fromYaml(io::readFile(path), path, fs::absolute(path).parent_path().string(), corpusOverride);
}

std::string TrainConfig::toYaml() const
{
    YAML::Emitter out;
    out << YAML::BeginMap;
    out << YAML::Key << "espalier_train" << YAML::Value << kFormatVersion;
    if (!name.empty())
        out << YAML::Key << "name" << YAML::Value << name;
    out << YAML::Key << "data" << YAML::Value << YAML::BeginMap;
    if (!data.corpus.empty())
        out << YAML::Key << "corpus" << YAML::Value << data.corpus;
    out << YAML::Key << "train" << YAML::Value << data.train;
    if (!data.dev.empty())
        out << YAML::Key << "dev" << YAML::Value << data.dev;
    if (!data.tests.empty()) {
        out << YAML::Key << "test" << YAML::Value << YAML::BeginMap;
        for (const auto& t : data.tests)
            out << YAML::Key << t.name << YAML::Value << t.manifest;
        out << YAML::EndMap;
    }
    if (!data.units.empty())
        out << YAML::Key << "units" << YAML::Value << data.units;
    out << YAML::EndMap;

    out << YAML::Key << "model" << YAML::Value;
    if (!model.torchScript.empty()) {
        out << YAML::BeginMap << YAML::Key << "torchscript" << YAML::Value << model.torchScript << YAML::EndMap;
    } else if (!model.init.empty()) {
        out << YAML::BeginMap << YAML::Key << "init" << YAML::Value << model.init << YAML::EndMap;
    } else {
        model::ModelConfig m = model.config;
        m.cmvn = {};  // features.cmvn says where CMVN comes from
        model::writeModelConfig(out, m);
    }
    out << YAML::Key << "augment" << YAML::Value << (augment.file.empty() ? augment.preset : augment.file);
    emitFbank(out, features);

    out << YAML::Key << "optimizer" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "lr" << YAML::Value << shortest(optimizer.lr);
    out << YAML::Key << "betas" << YAML::Value << YAML::Flow << YAML::BeginSeq << shortest(optimizer.beta1)
        << shortest(optimizer.beta2) << YAML::EndSeq;
    out << YAML::Key << "eps" << YAML::Value << shortest(optimizer.eps);
    out << YAML::Key << "weight_decay" << YAML::Value << shortest(optimizer.weightDecay);
    out << YAML::EndMap;

    out << YAML::Key << "schedule" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << scheduleNames().name(schedule.type);
    out << YAML::Key << "warmup_steps" << YAML::Value << schedule.warmupSteps;
    out << YAML::Key << "min_lr_ratio" << YAML::Value << shortest(schedule.minLrRatio);
    out << YAML::EndMap;

    out << YAML::Key << "batch" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "max_frames" << YAML::Value << batch.maxFrames;
    out << YAML::Key << "max_utterances" << YAML::Value << batch.maxUtterances;
    out << YAML::Key << "sort_window" << YAML::Value << batch.sortWindow;
    out << YAML::Key << "max_duration" << YAML::Value << shortest(batch.maxDuration);
    out << YAML::EndMap;

    out << YAML::Key << "grad_clip" << YAML::Value << shortest(gradClip);
    out << YAML::Key << "accumulation" << YAML::Value << accumulation;
    out << YAML::Key << "precision" << YAML::Value << precisionNames().name(precision);
    out << YAML::Key << "loss_scaler" << YAML::Value << YAML::BeginMap;
    out << YAML::Key << "init_scale" << YAML::Value << shortest(scaler.initScale);
    out << YAML::Key << "growth_factor" << YAML::Value << shortest(scaler.growthFactor);
    out << YAML::Key << "backoff_factor" << YAML::Value << shortest(scaler.backoffFactor);
    out << YAML::Key << "growth_interval" << YAML::Value << scaler.growthInterval;
    out << YAML::Key << "max_scale" << YAML::Value << shortest(scaler.maxScale);
    out << YAML::Key << "min_scale" << YAML::Value << shortest(scaler.minScale);
    out << YAML::EndMap;
    if (fp32Policy) {
        out << YAML::Key << "fp32_policy" << YAML::Value << YAML::Flow << YAML::BeginSeq;
        for (const auto& n : *fp32Policy)
            out << n;
        out << YAML::EndSeq;
    }
    if (!recipe.empty())
        out << YAML::Key << "recipe" << YAML::Value << recipe;
    out << YAML::Key << "steps" << YAML::Value << steps;
    out << YAML::Key << "epochs" << YAML::Value << epochs;
    out << YAML::Key << "max_minutes" << YAML::Value << shortest(maxMinutes);
    out << YAML::Key << "checkpoint_every" << YAML::Value << checkpointEvery;
    out << YAML::Key << "keep_last" << YAML::Value << keepLast;
    out << YAML::Key << "eval_every" << YAML::Value << evalEvery;
    out << YAML::Key << "eval_max_utterances" << YAML::Value << evalMaxUtterances;
    out << YAML::Key << "log_every" << YAML::Value << logEvery;
    out << YAML::Key << "seed" << YAML::Value << seed;
    out << YAML::Key << "threads" << YAML::Value << threads;
    out << YAML::Key << "data_workers" << YAML::Value << dataWorkers;
    out << YAML::Key << "prefetch" << YAML::Value << prefetch;
    out << YAML::Key << "device" << YAML::Value << deviceNames().name(device);
    out << YAML::EndMap;
    return io::emittedYaml(out, "the training config");
}

void TrainConfig::save(const std::string& path) const
{
    io::writeFileAtomic(path, toYaml());
}

} // namespace espalier::train
