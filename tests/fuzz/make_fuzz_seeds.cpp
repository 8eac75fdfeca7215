// Writes the seeds of the .espm and checkpoint-metadata fuzzers: micro models (a few KB, so mutations
// stay cheap) exported by the real exporter from real LibTorch models (a relative-position Conformer
// dense and 70 % sparse (CSR), an absolute-position Transformer), and the metadata their checkpoints
// hold. Run by scripts/make_fuzz_seeds.sh; the output is committed in tests/fuzz/corpus/{espm,checkpoint}.
//   espalier_make_fuzz_seeds CORPUS_DIR
#include "core/deploy/espm_export.h"
#include "core/model/asr_model.h"
#include "core/train/checkpoint.h"

#include <torch/torch.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>

using namespace espalier;

namespace {

std::unique_ptr<model::AsrModel> microModel(model::ModelType type, model::PositionalEncoding positional)
{
    torch::manual_seed(7);
    model::ModelConfig c = model::ModelConfig::preset("tiny", type, 6);
    c.inputDim = 10;
    c.attentionDim = 8;
    c.heads = 2;
    c.ffnDim = 16;
    c.numBlocks = 1;
    c.cnnKernel = 3;
    c.dropout = 0.0;
    c.positional = positional;
    c.subsamplingChannels[0] = 4;
    c.subsamplingChannels[1] = 4;
    c.cmvn.mean.assign(size_t(c.inputDim), 0.1f);
    c.cmvn.istd.assign(size_t(c.inputDim), 0.9f);
    auto m = model::createModel(c);
    m->train(false);
    return m;
}

void exportSeed(const model::AsrModel& m, const std::string& corpus, const std::string& name, double sparsity)
{
    if (sparsity > 0) {
        torch::NoGradGuard noGrad;
        for (const auto& item : m.namedParameters())
            if (item.value().dim() == 2)
                item.value().masked_fill_(torch::rand(item.value().sizes()) < sparsity, 0.0);
    }
    train::CheckpointMeta meta;
    meta.modelConfigYaml = m.config()->toYaml();
    meta.units = "<blank> 0\n<unk> 1\n一 2\n二 3\n三 4\n四 5\n";
    meta.fbank.numMelBins = m.config()->inputDim;
    meta.step = 12;
    meta.devCer = 0.25;
    meta.bestDevCer = 0.25;
    meta.bestStep = 12;
    std::ofstream(corpus + "/checkpoint/" + name + ".json") << train::checkpointMetaJson(meta);
    const std::string dir = corpus + "/espm";
    const std::string ckpt = dir + "/" + name + ".pt";
    train::saveCheckpoint(ckpt, m, nullptr, meta);
    deploy::ExportOptions options;
    options.policy = sparsity > 0 ? deploy::SparsePolicy::Csr : deploy::SparsePolicy::Dense;
    options.csrDensity = 0.5;
    deploy::exportEspm(ckpt, dir + "/" + name + ".espm", options);
    std::filesystem::remove(ckpt);
}

} // namespace

int main(int argc, char** argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: %s OUT_DIR\n", argv[0]);
        return 2;
    }
    const std::string dir = argv[1];
    std::filesystem::create_directories(dir + "/espm");
    std::filesystem::create_directories(dir + "/checkpoint");
    exportSeed(*microModel(model::ModelType::Conformer, model::PositionalEncoding::Relative), dir, "conformer-dense", 0.0);
    exportSeed(*microModel(model::ModelType::Conformer, model::PositionalEncoding::Relative), dir, "conformer-csr", 0.7);
    exportSeed(*microModel(model::ModelType::Transformer, model::PositionalEncoding::Absolute), dir, "transformer-dense", 0.0);
    return 0;
}
