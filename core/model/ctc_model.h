#pragma once
// The reference Conformer-CTC / Transformer-CTC models behind AsrModel (see createModel).
#include "core/model/asr_model.h"
#include "core/model/encoder_layers.h"

namespace espalier::model {

class CtcModel : public AsrModel {
public:
    explicit CtcModel(const ModelConfig& config); // the config must be valid

    AsrOutput forward(const torch::Tensor& features, const torch::Tensor& lengths,
                      const ForwardOptions& options = {}) override;
    NamedTensors namedParameters() const override;
    NamedTensors namedBuffers() const override;
    void train(bool on = true) override;
    bool isTraining() const override;
    torch::Device device() const override;
    int inputDim() const override { return config_.inputDim; }
    int vocabularySize() const override { return config_.vocabSize; }
    int numBlocks() const override { return config_.numBlocks; }
    bool providesBlockOutputs() const override { return true; }
    const ModelConfig* config() const override { return &config_; }
    std::string description() const override;
    std::vector<std::string> fp32Policy() const override;
    void setFp32Policy(const std::vector<std::string>& names) override;
    std::unique_ptr<AsrModel> clone() const override;
    bool splitsAtBlocks() const override { return true; }
    BlockStream startBlocks(const torch::Tensor& features, const torch::Tensor& lengths) override;
    BlockStream runBlocks(const BlockStream& stream, int until) override;
    AsrOutput finishBlocks(const BlockStream& stream) override;

    // The torch module itself, for code inside core/model.
    layers::CtcNet& net() { return net_; }

protected:
    void moveTo(c10::optional<torch::Device> device, c10::optional<torch::Dtype> dtype) override;

private:
    std::string kindName() const; // "Conformer-CTC small"
    // Checks features and lengths as forward() documents; returns the lengths on the CPU as int64.
    torch::Tensor checkedLengths(const torch::Tensor& features, const torch::Tensor& lengths) const;

    ModelConfig config_;
    std::shared_ptr<layers::Fp32Flags> flags_;
    layers::CtcNet net_{nullptr};
};

} // namespace espalier::model
