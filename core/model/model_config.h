#pragma once
// The reference models' architecture as plain data (torch-free): type, sizes, positions, CMVN, with
// presets, validation and YAML (docs/formats/model-config.md).
#include "core/runtime/enum_names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espalier::model {

enum class ModelType { Conformer, Transformer };
enum class PositionalEncoding { Relative, Absolute };
enum class Subsampling { Conv2d4 };

// Global CMVN applied inside the model (WeNet's GlobalCMVN): (x - mean) * istd per feature bin.
struct CmvnConfig {
    std::string jsonPath;    // WeNet global_cmvn JSON as written in the config ("" when inline or none)
    std::vector<float> mean; // per input bin; empty = no normalisation (identity)
    std::vector<float> istd; // 1 / stddev per input bin

    bool enabled() const { return !mean.empty(); }
    bool operator==(const CmvnConfig& o) const { return jsonPath == o.jsonPath && mean == o.mean && istd == o.istd; }
};

// One violated rule of a config: the YAML field and what is wrong with it.
struct ConfigProblem {
    std::string field;
    std::string message;
};

// One encoder block's widths when structured pruning removed channels or heads physically.
struct BlockShape {
    int ffnDim = 0;        // feed_forward hidden units
    int macaronFfnDim = 0; // feed_forward_macaron hidden units (Conformer with macaron; else equals ffnDim)
    int heads = 0;         // attention heads kept; each keeps the config's head width (attention_dim / heads)

    bool operator==(const BlockShape& o) const
    {
        return ffnDim == o.ffnDim && macaronFfnDim == o.macaronFfnDim && heads == o.heads;
    }
    bool operator!=(const BlockShape& o) const { return !(*this == o); }
};

struct ModelConfig {
    static constexpr int kFormatVersion = 1;

    ModelType type = ModelType::Conformer;
    std::string size;            // preset the values started from ("tiny", "small", "base"); informational
    int inputDim = 80;           // fbank bins
    int vocabSize = 0;           // output units, <blank> (id 0) included; 0 = not set yet (take the tokenizer's)
    int attentionDim = 144;
    int heads = 4;
    int ffnDim = 576;
    int numBlocks = 8;
    int cnnKernel = 15;          // Conformer only: depthwise convolution kernel (odd)
    double dropout = 0.1;        // residual, positional, feed-forward and attention dropout
    PositionalEncoding positional = PositionalEncoding::Relative;
    bool macaron = true;         // Conformer only: half-step feed-forward before attention
    Subsampling subsampling = Subsampling::Conv2d4;
    CmvnConfig cmvn;
    // Per-block widths after structured pruning (YAML `blocks`); empty when every block has ffn_dim and
    // heads. heads stays the unpruned count: it fixes the head width attention_dim / heads.
    std::vector<BlockShape> blockShapes;
    // Output channels of the two subsampling convolutions after structured pruning (YAML
    // `subsampling_channels: [c1, c2]`); 0 = attention_dim, the unpruned width.
    int subsamplingChannels[2] = {0, 0};
    int subsamplingWidth(int conv) const { return subsamplingChannels[conv] > 0 ? subsamplingChannels[conv] : attentionDim; }

    // Block i's widths (its entry in blockShapes, or the uniform ffn_dim and heads).
    BlockShape blockShape(int i) const;
    int headDim() const { return attentionDim / heads; }

    // Size presets (Conformer encoder parameters, the CTC head adds (attention_dim + 1) x vocab):
    // "tiny" (tests, 0.32 M), "small" (4.6 M) and "base" (33.5 M, WeNet's AISHELL Conformer encoder).
    // Transformers have the same widths, absolute positions and no macaron or conv module.
    static ModelConfig preset(const std::string& size, ModelType type = ModelType::Conformer, int vocabSize = 0);
    static std::vector<std::string> presetNames();

    // Every violated rule (heads divide attention_dim, odd kernel, CMVN sizes, sane bounds, ...).
    std::vector<ConfigProblem> problems() const;
    // Throws InputError "model config: field: problem" for the first problem.
    void validate() const;

    // Trainable parameters of the model this config builds (equals the LibTorch model's count).
    int64_t parameterCount() const;
    // Output frames for an input of `frames` frames (conv2d4: ((frames - 1) / 2 - 1) / 2, at least 0).
    static int64_t subsampledLength(int64_t frames);
    // Fewest input frames that give one output frame.
    static constexpr int kMinFrames = 7;

    // YAML with every field; errors name sourceName, the line and the field. A relative cmvn path is
    // read from baseDir. Fields left out take the values of `size` (default "small") for `type`.
    static ModelConfig fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir = {});
    static ModelConfig load(const std::string& path);
    std::string toYaml() const;
    void save(const std::string& path) const; // atomic

    bool operator==(const ModelConfig& o) const;
    bool operator!=(const ModelConfig& o) const { return !(*this == o); }
};

const EnumNames<ModelType>& modelTypeNames();                // "conformer", "transformer"
const EnumNames<PositionalEncoding>& positionalNames();      // "relative", "absolute"
const EnumNames<Subsampling>& subsamplingNames();            // "conv2d4"

// Parts of a model that can be kept in float32 under autocast (the mixed-precision policy), for
// display and for validating a policy a user edits. inModel is false for what the trainer computes.
struct Fp32ModuleKind {
    const char* name;
    const char* description;
    bool inModel;
};
const std::vector<Fp32ModuleKind>& fp32ModuleKinds();
// The default policy: every kind above.
std::vector<std::string> defaultFp32Policy();

} // namespace espalier::model
