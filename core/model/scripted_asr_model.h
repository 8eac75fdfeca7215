#pragma once
// A user's TorchScript model behind AsrModel (see loadTorchScriptModel): forward(features, lengths)
// must return (log_probs [B, T', V], lengths [B]) and may add a list of block outputs [B, T', D].
#include "core/model/asr_model.h"

#include <torch/script.h>

namespace espalier::model {

class ScriptedAsrModel : public AsrModel {
public:
    // Checks forward's signature; sourceName names the file in errors.
    ScriptedAsrModel(torch::jit::Module module, std::string sourceName);
    // torch::jit::load with errors naming the file (IoError when unreadable, FormatError otherwise).
    static std::unique_ptr<ScriptedAsrModel> load(const std::string& path);

    AsrOutput forward(const torch::Tensor& features, const torch::Tensor& lengths,
                      const ForwardOptions& options = {}) override;
    NamedTensors namedParameters() const override;
    NamedTensors namedBuffers() const override;
    void train(bool on = true) override;
    bool isTraining() const override;
    torch::Device device() const override;
    // The module's int attribute input_dim, else 80.
    int inputDim() const override { return inputDim_; }
    // The int attribute vocab_size, else the head's output rows, else learnt at the first forward.
    int vocabularySize() const override { return vocab_; }
    int numBlocks() const override { return numBlocks_; }
    bool providesBlockOutputs() const override { return blockOutputs_; }
    const ModelConfig* config() const override { return nullptr; }
    std::string description() const override;
    std::vector<std::string> fp32Policy() const override { return {}; }
    void setFp32Policy(const std::vector<std::string>&) override {}
    std::unique_ptr<AsrModel> clone() const override;

    torch::jit::Module& module() { return module_; }
    const std::string& sourceName() const { return source_; }

protected:
    void moveTo(c10::optional<torch::Device> device, c10::optional<torch::Dtype> dtype) override;

private:
    torch::jit::Module module_;
    std::string source_;
    int inputDim_ = 80;
    int vocab_ = -1;
    int numBlocks_ = 0;
    bool blockOutputs_ = false;
    bool checkedOutput_ = false;
};

} // namespace espalier::model
