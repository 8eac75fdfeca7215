#include "core/model/scripted_asr_model.h"

#include "core/model/torch_error.h"

#include <filesystem>

namespace espalier::model {

namespace {

const char* kSignature = "Espalier needs forward(features: Tensor [B, T, F], lengths: Tensor [B]) -> "
                         "Tuple[Tensor, Tensor] (log-probabilities [B, T', V], output lengths [B]), "
                         "optionally with a List[Tensor] of block outputs as a third element";

bool isTensorType(const c10::TypePtr& type)
{
    return type->kind() == c10::TypeKind::TensorType;
}

int intAttribute(const torch::jit::Module& module, const char* name, int fallback)
{
    if (!module.hasattr(name))
        return fallback;
    const c10::IValue value = module.attr(name);
    return value.isInt() ? int(value.toInt()) : fallback;
}

} // namespace

ScriptedAsrModel::ScriptedAsrModel(torch::jit::Module module, std::string sourceName)
    : module_(std::move(module)), source_(std::move(sourceName))
{
    const auto method = module_.find_method("forward");
    if (!method)
        throw FormatError(source_ + ": the TorchScript model has no forward method; " + kSignature);
    const c10::FunctionSchema& schema = method->function().getSchema();
    const auto& args = schema.arguments(); // self first
    std::string declared = "forward(";
    for (size_t i = 1; i < args.size(); ++i)
        declared += (i > 1 ? ", " : "") + args[i].name() + ": " + args[i].type()->annotation_str();
    declared += ") -> " + (schema.returns().empty() ? std::string("None") : schema.returns()[0].type()->annotation_str());
    const std::string mismatch = source_ + ": the model's " + declared + " does not fit; " + kSignature;
    if (args.size() != 3 || !isTensorType(args[1].type()) || !isTensorType(args[2].type()) || schema.returns().size() != 1)
        throw FormatError(mismatch);
    const auto tuple = schema.returns()[0].type()->cast<c10::TupleType>();
    if (!tuple || tuple->elements().size() < 2 || tuple->elements().size() > 3 || !isTensorType(tuple->elements()[0])
        || !isTensorType(tuple->elements()[1]))
        throw FormatError(mismatch);
    if (tuple->elements().size() == 3) {
        const auto list = tuple->elements()[2]->cast<c10::ListType>();
        if (!list || !isTensorType(list->getElementType()))
            throw FormatError(mismatch);
        blockOutputs_ = true;
    }

    // Parameters are trainable here (fine-tuning, pruning), whatever flag they were saved with.
    for (torch::Tensor p : module_.parameters(true))
        if (torch::isFloatingType(p.scalar_type()) && !p.requires_grad())
            p.set_requires_grad(true);
    inputDim_ = intAttribute(module_, "input_dim", 80);
    vocab_ = intAttribute(module_, "vocab_size", -1);
    for (const ParameterInfo& info : parameterInfos()) {
        numBlocks_ = std::max(numBlocks_, info.block + 1);
        if (vocab_ < 0 && info.role == ParameterInfo::Role::Head && info.prunable && info.shape.size() == 2)
            vocab_ = int(info.shape[0]);
    }
}

std::unique_ptr<ScriptedAsrModel> ScriptedAsrModel::load(const std::string& path)
{
    std::error_code ec;
    if (!std::filesystem::is_regular_file(path, ec))
        throw IoError("cannot read model '" + path + "': no such file");
    torch::jit::Module module;
    try {
        module = torch::jit::load(path, torch::kCPU);
    } catch (const c10::Error& e) {
        throw FormatError(path + ": not a TorchScript model (expected a file saved by torch.jit.save): " + torchMessage(e));
    } catch (const std::runtime_error& e) {
        throw FormatError(path + ": not a TorchScript model (expected a file saved by torch.jit.save): "
                          + torchMessage(std::string(e.what())));
    }
    return std::make_unique<ScriptedAsrModel>(std::move(module), path);
}

AsrOutput ScriptedAsrModel::forward(const torch::Tensor& features, const torch::Tensor& lengths, const ForwardOptions& options)
{
    if (!features.defined() || features.dim() != 3)
        throw InputError(source_ + ": features must be [batch, frames, bins], got "
                         + (features.defined() ? c10::str(features.sizes()) : std::string("nothing")));
    if (!lengths.defined() || lengths.dim() != 1 || lengths.size(0) != features.size(0))
        throw InputError(source_ + ": lengths must be [" + std::to_string(features.size(0)) + "], got "
                         + (lengths.defined() ? c10::str(lengths.sizes()) : std::string("nothing")));
    if (options.featureMaps)
        throw InputError(source_ + ": a TorchScript model's channels cannot be measured or removed (its architecture "
                                   "is not known); structured and layer pruning need a reference model");
    const torch::Device dev = device();
    const c10::IValue result = withTorchContext<InputError>(source_ + ": forward failed", [&] {
        return module_.forward({features.to(dev), lengths.to(dev, torch::kLong)});
    });

    const std::string bad = source_ + ": forward returned ";
    if (!result.isTuple() || result.toTupleRef().elements().size() < 2)
        throw InputError(bad + "a " + result.tagKind() + "; " + kSignature);
    const auto& elements = result.toTupleRef().elements();
    if (!elements[0].isTensor() || !elements[1].isTensor())
        throw InputError(bad + "(" + elements[0].tagKind() + ", " + elements[1].tagKind() + "); " + kSignature);
    AsrOutput out;
    out.logProbs = elements[0].toTensor();
    out.lengths = elements[1].toTensor();
    const int64_t batch = features.size(0);
    if (out.logProbs.dim() != 3 || out.logProbs.size(0) != batch)
        throw InputError(bad + "log-probabilities of shape " + c10::str(out.logProbs.sizes()) + "; expected [" +
                         std::to_string(batch) + ", frames, vocabulary]");
    if (out.lengths.dim() != 1 || out.lengths.size(0) != batch)
        throw InputError(bad + "lengths of shape " + c10::str(out.lengths.sizes()) + "; expected [" + std::to_string(batch) + "]");
    out.lengths = out.lengths.to(torch::kLong);
    if (options.blockOutputs && blockOutputs_ && elements.size() > 2)
        out.blockOutputs = elements[2].toTensorVector();

    if (!checkedOutput_ && out.logProbs.numel() > 0) {
        // Log-probabilities sum to one over the vocabulary; raw logits would silently mistrain CTC.
        const double logSum = torch::logsumexp(out.logProbs.index({0, 0}).to(torch::kFloat), 0).item<double>();
        if (std::abs(logSum) > 0.05)
            throw InputError(bad + "scores that are not log-probabilities (log-sum-exp over the vocabulary is "
                             + std::to_string(logSum) + "); end forward with log_softmax(x, dim=-1)");
        if (vocab_ < 0)
            vocab_ = int(out.logProbs.size(2));
        checkedOutput_ = true;
    }
    return out;
}

NamedTensors ScriptedAsrModel::namedParameters() const
{
    NamedTensors out;
    for (const auto& p : module_.named_parameters(true))
        out.insert(p.name, p.value);
    return out;
}

NamedTensors ScriptedAsrModel::namedBuffers() const
{
    NamedTensors out;
    for (const auto& b : module_.named_buffers(true))
        out.insert(b.name, b.value);
    return out;
}

void ScriptedAsrModel::train(bool on)
{
    withTorchContext(source_, [&] { module_.train(on); });
}

bool ScriptedAsrModel::isTraining() const
{
    return module_.is_training();
}

torch::Device ScriptedAsrModel::device() const
{
    for (const auto& p : module_.parameters(true))
        return p.device();
    return torch::kCPU;
}

std::string ScriptedAsrModel::description() const
{
    return "TorchScript model " + std::filesystem::path(source_).filename().string() + ", "
           + std::to_string(parameterCount()) + " parameters";
}

std::unique_ptr<AsrModel> ScriptedAsrModel::clone() const
{
    torch::jit::Module copy = withTorchContext(source_, [&] { return module_.clone(); });
    auto model = std::make_unique<ScriptedAsrModel>(std::move(copy), source_);
    model->vocab_ = vocab_;
    model->checkedOutput_ = checkedOutput_;
    return model;
}

void ScriptedAsrModel::moveTo(c10::optional<torch::Device> device, c10::optional<torch::Dtype> dtype)
{
    withTorchContext(source_, [&] {
        if (device && dtype)
            module_.to(*device, *dtype);
        else if (device)
            module_.to(*device);
        else if (dtype)
            module_.to(*dtype);
    });
}

std::unique_ptr<AsrModel> loadTorchScriptModel(const std::string& path)
{
    return ScriptedAsrModel::load(path);
}

} // namespace espalier::model
