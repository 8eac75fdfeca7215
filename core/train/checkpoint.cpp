#include "core/train/checkpoint.h"

#include "core/io/atomic_file.h"
#include "core/model/torch_error.h"
#include "core/runtime/error.h"
#include "core/train/run_paths.h"

#include <ATen/CPUGeneratorImpl.h>
#include <nlohmann/json.hpp>
#include <torch/serialize.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <unistd.h>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

constexpr const char* kMagic = "espalier_checkpoint";

nlohmann::json metaToJson(const CheckpointMeta& m)
{
    nlohmann::json j;
    j[kMagic] = CheckpointMeta::kFormatVersion;
    j["step"] = m.step;
    j["epoch"] = m.epoch;
    j["batch_in_epoch"] = m.batchInEpoch;
    j["utterances_seen"] = m.utterancesSeen;
    j["scaler"] = {{"scale", m.scaler.scale}, {"growth_tracker", m.scaler.growthTracker},
                   {"skipped_steps", m.scaler.skippedSteps}};
    j["dev_cer"] = m.devCer ? nlohmann::json(*m.devCer) : nlohmann::json();
    j["best_dev_cer"] = m.bestDevCer ? nlohmann::json(*m.bestDevCer) : nlohmann::json();
    j["best_step"] = m.bestStep;
    j["model_config"] = m.modelConfigYaml;
    j["torchscript"] = m.torchScriptPath;
    j["units"] = m.units;
    const runtime::FbankOptions& f = m.fbank;
    j["fbank"] = {{"sample_rate", f.sampleRate},       {"num_mel_bins", f.numMelBins}, {"frame_length_ms", f.frameLengthMs},
                  {"frame_shift_ms", f.frameShiftMs},  {"dither", f.dither},           {"preemphasis", f.preemphasis},
                  {"remove_dc_offset", f.removeDcOffset}, {"snip_edges", f.snipEdges}, {"low_freq", f.lowFreq},
                  {"high_freq", f.highFreq},           {"input_scale", f.inputScale},  {"energy_floor", f.energyFloor}};
    j["train_config"] = m.trainConfigYaml;
    return j;
}

CheckpointMeta metaFromJson(const std::string& text, const std::string& path)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        if (!j.contains(kMagic))
            throw FormatError(path + ": not an Espalier checkpoint (no " + kMagic + " entry)");
        const int version = j.at(kMagic).get<int>();
        if (version > CheckpointMeta::kFormatVersion)
            throw FormatError(path + ": checkpoint format " + std::to_string(version)
                              + " is newer than this Espalier reads; upgrade Espalier");
        CheckpointMeta m;
        m.step = j.at("step").get<long long>();
        m.epoch = j.at("epoch").get<long long>();
        m.batchInEpoch = j.at("batch_in_epoch").get<long long>();
        m.utterancesSeen = j.value("utterances_seen", 0LL);
        const auto& s = j.at("scaler");
        m.scaler.scale = s.at("scale").get<double>();
        m.scaler.growthTracker = s.at("growth_tracker").get<int>();
        m.scaler.skippedSteps = s.at("skipped_steps").get<long long>();
        if (!j.at("dev_cer").is_null())
            m.devCer = j.at("dev_cer").get<double>();
        if (!j.at("best_dev_cer").is_null())
            m.bestDevCer = j.at("best_dev_cer").get<double>();
        m.bestStep = j.at("best_step").get<long long>();
        m.modelConfigYaml = j.at("model_config").get<std::string>();
        m.torchScriptPath = j.at("torchscript").get<std::string>();
        m.units = j.at("units").get<std::string>();
        if (j.contains("fbank")) {
            const auto& f = j.at("fbank");
            m.fbank.sampleRate = f.at("sample_rate").get<int>();
            m.fbank.numMelBins = f.at("num_mel_bins").get<int>();
            m.fbank.frameLengthMs = f.at("frame_length_ms").get<float>();
            m.fbank.frameShiftMs = f.at("frame_shift_ms").get<float>();
            m.fbank.dither = f.at("dither").get<float>();
            m.fbank.preemphasis = f.at("preemphasis").get<float>();
            m.fbank.removeDcOffset = f.at("remove_dc_offset").get<bool>();
            m.fbank.snipEdges = f.at("snip_edges").get<bool>();
            m.fbank.lowFreq = f.at("low_freq").get<float>();
            m.fbank.highFreq = f.at("high_freq").get<float>();
            m.fbank.inputScale = f.at("input_scale").get<float>();
            m.fbank.energyFloor = f.at("energy_floor").get<float>();
        }
        m.trainConfigYaml = j.value("train_config", std::string());
        if (m.step < 0 || m.epoch < 0 || m.batchInEpoch < 0)
            throw FormatError(path + ": checkpoint has a negative step, epoch or data position");
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path + ": malformed checkpoint metadata: " + e.what());
    }
}

c10::Dict<std::string, torch::Tensor> toDict(const model::NamedTensors& tensors)
{
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& item : tensors)
        dict.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
    return dict;
}

c10::Dict<std::string, torch::Tensor> toDict(const MaskMap& masks)
{
    c10::Dict<std::string, torch::Tensor> dict;
    for (const auto& [name, mask] : masks)
        dict.insert(name, mask.detach().to(torch::kCPU).contiguous());
    return dict;
}

// Opens the archive, turning LibTorch's errors into a FormatError that names the file.
void openArchive(torch::serialize::InputArchive& archive, const std::string& path)
{
    std::error_code ec;
    if (!fs::is_regular_file(path, ec))
        throw IoError("no checkpoint at '" + path + "'");
    try {
        archive.load_from(path);
    } catch (const c10::Error& e) {
        throw FormatError(path + ": not an Espalier checkpoint: " + model::torchMessage(e));
    }
}

CheckpointMeta readMeta(torch::serialize::InputArchive& archive, const std::string& path)
{
    c10::IValue meta;
    if (!archive.try_read("meta", meta) || !meta.isString())
        throw FormatError(path + ": not an Espalier checkpoint (no metadata)");
    return metaFromJson(meta.toStringRef(), path);
}

model::NamedTensors readTensorDict(torch::serialize::InputArchive& archive, const char* key, const std::string& path,
                                   bool required = true)
{
    c10::IValue value;
    const bool present = archive.try_read(key, value);
    if (!present && !required)
        return model::NamedTensors();
    if (!present || !value.isGenericDict())
        throw FormatError(path + ": checkpoint has no " + key + " tensors");
    model::NamedTensors out;
    for (const auto& entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw FormatError(path + ": checkpoint's " + key + " entry is not a dict of named tensors");
        out.insert(entry.key().toStringRef(), entry.value().toTensor());
    }
    return out;
}

} // namespace

torch::Tensor cpuRngState()
{
    auto generator = at::detail::getDefaultCPUGenerator();
    std::lock_guard<std::mutex> lock(generator.mutex());
    return generator.get_state();
}

void saveCheckpoint(const std::string& path, const model::AsrModel& model, const torch::optim::Optimizer* optimizer,
                    const CheckpointMeta& meta, const MaskMap& masks, const torch::Tensor& rngState,
                    const MaskMap& prunerState)
{
    torch::serialize::OutputArchive archive;
    model::withTorchContext<IoError>("checkpoint '" + path + "'", [&] {
        archive.write("meta", c10::IValue(metaToJson(meta).dump()));
        archive.write("model", c10::IValue(toDict(model.stateDict())));
        archive.write("masks", c10::IValue(toDict(masks)));
        if (!prunerState.empty())
            archive.write("pruner_state", c10::IValue(toDict(prunerState)));
        archive.write("rng_cpu", rngState.defined() ? rngState : cpuRngState());
        if (optimizer) {
            torch::serialize::OutputArchive optimizerArchive;
            optimizer->save(optimizerArchive);
            archive.write("optimizer", optimizerArchive);
        }
    });
    fs::create_directories(fs::path(path).parent_path().empty() ? fs::path(".") : fs::path(path).parent_path());
    io::writeAtomicWith(path, [&](const std::string& tmp) {
        model::withTorchContext<IoError>("cannot write checkpoint '" + path + "'", [&] { archive.save_to(tmp); });
    });
}

LoadedCheckpoint loadCheckpoint(const std::string& path, model::AsrModel& model, torch::optim::Optimizer* optimizer)
{
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    LoadedCheckpoint loaded;
    loaded.meta = readMeta(archive, path);
    model.loadStateDict(readTensorDict(archive, "model", path), path);
    for (const auto& item : readTensorDict(archive, "masks", path))
        loaded.masks[item.key()] = item.value();
    for (const auto& item : readTensorDict(archive, "pruner_state", path, /*required=*/false))
            loaded.prunerState[item.key()] = item.value();
    model::withTorchContext<FormatError>(path, [&] {
        torch::Tensor rng;
        if (archive.try_read("rng_cpu", rng)) {
            auto generator = at::detail::getDefaultCPUGenerator();
            std::lock_guard<std::mutex> lock(generator.mutex());
            generator.set_state(rng);
        }
        if (optimizer) {
            torch::serialize::InputArchive optimizerArchive;
            if (!archive.try_read("optimizer", optimizerArchive))
                throw FormatError(path + ": checkpoint has no optimiser state (it cannot resume training)");
            optimizer->load(optimizerArchive);
        }
    });
    return loaded;
}

CheckpointMeta readCheckpointMeta(const std::string& path)
{
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    return readMeta(archive, path);
}

std::unique_ptr<model::AsrModel> loadModelFromCheckpoint(const std::string& path, CheckpointMeta* metaOut)
{
    torch::serialize::InputArchive archive;
    openArchive(archive, path);
    const CheckpointMeta meta = readMeta(archive, path);
    std::unique_ptr<model::AsrModel> model;
    if (!meta.modelConfigYaml.empty())
        model = model::createModel(model::ModelConfig::fromYaml(meta.modelConfigYaml, path + " (model config)"));
    else if (!meta.torchScriptPath.empty())
        model = model::loadTorchScriptModel(meta.torchScriptPath);
    else
        throw FormatError(path + ": checkpoint names no model (neither a model config nor a TorchScript file)");
    model->loadStateDict(readTensorDict(archive, "model", path), path);
    model->train(false);
    if (metaOut)
        *metaOut = meta;
    return model;
}

data::CharTokenizer checkpointTokenizer(const CheckpointMeta& meta, const std::string& sourceName)
{
    // CharTokenizer reads units.txt files only: go through a private temporary file.
    char pattern[] = "/tmp/espalier-units-XXXXXX";
    const int fd = ::mkstemp(pattern);
    if (fd < 0)
        throw IoError("cannot create a temporary file for the vocabulary of " + sourceName);
    ::close(fd);
    const std::string tmp = pattern;
    try {
        io::writeFileAtomic(tmp, meta.units);
        data::CharTokenizer tokenizer = data::CharTokenizer::load(tmp);
        fs::remove(tmp);
        return tokenizer;
    } catch (const Error& e) {
        std::error_code ec;
        fs::remove(tmp, ec);
        throw FormatError(sourceName + ": bad vocabulary in the checkpoint: " + e.what());
    }
}

CheckpointStore::CheckpointStore(std::string dir, int keepLast) : dir_(std::move(dir)), keepLast_(std::max(1, keepLast)) {}

std::string CheckpointStore::pathForStep(long long step) const
{
    return stepCheckpointPath(dir_, step);
}

std::vector<std::string> CheckpointStore::stepCheckpoints() const
{
    return stepCheckpointsIn(dir_);
}

std::string CheckpointStore::latest() const
{
    const auto all = stepCheckpoints();
    return all.empty() ? std::string() : all.back();
}

std::string CheckpointStore::bestPath() const { return (fs::path(dir_) / "best.pt").string(); }

std::string CheckpointStore::save(const model::AsrModel& model, const torch::optim::Optimizer* optimizer,
                                  const CheckpointMeta& meta, const MaskMap& masks, const torch::Tensor& rngState,
                                  const MaskMap& prunerState)
{
    fs::create_directories(dir_);
    const std::string path = pathForStep(meta.step);
    saveCheckpoint(path, model, optimizer, meta, masks, rngState, prunerState);
    if (meta.bestStep == meta.step && meta.devCer) {
        // A hard link shares the bytes; renaming it over best.pt replaces the old best atomically.
        const std::string tmp = (fs::path(dir_) / ".best.pt.tmp").string();  // hidden, like every temporary
        std::error_code ec;
        fs::remove(tmp, ec);
        fs::create_hard_link(path, tmp, ec);
        if (ec) {
            ec.clear();
            fs::copy_file(path, tmp, fs::copy_options::overwrite_existing, ec);
            if (ec)
                throw IoError("cannot write '" + tmp + "': " + ec.message());
        }
        fs::rename(tmp, bestPath(), ec);
        if (ec)
            throw IoError("cannot write '" + bestPath() + "': " + ec.message());
        const nlohmann::json best = {{"step", meta.step}, {"dev_cer", *meta.devCer},
                                     {"file", fs::path(path).filename().string()}};
        io::writeFileAtomic((fs::path(dir_) / "best.json").string(), best.dump(2) + "\n");
    }
    auto all = stepCheckpoints();
    while (all.size() > size_t(keepLast_)) {
        std::error_code ec;
        fs::remove(all.front(), ec);
        all.erase(all.begin());
    }
    return path;
}

} // namespace espalier::train
