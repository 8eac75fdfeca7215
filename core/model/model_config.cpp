#include "core/model/model_config.h"

#include "core/audio/cmvn.h"
#include "core/io/atomic_file.h"
#include "core/io/yaml_document.h"
#include "core/io/yaml_reader.h"
#include "core/model/model_config_yaml.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <limits>

namespace espalier::model {

namespace {

// Bounds that keep a malformed config from asking for absurd allocations.
constexpr int kMaxInputDim = 1024;
constexpr int kMaxVocab = 1000000;
constexpr int kMaxAttentionDim = 8192;
constexpr int kMaxFfnDim = 65536;
constexpr int kMaxBlocks = 256;
constexpr int kMaxKernel = 255;

const io::YamlDocumentSpec kDocument{
    "a model config (a map with type, size, vocab_size, ...)",
    {"espalier_model", "type", "size", "input_dim", "vocab_size", "attention_dim", "heads", "ffn_dim", "num_blocks",
     "cnn_kernel", "dropout", "positional", "macaron", "subsampling", "cmvn", "blocks", "subsampling_channels"},
    "espalier_model", ModelConfig::kFormatVersion, /*versionRequired=*/false};

constexpr auto describe = &io::YamlReader::describe;

std::vector<float> floatList(const io::YamlReader& loc, const YAML::Node& node, const std::string& field)
{
    if (!node.IsSequence())
        loc.fail(node, field, "expected a list of numbers, got " + describe(node));
    if (node.size() > size_t(kMaxInputDim))
        loc.fail(node, field, "more than " + std::to_string(kMaxInputDim) + " values");
    std::vector<float> out;
    for (size_t i = 0; i < node.size(); ++i)
        out.push_back(float(loc.number(node[i], field.c_str())));
    return out;
}

CmvnConfig readCmvn(const io::YamlReader& loc, const YAML::Node& node, const std::string& baseDir)
{
    CmvnConfig cmvn;
    if (node.IsNull())
        return cmvn;
    if (node.IsScalar()) {
        cmvn.jsonPath = node.Scalar();
        std::filesystem::path path = cmvn.jsonPath;
        if (path.is_relative() && !baseDir.empty())
            path = std::filesystem::path(baseDir) / path;
        try {
            const audio::CmvnStats stats = audio::CmvnStats::fromJson(io::readFile(path.string()), path.string());
            cmvn.mean = stats.mean();
            cmvn.istd = stats.invStddev();
        } catch (const Error& e) {
            loc.fail(node, "cmvn", e.what());
        }
        return cmvn;
    }
    if (!node.IsMap())
        loc.fail(node, "cmvn", "expected a WeNet global_cmvn JSON path or {mean: [...], istd: [...]}");
    for (auto it = node.begin(); it != node.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (key != "mean" && key != "istd")
            loc.fail(it->first, "cmvn." + key, "unknown key (expected mean and istd)");
    }
    if (!node["mean"] || !node["istd"])
        loc.fail(node, "cmvn", "give both mean and istd");
    cmvn.mean = floatList(loc, node["mean"], "cmvn.mean");
    cmvn.istd = floatList(loc, node["istd"], "cmvn.istd");
    return cmvn;
}

// The shortest text that reads back as exactly v.
template <typename T>
std::string shortest(T v)
{
    char buf[64];
    const auto r = std::to_chars(buf, buf + sizeof buf, v);
    return std::string(buf, r.ptr);
}

std::vector<std::string> shortestList(const std::vector<float>& values)
{
    std::vector<std::string> out;
    for (float v : values)
        out.push_back(shortest(v));
    return out;
}

// `blocks: [{ffn_dim, macaron_ffn_dim, heads}, ...]`; a missing width takes the config's.
std::vector<BlockShape> readBlockShapes(const io::YamlReader& loc, const YAML::Node& node, const ModelConfig& c)
{
    if (!node.IsSequence())
        loc.fail(node, "blocks", "expected a list of {ffn_dim, macaron_ffn_dim, heads}, got " + describe(node));
    if (node.size() > size_t(kMaxBlocks))
        loc.fail(node, "blocks", "more than " + std::to_string(kMaxBlocks) + " blocks");
    std::vector<BlockShape> shapes;
    for (size_t i = 0; i < node.size(); ++i) {
        const YAML::Node b = node[i];
        const std::string at = "blocks[" + std::to_string(i) + "]";
        if (!b.IsMap())
            loc.fail(b, at, "expected a map with ffn_dim, macaron_ffn_dim and heads, got " + describe(b));
        loc.checkKeys(b, at, {"ffn_dim", "macaron_ffn_dim", "heads"});
        BlockShape shape{c.ffnDim, 0, c.heads};
        if (b["ffn_dim"])
            shape.ffnDim = loc.integer32(b["ffn_dim"], (at + ".ffn_dim").c_str());
        shape.macaronFfnDim = b["macaron_ffn_dim"] ? loc.integer32(b["macaron_ffn_dim"], (at + ".macaron_ffn_dim").c_str())
                                                   : shape.ffnDim;
        if (b["heads"])
            shape.heads = loc.integer32(b["heads"], (at + ".heads").c_str());
        shapes.push_back(shape);
    }
    return shapes;
}

std::string presetList()
{
    std::string out;
    for (const std::string& n : ModelConfig::presetNames())
        out += (out.empty() ? "" : ", ") + n;
    return out;
}

} // namespace

const EnumNames<ModelType>& modelTypeNames()
{
    static const EnumNames<ModelType> names{{ModelType::Conformer, "conformer"}, {ModelType::Transformer, "transformer"}};
    return names;
}

const EnumNames<PositionalEncoding>& positionalNames()
{
    static const EnumNames<PositionalEncoding> names{{PositionalEncoding::Relative, "relative"},
                                                     {PositionalEncoding::Absolute, "absolute"}};
    return names;
}

const EnumNames<Subsampling>& subsamplingNames()
{
    static const EnumNames<Subsampling> names{{Subsampling::Conv2d4, "conv2d4"}};
    return names;
}

const std::vector<Fp32ModuleKind>& fp32ModuleKinds()
{
    static const std::vector<Fp32ModuleKind> kinds = {
        {"front_end", "Global CMVN on the input features", true},
        {"layer_norm", "Every LayerNorm (block norms, conv-module norm, final norm)", true},
        {"attention_softmax", "Attention scores (query-key products), masking and softmax", true},
        {"ctc_log_softmax", "The CTC head's log-softmax (log-probabilities are float32)", true},
        {"ctc_loss", "The CTC loss (computed by the trainer)", false},
    };
    return kinds;
}

std::vector<std::string> defaultFp32Policy()
{
    std::vector<std::string> names;
    for (const Fp32ModuleKind& k : fp32ModuleKinds())
        names.push_back(k.name);
    return names;
}

BlockShape ModelConfig::blockShape(int i) const
{
    if (i >= 0 && size_t(i) < blockShapes.size())
        return blockShapes[size_t(i)];
    return {ffnDim, ffnDim, heads};
}

std::vector<std::string> ModelConfig::presetNames() { return {"tiny", "small", "base"}; }

ModelConfig ModelConfig::preset(const std::string& size, ModelType type, int vocabSize)
{
    ModelConfig c;
    c.type = type;
    c.size = size;
    c.vocabSize = vocabSize;
    if (size == "tiny") {
        c.attentionDim = 64, c.heads = 4, c.ffnDim = 256, c.numBlocks = 2, c.cnnKernel = 7;
    } else if (size == "small") {
        c.attentionDim = 144, c.heads = 4, c.ffnDim = 576, c.numBlocks = 8, c.cnnKernel = 15;
    } else if (size == "base") {
        c.attentionDim = 256, c.heads = 4, c.ffnDim = 2048, c.numBlocks = 12, c.cnnKernel = 15;
    } else {
        throw InputError("unknown model size '" + size + "' (expected " + presetList() + ")");
    }
    if (type == ModelType::Transformer) {
        c.positional = PositionalEncoding::Absolute;
        c.macaron = false;
    }
    return c;
}

std::vector<ConfigProblem> ModelConfig::problems() const
{
    std::vector<ConfigProblem> p;
    auto range = [&p](const char* field, long long v, long long lo, long long hi, const std::string& hint = {}) {
        if (v < lo || v > hi)
            p.push_back({field, "must be between " + std::to_string(lo) + " and " + std::to_string(hi) + ", got "
                                    + std::to_string(v) + hint});
        return v >= lo && v <= hi;
    };
    range("input_dim", inputDim, kMinFrames, kMaxInputDim, " (conv2d4 subsampling needs at least 7 bins)");
    if (vocabSize == 0)
        p.push_back({"vocab_size", "not set; give the number of output units, <blank> included (the tokenizer's size)"});
    else
        range("vocab_size", vocabSize, 2, kMaxVocab);
    const bool dimOk = range("attention_dim", attentionDim, 1, kMaxAttentionDim);
    const bool headsOk = range("heads", heads, 1, kMaxAttentionDim);
    if (dimOk && headsOk && attentionDim % heads != 0)
        p.push_back({"heads", std::to_string(heads) + " heads do not divide attention_dim " + std::to_string(attentionDim)});
    range("ffn_dim", ffnDim, 1, kMaxFfnDim);
    range("num_blocks", numBlocks, 1, kMaxBlocks);
    if (type == ModelType::Conformer && range("cnn_kernel", cnnKernel, 1, kMaxKernel) && cnnKernel % 2 == 0)
        p.push_back({"cnn_kernel", "must be odd (so the depthwise convolution keeps the length), got "
                                       + std::to_string(cnnKernel)});
    if (!blockShapes.empty()) {
        if (blockShapes.size() != size_t(std::max(numBlocks, 0)))
            p.push_back({"blocks", "has " + std::to_string(blockShapes.size()) + " entries; num_blocks is "
                                       + std::to_string(numBlocks)});
        for (size_t i = 0; i < blockShapes.size(); ++i) {
            const BlockShape& b = blockShapes[i];
            const std::string at = "blocks[" + std::to_string(i) + "].";
            if (b.ffnDim < 1 || b.ffnDim > kMaxFfnDim || b.macaronFfnDim < 1 || b.macaronFfnDim > kMaxFfnDim)
                p.push_back({"blocks", at + "ffn_dim: must be between 1 and " + std::to_string(kMaxFfnDim)});
            if (b.heads < 1 || b.heads > heads)
                p.push_back({"blocks", at + "heads: must be between 1 and heads (" + std::to_string(heads) + "), got "
                                           + std::to_string(b.heads)});
        }
    }
    for (int conv = 0; conv < 2; ++conv)
        if (subsamplingChannels[conv] < 0 || subsamplingChannels[conv] > attentionDim)
            p.push_back({"subsampling_channels", "must be between 1 and attention_dim (" + std::to_string(attentionDim)
                                                     + "), got " + std::to_string(subsamplingChannels[conv])});
    if (!(dropout >= 0.0 && dropout < 1.0))
        p.push_back({"dropout", "must be in [0, 1), got " + std::to_string(dropout)});
    if (!cmvn.mean.empty() || !cmvn.istd.empty()) {
        if (cmvn.mean.size() != size_t(inputDim) || cmvn.istd.size() != size_t(inputDim))
            p.push_back({"cmvn", "has " + std::to_string(cmvn.mean.size()) + " means and " + std::to_string(cmvn.istd.size())
                                     + " inverse deviations; input_dim is " + std::to_string(inputDim)});
        for (size_t i = 0; i < cmvn.mean.size(); ++i)
            if (!std::isfinite(cmvn.mean[i])) {
                p.push_back({"cmvn", "mean " + std::to_string(i) + " is not finite"});
                break;
            }
        for (size_t i = 0; i < cmvn.istd.size(); ++i)
            if (!(std::isfinite(cmvn.istd[i]) && cmvn.istd[i] > 0.0f)) {
                p.push_back({"cmvn", "istd " + std::to_string(i) + " must be positive and finite"});
                break;
            }
    }
    return p;
}

void ModelConfig::validate() const
{
    const std::vector<ConfigProblem> p = problems();
    if (!p.empty())
        throw InputError("model config: " + p.front().field + ": " + p.front().message);
}

int64_t ModelConfig::parameterCount() const
{
    const int64_t d = attentionDim, v = vocabSize, k = cnnKernel;
    const int64_t freq = ((int64_t(inputDim) - 1) / 2 - 1) / 2;
    const int64_t norm = 2 * d;
    const auto ffn = [d](int64_t f) { return d * f + f + f * d + d; };
    const int64_t c1 = subsamplingWidth(0), c2 = subsamplingWidth(1);
    const int64_t subsampling = (9 * c1 + c1) + (9 * c1 * c2 + c2) + (c2 * freq * d + d);
    int64_t total = subsampling + norm + (d * v + v);
    for (int i = 0; i < numBlocks; ++i) {
        const BlockShape shape = blockShape(i);
        const int64_t inner = int64_t(shape.heads) * headDim(); // q/k/v/pos outputs, linear_out inputs
        int64_t attention = 3 * (d * inner + inner) + (inner * d + d);
        if (positional == PositionalEncoding::Relative)
            attention += d * inner + 2 * inner; // linear_pos (no bias), pos_bias_u, pos_bias_v
        int64_t block = attention + ffn(shape.ffnDim) + 2 * norm;
        if (type == ModelType::Conformer) {
            const int64_t conv = (d * 2 * d + 2 * d) + (d * k + d) + norm + (d * d + d);
            block += conv + 2 * norm; // norm_conv, norm_final
            if (macaron)
                block += ffn(shape.macaronFfnDim) + norm;
        }
        total += block;
    }
    return total;
}

int64_t ModelConfig::subsampledLength(int64_t frames)
{
    return frames < kMinFrames ? 0 : ((frames - 1) / 2 - 1) / 2;
}

bool ModelConfig::operator==(const ModelConfig& o) const
{
    return type == o.type && size == o.size && inputDim == o.inputDim && vocabSize == o.vocabSize
           && attentionDim == o.attentionDim && heads == o.heads && ffnDim == o.ffnDim && numBlocks == o.numBlocks
           && cnnKernel == o.cnnKernel && dropout == o.dropout && positional == o.positional && macaron == o.macaron
           && subsampling == o.subsampling && cmvn == o.cmvn && blockShapes == o.blockShapes
           && subsamplingWidth(0) == o.subsamplingWidth(0) && subsamplingWidth(1) == o.subsamplingWidth(1);
}

ModelConfig modelConfigFromYaml(const YAML::Node& root, const std::string& sourceName, const std::string& baseDir)
{
    return io::readingYaml(io::YamlReader(sourceName), [&]() -> ModelConfig {
        const io::YamlReader loc(sourceName);
        io::checkYamlDocument(root, loc, kDocument);

        ModelType type = ModelType::Conformer;
        if (const YAML::Node n = root["type"])
            type = loc.choice(n, "type", modelTypeNames());
        std::string size = "small";
        if (const YAML::Node n = root["size"])
            size = loc.string(n, "size");
        ModelConfig c;
        try {
            c = ModelConfig::preset(size, type);
        } catch (const InputError&) {
            loc.fail(root["size"], "size", "expected " + presetList() + ", got " + describe(root["size"]));
        }
        if (!root["size"])
            c.size.clear();

        if (const YAML::Node n = root["input_dim"])
            c.inputDim = loc.integer32(n, "input_dim");
        if (const YAML::Node n = root["vocab_size"])
            c.vocabSize = loc.integer32(n, "vocab_size");
        if (const YAML::Node n = root["attention_dim"])
            c.attentionDim = loc.integer32(n, "attention_dim");
        if (const YAML::Node n = root["heads"])
            c.heads = loc.integer32(n, "heads");
        if (const YAML::Node n = root["ffn_dim"])
            c.ffnDim = loc.integer32(n, "ffn_dim");
        if (const YAML::Node n = root["num_blocks"])
            c.numBlocks = loc.integer32(n, "num_blocks");
        if (const YAML::Node n = root["cnn_kernel"])
            c.cnnKernel = loc.integer32(n, "cnn_kernel");
        if (const YAML::Node n = root["dropout"])
            c.dropout = loc.number(n, "dropout");
        if (const YAML::Node n = root["positional"])
            c.positional = loc.choice(n, "positional", positionalNames());
        if (const YAML::Node n = root["macaron"])
            c.macaron = loc.boolean(n, "macaron");
        if (const YAML::Node n = root["subsampling"]) {
            if (loc.string(n, "subsampling") != "conv2d4")
                loc.fail(n, "subsampling", "expected conv2d4 (two 3x3 stride-2 convolutions), got " + describe(n));
        }
        if (const YAML::Node n = root["cmvn"])
            c.cmvn = readCmvn(loc, n, baseDir);
        if (const YAML::Node n = root["blocks"])
            c.blockShapes = readBlockShapes(loc, n, c);
        if (const YAML::Node n = root["subsampling_channels"]) {
            if (!n.IsSequence() || n.size() != 2)
                loc.fail(n, "subsampling_channels", "expected [c1, c2], the two convolutions' output channels, got " + describe(n));
            for (int conv = 0; conv < 2; ++conv) {
                c.subsamplingChannels[conv] = loc.integer32(n[conv], "subsampling_channels");
                if (c.subsamplingChannels[conv] < 1)
                    loc.fail(n[conv], "subsampling_channels", "must be at least 1, got " + n[conv].Scalar());
            }
        }

        // Problems point at the offending field's line, or at the map when the value came from a preset.
        for (const ConfigProblem& p : c.problems()) {
            if (p.field == "vocab_size" && c.vocabSize == 0)
                continue; // left for the trainer to fill from the tokenizer
            const YAML::Node n = root[p.field];
            throw InputError(loc.at(n ? n.Mark() : root.Mark()) + ": " + p.field + ": " + p.message);
        }
        return c;
    });
}

void writeModelConfig(YAML::Emitter& out, const ModelConfig& c)
{
    out << YAML::BeginMap;
    out << YAML::Key << "type" << YAML::Value << modelTypeNames().name(c.type);
    if (!c.size.empty())
        out << YAML::Key << "size" << YAML::Value << c.size;
    out << YAML::Key << "input_dim" << YAML::Value << c.inputDim;
    out << YAML::Key << "vocab_size" << YAML::Value << c.vocabSize;
    out << YAML::Key << "attention_dim" << YAML::Value << c.attentionDim;
    out << YAML::Key << "heads" << YAML::Value << c.heads;
    out << YAML::Key << "ffn_dim" << YAML::Value << c.ffnDim;
    out << YAML::Key << "num_blocks" << YAML::Value << c.numBlocks;
    if (c.type == ModelType::Conformer)
        out << YAML::Key << "cnn_kernel" << YAML::Value << c.cnnKernel;
    out << YAML::Key << "dropout" << YAML::Value << shortest(c.dropout);
    out << YAML::Key << "positional" << YAML::Value << positionalNames().name(c.positional);
    if (c.type == ModelType::Conformer)
        out << YAML::Key << "macaron" << YAML::Value << c.macaron;
    out << YAML::Key << "subsampling" << YAML::Value << subsamplingNames().name(c.subsampling);
    if (c.subsamplingChannels[0] > 0 || c.subsamplingChannels[1] > 0)
        out << YAML::Key << "subsampling_channels" << YAML::Value << YAML::Flow << YAML::BeginSeq << c.subsamplingWidth(0)
            << c.subsamplingWidth(1) << YAML::EndSeq;
    if (!c.blockShapes.empty()) {
        out << YAML::Key << "blocks" << YAML::Value << YAML::BeginSeq;
        for (const BlockShape& b : c.blockShapes) {
            out << YAML::Flow << YAML::BeginMap << YAML::Key << "ffn_dim" << YAML::Value << b.ffnDim;
            if (c.type == ModelType::Conformer && c.macaron)
                out << YAML::Key << "macaron_ffn_dim" << YAML::Value << b.macaronFfnDim;
            out << YAML::Key << "heads" << YAML::Value << b.heads << YAML::EndMap;
        }
        out << YAML::EndSeq;
    }
    if (!c.cmvn.jsonPath.empty()) {
        out << YAML::Key << "cmvn" << YAML::Value << c.cmvn.jsonPath;
    } else if (c.cmvn.enabled()) {
        out << YAML::Key << "cmvn" << YAML::Value << YAML::BeginMap;
        out << YAML::Key << "mean" << YAML::Value << YAML::Flow << shortestList(c.cmvn.mean);
        out << YAML::Key << "istd" << YAML::Value << YAML::Flow << shortestList(c.cmvn.istd);
        out << YAML::EndMap;
    }
    out << YAML::EndMap;
}

ModelConfig ModelConfig::fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir)
{
    return modelConfigFromYaml(io::parseYaml(yaml, io::YamlReader(sourceName)), sourceName, baseDir);
}

ModelConfig ModelConfig::load(const std::string& path)
{
    return fromYaml(io::readFile(path), path, std::filesystem::path(path).parent_path().string());
}

std::string ModelConfig::toYaml() const
{
    YAML::Emitter body;
    writeModelConfig(body, *this);
    return "espalier_model: " + std::to_string(kFormatVersion) + "\n" + body.c_str() + "\n";
}

void ModelConfig::save(const std::string& path) const
{
    io::writeFileAtomic(path, toYaml());
}

} // namespace espalier::model
