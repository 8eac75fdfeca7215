#include "core/model/asr_model.h"

#include "core/io/atomic_file.h"
#include "core/model/torch_error.h"

#include <torch/serialize.h>
#include <torch/torch.h>

#include <algorithm>
#include <set>

namespace espalier::model {

namespace {

// "a, b, c and 4 more".
std::string listNames(const std::vector<std::string>& names)
{
    constexpr size_t kShown = 6;
    std::string out;
    for (size_t i = 0; i < names.size() && i < kShown; ++i)
        out += (i ? ", " : "") + names[i];
    if (names.size() > kShown)
        out += " and " + std::to_string(names.size() - kShown) + " more";
    return out;
}

} // namespace

namespace {

[[noreturn]] void doesNotSplit(const AsrModel& model)
{
    throw InputError(model.description() + " does not split its forward pass at blocks (a TorchScript model runs whole)");
}

} // namespace

BlockStream AsrModel::startBlocks(const torch::Tensor&, const torch::Tensor&) { doesNotSplit(*this); }
BlockStream AsrModel::runBlocks(const BlockStream&, int) { doesNotSplit(*this); }
AsrOutput AsrModel::finishBlocks(const BlockStream&) { doesNotSplit(*this); }

std::vector<ParameterInfo> AsrModel::parameterInfos() const
{
    std::vector<ParameterInfo> infos;
    for (const auto& item : namedParameters())
        infos.push_back(describeParameter(item.key(), item.value().sizes().vec()));
    return infos;
}

std::vector<torch::Tensor> AsrModel::parameters() const
{
    return namedParameters().values();
}

int64_t AsrModel::parameterCount() const
{
    int64_t n = 0;
    for (const auto& item : namedParameters())
        n += item.value().numel();
    return n;
}

NamedTensors AsrModel::stateDict() const
{
    NamedTensors state;
    for (const auto& item : namedParameters())
        state.insert(item.key(), item.value());
    for (const auto& item : namedBuffers())
        state.insert(item.key(), item.value());
    return state;
}

void AsrModel::loadStateDict(const NamedTensors& state, const std::string& sourceName)
{
    const NamedTensors own = stateDict();
    std::vector<std::string> missing, unexpected, misshaped;
    for (const auto& item : own) {
        const torch::Tensor* other = state.find(item.key());
        if (!other)
            missing.push_back(item.key());
        else if (other->sizes() != item.value().sizes())
            misshaped.push_back(item.key() + " is " + c10::str(other->sizes()) + " in the file, "
                                + c10::str(item.value().sizes()) + " in the model");
    }
    for (const auto& item : state)
        if (!own.contains(item.key()))
            unexpected.push_back(item.key());
    if (!missing.empty() || !unexpected.empty() || !misshaped.empty()) {
        std::string message = sourceName + ": the weights do not match this model (" + description() + ")";
        if (!missing.empty())
            message += "; missing " + listNames(missing);
        if (!unexpected.empty())
            message += "; unexpected " + listNames(unexpected);
        if (!misshaped.empty())
            message += "; " + listNames(misshaped);
        throw FormatError(message);
    }
    withTorchContext(sourceName, [&] {
        torch::NoGradGuard noGrad;
        for (const auto& item : own)
            item.value().copy_(state[item.key()]);
    });
}

void AsrModel::saveWeights(const std::string& path) const
{
    std::vector<char> bytes = withTorchContext<IoError>(path, [&] {
        c10::Dict<std::string, torch::Tensor> dict;
        for (const auto& item : stateDict())
            dict.insert(item.key(), item.value().detach().to(torch::kCPU).contiguous());
        return torch::pickle_save(c10::IValue(dict));
    });
    io::writeFileAtomic(path, bytes.data(), bytes.size());
}

HostLogProbs toHost(const AsrOutput& output)
{
    return withTorchContext("copying the model output", [&] {
        const torch::Tensor logProbs = output.logProbs.detach().to(torch::kCPU, torch::kFloat).contiguous();
        const torch::Tensor lengths = output.lengths.to(torch::kCPU, torch::kLong).contiguous();
        if (logProbs.dim() != 3 || lengths.dim() != 1 || lengths.size(0) != logProbs.size(0))
            throw InputError("model output: expected log-probabilities [B, T, V] and lengths [B]");
        HostLogProbs host;
        host.batch = int(logProbs.size(0));
        host.frames = int(logProbs.size(1));
        host.vocab = int(logProbs.size(2));
        host.data.assign(logProbs.data_ptr<float>(), logProbs.data_ptr<float>() + logProbs.numel());
        const auto valid = lengths.accessor<int64_t, 1>();
        for (int64_t b = 0; b < valid.size(0); ++b)
            host.lengths.push_back(int(std::clamp<int64_t>(valid[b], 0, host.frames)));
        return host;
    });
}

NamedTensors readWeightsFile(const std::string& path)
{
    const std::string text = io::readFile(path);
    const char* notWeights = ": not a weights file (expected a dict of named tensors, as written by Espalier or "
                             "torch.save(dict(model.state_dict())) in Python)";
    c10::IValue value;
    try {
        value = torch::pickle_load(std::vector<char>(text.begin(), text.end()));
    } catch (const c10::Error& e) {
        // LibTorch's unpickler asserts on Python objects it does not know (OrderedDict, modules).
        const std::string why = torchMessage(e);
        throw FormatError(path + notWeights + ": "
                          + (why.find("INTERNAL ASSERT") != std::string::npos ? "it holds Python objects LibTorch cannot read" : why));
    } catch (const std::runtime_error& e) {
        throw FormatError(path + notWeights + ": " + torchMessage(std::string(e.what())));
    }
    if (!value.isGenericDict())
        throw FormatError(path + notWeights + "; it holds a " + value.tagKind());
    NamedTensors state;
    for (const auto& entry : value.toGenericDict()) {
        if (!entry.key().isString() || !entry.value().isTensor())
            throw FormatError(path + notWeights + "; found an entry of " + entry.key().tagKind() + " -> "
                              + entry.value().tagKind());
        state.insert(entry.key().toStringRef(), entry.value().toTensor());
    }
    return state;
}

void AsrModel::loadWeights(const std::string& path)
{
    loadStateDict(readWeightsFile(path), path);
}

} // namespace espalier::model
