#pragma once
// Tiny reference models for the deployment tests: made with LibTorch, saved as checkpoints and
// exported to .espm, dense or with 70 % of each weight matrix zero (a pruned model's shape).
#include "core/deploy/espm_export.h"
#include "core/model/asr_model.h"
#include "core/train/checkpoint.h"

#include <torch/torch.h>

#include <memory>
#include <string>

namespace deploytest {

constexpr int kBins = 20;

inline std::unique_ptr<espalier::model::AsrModel> makeModel(espalier::model::ModelType type, std::uint64_t seed)
{
    torch::manual_seed(seed);
    espalier::model::ModelConfig c = espalier::model::ModelConfig::preset("tiny", type, 12);
    c.inputDim = kBins;
    c.dropout = 0.0;
    c.cmvn.mean.assign(kBins, 0.3f);
    c.cmvn.istd.assign(kBins, 0.8f);
    auto m = espalier::model::createModel(c);
    m->train(false);
    return m;
}

// Zeroes about `fraction` of every weight matrix but the subsampling's.
inline void sparsify(espalier::model::AsrModel& m, double fraction)
{
    torch::NoGradGuard noGrad;
    for (const auto& item : m.namedParameters())
        if (item.value().dim() == 2 && item.key().find("embed") == std::string::npos)
            item.value().masked_fill_(torch::rand(item.value().sizes()) < fraction, 0.0);
}

inline std::string saveAsCheckpoint(const espalier::model::AsrModel& m, const std::string& path)
{
    espalier::train::CheckpointMeta meta;
    meta.modelConfigYaml = m.config()->toYaml();
    meta.units = "<blank> 0\n<unk> 1\n";
    const char* chars[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (int i = 0; i < 10; ++i)
        meta.units += std::string(chars[i]) + " " + std::to_string(i + 2) + "\n";
    meta.fbank.numMelBins = kBins;
    espalier::train::saveCheckpoint(path, m, nullptr, meta);
    return path;
}

// A Conformer exported to dir/<name>.espm, 70 % sparse (CSR) when sparse is set.
inline std::string exportTinyModel(const std::string& dir, const std::string& name, bool sparse, std::uint64_t seed = 3)
{
    auto m = makeModel(espalier::model::ModelType::Conformer, seed);
    if (sparse)
        sparsify(*m, 0.7);
    const std::string ckpt = saveAsCheckpoint(*m, dir + "/" + name + ".pt");
    espalier::deploy::ExportOptions options;
    options.policy = sparse ? espalier::deploy::SparsePolicy::Csr : espalier::deploy::SparsePolicy::Dense;
    options.csrDensity = 0.5;
    const std::string out = dir + "/" + name + ".espm";
    espalier::deploy::exportEspm(ckpt, out, options);
    return out;
}

} // namespace deploytest
