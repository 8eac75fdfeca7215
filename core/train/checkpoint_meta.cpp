#include "core/train/checkpoint_meta.h"

#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

namespace espalier::train {

namespace {

constexpr const char* kMagic = "espalier_checkpoint";

nlohmann::json metaToJson(const CheckpointMeta& m)
{
    nlohmann::json j;
    j[kMagic] = CheckpointMeta::kFormatVersion;
    j["step"] = m.step;
    j["epoch"] = m.epoch;
    j["batch_in_epoch"] = m.batchInEpoch;
    j["utterances_seen"] = m.utterancesSeen;
    j["scaler"] = {{"scale", m.scaler.scale}, {"growth_tracker", m.scaler.growthTracker},
                   {"skipped_steps", m.scaler.skippedSteps}};
    j["dev_cer"] = m.devCer ? nlohmann::json(*m.devCer) : nlohmann::json();
    j["best_dev_cer"] = m.bestDevCer ? nlohmann::json(*m.bestDevCer) : nlohmann::json();
    j["best_step"] = m.bestStep;
    j["model_config"] = m.modelConfigYaml;
    j["torchscript"] = m.torchScriptPath;
    j["units"] = m.units;
    const runtime::FbankOptions& f = m.fbank;
    j["fbank"] = {{"sample_rate", f.sampleRate},       {"num_mel_bins", f.numMelBins}, {"frame_length_ms", f.frameLengthMs},
                  {"frame_shift_ms", f.frameShiftMs},  {"dither", f.dither},           {"preemphasis", f.preemphasis},
                  {"remove_dc_offset", f.removeDcOffset}, {"snip_edges", f.snipEdges}, {"low_freq", f.lowFreq},
                  {"high_freq", f.highFreq},           {"input_scale", f.inputScale},  {"energy_floor", f.energyFloor}};
    j["train_config"] = m.trainConfigYaml;
    return j;
}

} // namespace

std::string checkpointMetaJson(const CheckpointMeta& meta)
{
    return metaToJson(meta).dump();
}

CheckpointMeta parseCheckpointMeta(const std::string& text, const std::string& path)
{
    try {
        const nlohmann::json j = nlohmann::json::parse(text);
        if (!j.contains(kMagic))
            throw FormatError(path + ": not an Espalier checkpoint (no " + kMagic + " entry)");
        const int version = j.at(kMagic).get<int>();
        if (version > CheckpointMeta::kFormatVersion)
            throw FormatError(path + ": checkpoint format " + std::to_string(version)
                              + " is newer than this Espalier reads; upgrade Espalier");
        CheckpointMeta m;
        m.step = j.at("step").get<long long>();
        m.epoch = j.at("epoch").get<long long>();
        m.batchInEpoch = j.at("batch_in_epoch").get<long long>();
        m.utterancesSeen = j.value("utterances_seen", 0LL);
        const auto& s = j.at("scaler");
        m.scaler.scale = s.at("scale").get<double>();
        m.scaler.growthTracker = s.at("growth_tracker").get<int>();
        m.scaler.skippedSteps = s.at("skipped_steps").get<long long>();
        if (!j.at("dev_cer").is_null())
            m.devCer = j.at("dev_cer").get<double>();
        if (!j.at("best_dev_cer").is_null())
            m.bestDevCer = j.at("best_dev_cer").get<double>();
        m.bestStep = j.at("best_step").get<long long>();
        m.modelConfigYaml = j.at("model_config").get<std::string>();
        m.torchScriptPath = j.at("torchscript").get<std::string>();
        m.units = j.at("units").get<std::string>();
        if (j.contains("fbank")) {
            const auto& f = j.at("fbank");
            m.fbank.sampleRate = f.at("sample_rate").get<int>();
            m.fbank.numMelBins = f.at("num_mel_bins").get<int>();
            m.fbank.frameLengthMs = f.at("frame_length_ms").get<float>();
            m.fbank.frameShiftMs = f.at("frame_shift_ms").get<float>();
            m.fbank.dither = f.at("dither").get<float>();
            m.fbank.preemphasis = f.at("preemphasis").get<float>();
            m.fbank.removeDcOffset = f.at("remove_dc_offset").get<bool>();
            m.fbank.snipEdges = f.at("snip_edges").get<bool>();
            m.fbank.lowFreq = f.at("low_freq").get<float>();
            m.fbank.highFreq = f.at("high_freq").get<float>();
            m.fbank.inputScale = f.at("input_scale").get<float>();
            m.fbank.energyFloor = f.at("energy_floor").get<float>();
        }
        m.trainConfigYaml = j.value("train_config", std::string());
        if (m.step < 0 || m.epoch < 0 || m.batchInEpoch < 0)
            throw FormatError(path + ": checkpoint has a negative step, epoch or data position");
        return m;
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path + ": malformed checkpoint metadata: " + e.what());
    }
}

data::CharTokenizer checkpointTokenizer(const CheckpointMeta& meta, const std::string& sourceName)
{
    try {
        return data::CharTokenizer::parse(meta.units, sourceName + " (its vocabulary)");
    } catch (const Error& e) {
        throw FormatError(sourceName + ": bad vocabulary in the checkpoint: " + e.what());
    }
}

} // namespace espalier::train
