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
#include <filesystem>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

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
    return parseCheckpointMeta(meta.toStringRef(), path);
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
        archive.write("meta", c10::IValue(checkpointMetaJson(meta)));
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
    // Serialised in memory, then written by us: LibTorch 1.13's own file writer terminates the
    // process (an exception from a destructor) when the disk is full.
    std::string bytes;
    model::withTorchContext<IoError>("cannot write checkpoint '" + path + "'", [&] {
        archive.save_to([&bytes](const void* data, size_t size) {
            bytes.append(static_cast<const char*>(data), size);
            return size;
        });
    });
    io::writeFileAtomic(path, bytes);
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
