#include "core/deploy/espm_export.h"

#include "core/io/atomic_file.h"
#include "core/job/job.h"
#include "core/model/asr_model.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"
#include "core/runtime/spmm.h"
#include "core/train/checkpoint.h"
#include "core/train/eval_job.h"

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <sstream>

namespace espalier::deploy {

namespace {

// Above this density CSR stores more bytes than dense (values + 16-bit indices): auto keeps it dense.
constexpr double kAutoMaxDensity = 0.66;

std::string number(double v)
{
    std::ostringstream s;
    s.precision(9);
    s << v;
    return s.str();
}

// The architecture and front end as META lines (the graph the runtime builds).
std::vector<std::pair<std::string, std::string>> metaOf(const model::ModelConfig& c, const train::CheckpointMeta& m,
                                                         const std::string& source)
{
    std::vector<std::pair<std::string, std::string>> meta = {
        {"graph", std::string(model::modelTypeNames().name(c.type)) + "-ctc"},
        {"input_dim", std::to_string(c.inputDim)},
        {"vocab_size", std::to_string(c.vocabSize)},
        {"attention_dim", std::to_string(c.attentionDim)},
        {"heads", std::to_string(c.heads)},
        {"ffn_dim", std::to_string(c.ffnDim)},
        {"num_blocks", std::to_string(c.numBlocks)},
        {"cnn_kernel", std::to_string(c.cnnKernel)},
        {"positional", model::positionalNames().name(c.positional)},
        {"macaron", c.macaron ? "true" : "false"},
        {"subsampling", model::subsamplingNames().name(c.subsampling)},
        {"subsampling_channels", std::to_string(c.subsamplingWidth(0)) + " " + std::to_string(c.subsamplingWidth(1))},
    };
    for (int b = 0; b < c.numBlocks; ++b) {
        const model::BlockShape s = c.blockShape(b);
        meta.emplace_back("block." + std::to_string(b),
                          std::to_string(s.ffnDim) + " " + std::to_string(s.macaronFfnDim) + " " + std::to_string(s.heads));
    }
    const runtime::FbankOptions& f = m.fbank;
    meta.insert(meta.end(), {{"fbank.sample_rate", std::to_string(f.sampleRate)},
                             {"fbank.num_mel_bins", std::to_string(f.numMelBins)},
                             {"fbank.frame_length_ms", number(f.frameLengthMs)},
                             {"fbank.frame_shift_ms", number(f.frameShiftMs)},
                             {"fbank.preemphasis", number(f.preemphasis)},
                             {"fbank.remove_dc_offset", f.removeDcOffset ? "true" : "false"},
                             {"fbank.snip_edges", f.snipEdges ? "true" : "false"},
                             {"fbank.low_freq", number(f.lowFreq)},
                             {"fbank.high_freq", number(f.highFreq)},
                             {"source", std::filesystem::path(source).filename().string()},
                             {"step", std::to_string(m.step)}});
    return meta;
}

void writeEspmFile(const std::string& path, const runtime::EspmModel& model)
{
    const std::vector<uint8_t> bytes = runtime::serializeEspm(model);
    io::writeFileAtomic(path, bytes.data(), bytes.size());
}

} // namespace

ExportResult exportEspm(const std::string& modelOrRun, const std::string& out, const ExportOptions& options)
{
    if (!(options.csrDensity >= 0.0 && options.csrDensity <= 1.0))
        throw InputError("export: --density must be in [0, 1]");
    ExportResult result;
    result.checkpoint = train::resolveCheckpoint(modelOrRun);
    result.out = out;
    result.kernel = runtime::spmmKernelName();
    train::CheckpointMeta meta;
    const std::unique_ptr<model::AsrModel> model = train::loadModelFromCheckpoint(result.checkpoint, &meta);
    const model::ModelConfig* config = model->config();
    if (!config)
        throw InputError(result.checkpoint + ": a TorchScript model cannot be exported to .espm (the runtime runs the "
                         "reference Conformer/Transformer op set)");

    runtime::EspmModel espm;
    espm.meta = metaOf(*config, meta, result.checkpoint);
    const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, result.checkpoint);
    for (int id = 0; id < tokenizer.size(); ++id)
        espm.vocabulary.push_back(tokenizer.token(id));

    result.timedOn = options.targetName.empty() ? "this machine" : options.targetName;
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    if (!parent.empty())
        std::filesystem::create_directories(parent);
    // Auto candidates to time on the target: their tensor's index and its dense form and shape.
    struct Candidate {
        size_t tensor;
        std::vector<float> dense;
        std::vector<int64_t> shape;
    };
    std::vector<Candidate> candidates;
    for (const auto& item : model->stateDict()) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU, torch::kFloat).contiguous();
        runtime::EspmTensor tensor;
        tensor.name = item.key();
        tensor.shape = t.sizes().vec();
        const float* values = t.data_ptr<float>();
        ExportedTensor row{tensor.name, tensor.shape, 1.0, false, 0.0, 0.0};
        const bool weight = tensor.name.size() > 7 && tensor.name.compare(tensor.name.size() - 7, 7, ".weight") == 0;
        // A linear layer's matrix, or the second subsampling convolution's kernel seen as the matrix of
        // its GEMM ([out channels] × [in channels · 3 · 3]; stored CSR as that matrix).
        const bool convGemm = tensor.name == "encoder.embed.conv.2.weight" && t.dim() == 4;
        if (weight && (t.dim() == 2 || convGemm) && t.numel() > 0) {
            const int rows = int(t.size(0)), cols = int(t.numel() / t.size(0));
            runtime::CsrMatrix csr = runtime::CsrMatrix::fromDense(values, rows, cols);
            row.density = csr.density();
            bool sparse = false;
            if (options.policy == SparsePolicy::Csr) {
                sparse = row.density <= options.csrDensity;
            } else if (options.policy == SparsePolicy::Auto && row.density <= kAutoMaxDensity) {
                if (options.target) {
                    sparse = true;  // decided once the target has timed it
                    candidates.push_back({espm.tensors.size(), std::vector<float>(values, values + t.numel()), tensor.shape});
                } else {
                    const runtime::LayoutTiming timing = runtime::timeLayouts(values, csr, runtime::kLayoutTimingFrames);
                    row.denseUs = timing.denseUs;
                    row.sparseUs = timing.sparseUs;
                    sparse = timing.sparseFaster();
                }
            }
            if (sparse) {
                tensor.sparse = true;
                tensor.csr = std::move(csr);
                tensor.shape = {rows, cols};
            }
            row.sparse = sparse;
        }
        if (!tensor.sparse)
            tensor.dense.assign(values, values + t.numel());
        result.tensors.push_back(row);
        espm.tensors.push_back(std::move(tensor));
    }
    if (!candidates.empty()) {
        // Every candidate CSR in one file for the target to time; the slower form of each goes back.
        const std::vector<uint8_t> bytes = runtime::serializeEspm(espm);
        const io::ScratchFile candidateFile(out + ".candidate.espm", bytes.data(), bytes.size());
        const std::map<std::string, runtime::LayoutTiming> timings = options.target(candidateFile.path());
        for (Candidate& c : candidates) {
            runtime::EspmTensor& tensor = espm.tensors[c.tensor];
            const auto it = timings.find(tensor.name);
            if (it == timings.end())
                throw IoError(result.timedOn + " did not time " + tensor.name);
            ExportedTensor& row = result.tensors[c.tensor];
            row.denseUs = it->second.denseUs;
            row.sparseUs = it->second.sparseUs;
            row.sparse = it->second.sparseFaster();
            if (!row.sparse) {
                tensor.sparse = false;
                tensor.csr = {};
                tensor.dense = std::move(c.dense);
                tensor.shape = c.shape;
            }
        }
    }
    writeEspmFile(out, espm);
    result.fileBytes = (long long)std::filesystem::file_size(out);
    return result;
}

std::string exportRunIfStale(const std::string& runDir, const ExportOptions& options, const std::string& fileName)
{
    namespace fs = std::filesystem;
    const fs::path out = fs::path(runDir) / "export" / fileName;
    std::error_code ec;
    if (fs::exists(out, ec)) {
        const auto exported = fs::last_write_time(out, ec);
        bool stale = false;
        for (const auto& entry : fs::recursive_directory_iterator(fs::path(runDir) / "checkpoints", ec))
            if (entry.is_regular_file(ec) && entry.last_write_time(ec) > exported)
                stale = true;
        if (!stale)
            return out.string();
    }
    exportEspm(runDir, out.string(), options);
    return out.string();
}

std::string exportForDevice(const std::string& runDir, const ExportOptions& options, job::JobContext& context)
{
    const std::string name = options.targetName.empty() ? "model.espm" : "model-" + options.targetName + ".espm";
    context.info("exporting " + runDir + " for " + (options.targetName.empty() ? "this machine" : options.targetName)
                 + " (auto: dense or CSR per weight, timed there)");
    return exportRunIfStale(runDir, options, name);
}

} // namespace espalier::deploy
