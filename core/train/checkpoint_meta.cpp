#include "core/train/checkpoint_meta.h"

#include "core/io/json_fields.h"
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
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(text);
    } catch (const nlohmann::json::exception& e) {
        throw FormatError(path + ": malformed checkpoint metadata: " + e.what());
    }
    if (!j.is_object() || !j.contains(kMagic))
        throw FormatError(path + ": not an Espalier checkpoint (no " + kMagic + " entry)");
    // Every field through the checked readers: a wrong type or an out-of-range number names the field.
    const std::string where = path + ": checkpoint metadata";
    const int version = io::jsonRequired<int>(j, kMagic, where);
    if (version > CheckpointMeta::kFormatVersion)
        throw FormatError(path + ": checkpoint format " + std::to_string(version)
                          + " is newer than this Espalier reads; upgrade Espalier");
    CheckpointMeta m;
    m.step = io::jsonRequired<long long>(j, "step", where);
    m.epoch = io::jsonRequired<long long>(j, "epoch", where);
    m.batchInEpoch = io::jsonRequired<long long>(j, "batch_in_epoch", where);
    m.utterancesSeen = io::jsonField<long long>(j, "utterances_seen", 0LL, where);
    if (!j.contains("scaler") || !j["scaler"].is_object())
        throw FormatError(where + ": field 'scaler' is missing");
    const nlohmann::json& s = j["scaler"];
    const std::string scalerAt = where + " scaler";
    m.scaler.scale = io::jsonRequired<double>(s, "scale", scalerAt);
    m.scaler.growthTracker = io::jsonRequired<int>(s, "growth_tracker", scalerAt);
    m.scaler.skippedSteps = io::jsonRequired<long long>(s, "skipped_steps", scalerAt);
    if (j.contains("dev_cer") && !j["dev_cer"].is_null())
        m.devCer = io::jsonRequired<double>(j, "dev_cer", where);
    if (j.contains("best_dev_cer") && !j["best_dev_cer"].is_null())
        m.bestDevCer = io::jsonRequired<double>(j, "best_dev_cer", where);
    m.bestStep = io::jsonRequired<long long>(j, "best_step", where);
    m.modelConfigYaml = io::jsonRequired<std::string>(j, "model_config", where);
    m.torchScriptPath = io::jsonField<std::string>(j, "torchscript", std::string(), where);
    m.units = io::jsonRequired<std::string>(j, "units", where);
    if (j.contains("fbank") && !j["fbank"].is_null()) {
        const nlohmann::json& f = j["fbank"];
        if (!f.is_object())
            throw FormatError(where + ": field 'fbank' is not an object");
        const std::string at = where + " fbank";
        runtime::FbankOptions& o = m.fbank;
        o.sampleRate = io::jsonRequired<int>(f, "sample_rate", at);
        o.numMelBins = io::jsonRequired<int>(f, "num_mel_bins", at);
        o.frameLengthMs = io::jsonRequired<float>(f, "frame_length_ms", at);
        o.frameShiftMs = io::jsonRequired<float>(f, "frame_shift_ms", at);
        o.dither = io::jsonRequired<float>(f, "dither", at);
        o.preemphasis = io::jsonRequired<float>(f, "preemphasis", at);
        o.removeDcOffset = io::jsonRequired<bool>(f, "remove_dc_offset", at);
        o.snipEdges = io::jsonRequired<bool>(f, "snip_edges", at);
        o.lowFreq = io::jsonRequired<float>(f, "low_freq", at);
        o.highFreq = io::jsonRequired<float>(f, "high_freq", at);
        o.inputScale = io::jsonRequired<float>(f, "input_scale", at);
        o.energyFloor = io::jsonRequired<float>(f, "energy_floor", at);
    }
    m.trainConfigYaml = io::jsonField<std::string>(j, "train_config", std::string(), where);
    if (m.step < 0 || m.epoch < 0 || m.batchInEpoch < 0)
        throw FormatError(path + ": checkpoint has a negative step, epoch or data position");
    return m;
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
