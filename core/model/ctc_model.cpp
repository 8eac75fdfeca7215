#include "core/model/ctc_model.h"

#include "core/model/torch_error.h"

#include <algorithm>
#include <cstdio>

namespace espalier::model {

namespace {

std::string countText(int64_t n)
{
    char buf[32];
    if (n >= 1000000)
        std::snprintf(buf, sizeof buf, "%.1f M", double(n) / 1e6);
    else
        std::snprintf(buf, sizeof buf, "%.0f k", double(n) / 1e3);
    return buf;
}

} // namespace

CtcModel::CtcModel(const ModelConfig& config)
    : config_(config), flags_(std::make_shared<layers::Fp32Flags>()), net_(layers::CtcNet(config_, flags_))
{
}

torch::Tensor CtcModel::checkedLengths(const torch::Tensor& features, const torch::Tensor& lengths) const
{
    if (!features.defined() || features.dim() != 3 || features.size(2) != config_.inputDim
        || !torch::isFloatingType(features.scalar_type()))
        throw InputError("model input: features must be a float tensor [batch, frames, " + std::to_string(config_.inputDim)
                         + "], got " + (features.defined() ? c10::str(features.sizes()) : std::string("nothing")));
    const int64_t batch = features.size(0), frames = features.size(1);
    if (!lengths.defined() || lengths.dim() != 1 || lengths.size(0) != batch
        || torch::isFloatingType(lengths.scalar_type()))
        throw InputError("model input: lengths must be an integer tensor [" + std::to_string(batch) + "], got "
                         + (lengths.defined() ? c10::str(lengths.sizes()) : std::string("nothing")));
    if (frames < ModelConfig::kMinFrames)
        throw InputError("model input: " + std::to_string(frames) + " frames is too short; conv2d4 subsampling needs at least "
                         + std::to_string(ModelConfig::kMinFrames));
    const torch::Tensor lens = lengths.to(torch::kCPU, torch::kLong);
    if (batch > 0 && (lens.min().item<int64_t>() < 0 || lens.max().item<int64_t>() > frames))
        throw InputError("model input: lengths must be within [0, " + std::to_string(frames) + "] (the padded frame count)");
    return lens;
}

AsrOutput CtcModel::forward(const torch::Tensor& features, const torch::Tensor& lengths, const ForwardOptions& options)
{
    const torch::Tensor lens = checkedLengths(features, lengths);
    return withTorchContext(kindName() + " forward", [&] {
        const torch::Device dev = device();
        layers::EncoderOutput encoded =
            net_->encoder->forward(features.to(dev), lens.to(dev), options.blockOutputs, options.featureMaps);
        AsrOutput out;
        out.logProbs = net_->ctc->forward(encoded.x);
        out.lengths = encoded.lengths;
        out.blockOutputs = std::move(encoded.blocks);
        return out;
    });
}

BlockStream CtcModel::startBlocks(const torch::Tensor& features, const torch::Tensor& lengths)
{
    const torch::Tensor lens = checkedLengths(features, lengths);
    return withTorchContext(kindName() + " front end", [&] {
        const torch::Device dev = device();
        auto frame = std::make_shared<layers::EncoderStream>(net_->encoder->frontEnd(features.to(dev), lens.to(dev)));
        BlockStream stream;
        stream.x = frame->x;
        frame->x = torch::Tensor();  // the stream carries x; the frame keeps what every block shares
        stream.frame = frame;
        return stream;
    });
}

BlockStream CtcModel::runBlocks(const BlockStream& stream, int until)
{
    if (!stream.frame || stream.next < 0 || until < stream.next || until > config_.numBlocks)
        throw InputError("runBlocks: blocks " + std::to_string(stream.next) + " to " + std::to_string(until)
                         + " of a model with " + std::to_string(config_.numBlocks));
    const auto& frame = *static_cast<const layers::EncoderStream*>(stream.frame.get());
    return withTorchContext(kindName() + " blocks", [&] {
        BlockStream out = stream;
        for (; out.next < until; ++out.next)
            out.x = net_->encoder->runBlock(frame, out.x, size_t(out.next));
        return out;
    });
}

AsrOutput CtcModel::finishBlocks(const BlockStream& stream)
{
    if (!stream.frame || stream.next != config_.numBlocks)
        throw InputError("finishBlocks: the stream has run " + std::to_string(stream.next) + " of "
                         + std::to_string(config_.numBlocks) + " blocks");
    const auto& frame = *static_cast<const layers::EncoderStream*>(stream.frame.get());
    return withTorchContext(kindName() + " head", [&] {
        AsrOutput out;
        out.logProbs = net_->ctc->forward(net_->encoder->after_norm->forward(stream.x));
        out.lengths = frame.lengths;
        return out;
    });
}

NamedTensors CtcModel::namedParameters() const
{
    return net_->named_parameters(true);
}

NamedTensors CtcModel::namedBuffers() const
{
    return net_->named_buffers(true);
}

void CtcModel::train(bool on)
{
    net_->train(on);
}

bool CtcModel::isTraining() const
{
    return net_->is_training();
}

torch::Device CtcModel::device() const
{
    return net_->encoder->after_norm->weight.device();
}

std::string CtcModel::kindName() const
{
    std::string name = config_.type == ModelType::Conformer ? "Conformer-CTC" : "Transformer-CTC";
    return config_.size.empty() ? name : name + " " + config_.size;
}

std::string CtcModel::description() const
{
    return kindName() + ", " + countText(parameterCount()) + " parameters";
}

std::vector<std::string> CtcModel::fp32Policy() const
{
    std::vector<std::string> names;
    if (flags_->frontEnd)
        names.push_back("front_end");
    if (flags_->layerNorm)
        names.push_back("layer_norm");
    if (flags_->attentionSoftmax)
        names.push_back("attention_softmax");
    if (flags_->ctcLogSoftmax)
        names.push_back("ctc_log_softmax");
    return names;
}

void CtcModel::setFp32Policy(const std::vector<std::string>& names)
{
    layers::Fp32Flags flags;
    flags.frontEnd = flags.layerNorm = flags.attentionSoftmax = flags.ctcLogSoftmax = false;
    for (const std::string& name : names) {
        if (name == "front_end")
            flags.frontEnd = true;
        else if (name == "layer_norm")
            flags.layerNorm = true;
        else if (name == "attention_softmax")
            flags.attentionSoftmax = true;
        else if (name == "ctc_log_softmax")
            flags.ctcLogSoftmax = true;
        else if (name != "ctc_loss")
            throw InputError("unknown float32 policy entry '" + name
                             + "' (expected front_end, layer_norm, attention_softmax, ctc_log_softmax or ctc_loss)");
    }
    *flags_ = flags;
}

std::unique_ptr<AsrModel> CtcModel::clone() const
{
    auto copy = std::make_unique<CtcModel>(config_);
    *copy->flags_ = *flags_;
    const torch::Tensor like = net_->encoder->after_norm->weight;
    copy->moveTo(like.device(), like.scalar_type());
    withTorchContext(kindName(), [&] {
        torch::NoGradGuard noGrad;
        const NamedTensors from = stateDict();
        for (const auto& item : copy->stateDict())
            item.value().copy_(from[item.key()]);
    });
    copy->train(isTraining());
    return copy;
}

void CtcModel::moveTo(c10::optional<torch::Device> device, c10::optional<torch::Dtype> dtype)
{
    withTorchContext(kindName(), [&] {
        if (device && dtype)
            net_->to(*device, *dtype);
        else if (device)
            net_->to(*device);
        else if (dtype)
            net_->to(*dtype);
    });
}

std::unique_ptr<AsrModel> createModel(const ModelConfig& config)
{
    config.validate();
    return withTorchContext("creating the model", [&] { return std::unique_ptr<AsrModel>(std::make_unique<CtcModel>(config)); });
}

} // namespace espalier::model
