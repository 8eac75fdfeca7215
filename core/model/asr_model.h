#pragma once
// The one model interface the trainer, pruning, sensitivity analysis, distillation, evaluation and
// export work against, whether the model is a reference Conformer/Transformer built from a
// ModelConfig or a user's TorchScript file. Torch-facing: torch-free code uses model_config.h and
// parameter_info.h instead.
#include "core/model/feature_maps.h"
#include "core/model/host_output.h"
#include "core/model/model_config.h"
#include "core/model/parameter_info.h"

#include <torch/types.h>
// After types.h: ordered_dict.h uses TORCH_CHECK without including it.
#include <torch/ordered_dict.h>

#include <memory>
#include <string>
#include <vector>

namespace espalier::model {

// Named tensors in a stable order (torch's own dotted names).
using NamedTensors = torch::OrderedDict<std::string, torch::Tensor>;

struct ForwardOptions {
    bool blockOutputs = false; // also return each encoder block's output (layered distillation)
    // Receives each block's channel and head energies (structured pruning). Reference models only: a
    // TorchScript model throws InputError when asked.
    FeatureMapSums* featureMaps = nullptr;
};

struct AsrOutput {
    torch::Tensor logProbs; // [B, T', V] log-softmax over the vocabulary; float32 under the default policy
    torch::Tensor lengths;  // [B] int64, valid frames of each row of logProbs (frames beyond are padding)
    std::vector<torch::Tensor> blockOutputs; // [B, T', D] per block, when asked and providesBlockOutputs()
};

// The encoder between two blocks of one batch: a forward pass in pieces, so code that changes the
// weights of block k only (the sensitivity lab) reuses what blocks before k computed.
struct BlockStream {
    torch::Tensor x;                    // [B, T', D]: the input of block `next`
    int next = 0;                       // blocks already run
    std::shared_ptr<const void> frame;  // the model's own padding, positions and lengths for the batch
};

class AsrModel {
public:
    AsrModel() = default;
    AsrModel(const AsrModel&) = delete;
    AsrModel& operator=(const AsrModel&) = delete;
    virtual ~AsrModel() = default;

    // features [B, T, inputDim()] float32 fbank (before CMVN: the model applies its own), lengths [B]
    // int64 valid frames per row. Rows are independent: padding never changes a row's valid outputs.
    // Throws InputError for malformed inputs and Error (with context) for LibTorch failures.
    virtual AsrOutput forward(const torch::Tensor& features, const torch::Tensor& lengths,
                              const ForwardOptions& options = {}) = 0;

    // The prunable-parameter registry: one entry per parameter, same names and order as namedParameters().
    virtual std::vector<ParameterInfo> parameterInfos() const;
    // Trainable parameters by name. The tensors alias the model's: change them in place under
    // torch::NoGradGuard (masks, pruning), and hand them to an optimizer.
    virtual NamedTensors namedParameters() const = 0;
    // Non-trainable state saved with the weights (the CMVN statistics).
    virtual NamedTensors namedBuffers() const = 0;
    std::vector<torch::Tensor> parameters() const;
    int64_t parameterCount() const;

    virtual void train(bool on = true) = 0;
    virtual bool isTraining() const = 0;
    void to(torch::Device device) { moveTo(device, c10::nullopt); }
    void to(torch::Dtype dtype) { moveTo(c10::nullopt, dtype); }
    void to(torch::Device device, torch::Dtype dtype) { moveTo(device, dtype); }
    virtual torch::Device device() const = 0;

    virtual int inputDim() const = 0;
    // Output units, <blank> (id 0) included; -1 while unknown (a TorchScript model before its first forward).
    virtual int vocabularySize() const = 0;
    // Encoder blocks (the largest block index in the parameter names + 1 for TorchScript models).
    virtual int numBlocks() const = 0;
    virtual bool providesBlockOutputs() const = 0;
    // The architecture; nullptr for a user's TorchScript model.
    virtual const ModelConfig* config() const = 0;
    // One line for logs and the GUI, e.g. "Conformer-CTC small, 5.1 M parameters".
    virtual std::string description() const = 0;

    // Parts of the model kept in float32 under autocast (names from fp32ModuleKinds(): "front_end",
    // "layer_norm", "attention_softmax", "ctc_log_softmax"). A TorchScript model reports none: it
    // decides its own precision.
    virtual std::vector<std::string> fp32Policy() const = 0;
    // Keeps exactly the named parts in float32 (others follow autocast). Throws InputError for an
    // unknown name; a model that cannot honour a policy (TorchScript) ignores it. "ctc_loss" is accepted
    // and ignored (the trainer computes the loss).
    virtual void setFp32Policy(const std::vector<std::string>& names) = 0;

    // Whether the forward pass splits at blocks (reference models; not a TorchScript model). The three
    // pieces give exactly forward()'s output; each throws InputError when the model does not split.
    virtual bool splitsAtBlocks() const { return false; }
    // The front end (CMVN, subsampling, positions): the stream before block 0.
    virtual BlockStream startBlocks(const torch::Tensor& features, const torch::Tensor& lengths);
    // Blocks stream.next .. until - 1: the stream before block `until`.
    virtual BlockStream runBlocks(const BlockStream& stream, int until);
    // After the last block (stream.next == numBlocks()): the final norm and the CTC head.
    virtual AsrOutput finishBlocks(const BlockStream& stream);

    // A deep copy (same weights, mode, device and policy): teachers, sensitivity restores, averaging.
    virtual std::unique_ptr<AsrModel> clone() const = 0;

    // Parameters then buffers, by name: what saveWeights writes and a trainer checkpoint embeds.
    NamedTensors stateDict() const;
    // Copies state into the model after checking that names and shapes match exactly; on mismatch
    // throws FormatError naming sourceName and the missing, unexpected and mis-shaped tensors, and
    // leaves the model unchanged.
    void loadStateDict(const NamedTensors& state, const std::string& sourceName);

    // Writes stateDict() atomically as a dict of named tensors (torch.load in Python reads it as a
    // state_dict). Bit-exact round trip.
    void saveWeights(const std::string& path) const;
    // Reads a file written by saveWeights, or by torch.save(dict(model.state_dict())) in Python with
    // matching names (a plain dict: LibTorch cannot unpickle the OrderedDict state_dict() returns).
    void loadWeights(const std::string& path);

protected:
    virtual void moveTo(c10::optional<torch::Device> device, c10::optional<torch::Dtype> dtype) = 0;
};

// Builds a reference model (validates the config first; throws InputError naming the field).
std::unique_ptr<AsrModel> createModel(const ModelConfig& config);

// Loads a user's TorchScript model whose forward(features, lengths) returns (log_probs, lengths)
// [, block outputs]. Throws FormatError naming the file when it is not TorchScript or forward has
// another signature.
std::unique_ptr<AsrModel> loadTorchScriptModel(const std::string& path);

// Copies log-probabilities (as float32) and lengths to the host, for decoding without torch.
HostLogProbs toHost(const AsrOutput& output);

// Reads a weights file into named tensors (CPU), checking it is a dict of named tensors.
NamedTensors readWeightsFile(const std::string& path);

} // namespace espalier::model
