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
    const auto need = [&](const nlohmann::json& o, const char* key, const std::string& at, auto proto) {
        return io::jsonRequired<decltype(proto)>(o, key, at);
    };
    const int version = need(j, kMagic, where, 0);
    if (version > CheckpointMeta::kFormatVersion)
        throw FormatError(path + ": checkpoint format " + std::to_string(version)
                          + " is newer than this Espalier reads; upgrade Espalier");
    CheckpointMeta m;
    m.step = need(j, "step", where, 0LL);
    m.epoch = need(j, "epoch", where, 0LL);
    m.batchInEpoch = need(j, "batch_in_epoch", where, 0LL);
    m.utterancesSeen = io::jsonField<long long>(j, "utterances_seen", 0LL, where);
    if (!j.contains("scaler") || !j["scaler"].is_object())
        throw FormatError(where + ": field 'scaler' is missing");
    const nlohmann::json& s = j["scaler"];
    const std::string scalerAt = where + " scaler";
    m.scaler.scale = need(s, "scale", scalerAt, 0.0);
    m.scaler.growthTracker = need(s, "growth_tracker", scalerAt, 0);
    m.scaler.skippedSteps = need(s, "skipped_steps", scalerAt, 0LL);
    if (j.contains("dev_cer") && !j["dev_cer"].is_null())
        m.devCer = need(j, "dev_cer", where, 0.0);
    if (j.contains("best_dev_cer") && !j["best_dev_cer"].is_null())
        m.bestDevCer = need(j, "best_dev_cer", where, 0.0);
    m.bestStep = need(j, "best_step", where, 0LL);
    m.modelConfigYaml = need(j, "model_config", where, std::string());
    m.torchScriptPath = io::jsonField<std::string>(j, "torchscript", std::string(), where);
    m.units = need(j, "units", where, std::string());
    if (j.contains("fbank") && !j["fbank"].is_null()) {
        const nlohmann::json& f = j["fbank"];
        if (!f.is_object())
            throw FormatError(where + ": field 'fbank' is not an object");
        const std::string at = where + " fbank";
        runtime::FbankOptions& o = m.fbank;
        o.sampleRate = need(f, "sample_rate", at, 0);
        o.numMelBins = need(f, "num_mel_bins", at, 0);
        o.frameLengthMs = need(f, "frame_length_ms", at, 0.0f);
        o.frameShiftMs = need(f, "frame_shift_ms", at, 0.0f);
        o.dither = need(f, "dither", at, 0.0f);
        o.preemphasis = need(f, "preemphasis", at, 0.0f);
        o.removeDcOffset = need(f, "remove_dc_offset", at, false);
        o.snipEdges = need(f, "snip_edges", at, false);
        o.lowFreq = need(f, "low_freq", at, 0.0f);
        o.highFreq = need(f, "high_freq", at, 0.0f);
        o.inputScale = need(f, "input_scale", at, 0.0f);
        o.energyFloor = need(f, "energy_floor", at, 0.0f);
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
