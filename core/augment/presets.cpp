// The built-in pipelines (reference.md): each is YAML text parsed like a user's file, so
// `espalier-cli augment presets --show NAME` prints something a user can copy and edit.
#include "core/augment/pipeline.h"
#include "core/runtime/error.h"

#include <utility>

namespace espalier::augment {

namespace {

const std::vector<std::pair<std::string, std::string>>& presets()
{
    static const std::vector<std::pair<std::string, std::string>> list = {
        {"wenet-aishell",
         // WeNet AISHELL conf: 2 freq masks <= 10 bins, 2 time masks <= 50 frames, fill 0, no warp.
         "espalier_augment: 1\n"
         "name: wenet-aishell\n"
         "features: {sample_rate: 16000, num_mel_bins: 80, dither: 0}\n"
         "ops:\n"
         "  - {type: spec_augment, p: 1, time_warp: 0, freq_masks: 2, freq_width: 10, time_masks: 2, time_width: 50, fill: zero}\n"},
        {"espnet-nemo",
         // ESPnet / NeMo: 2 freq masks <= 27 bins, 10 time masks <= 5 % of the length, time warp 5.
         "espalier_augment: 1\n"
         "name: espnet-nemo\n"
         "features: {sample_rate: 16000, num_mel_bins: 80, dither: 0}\n"
         "ops:\n"
         "  - {type: spec_augment, p: 1, time_warp: 5, freq_masks: 2, freq_width: 27, time_masks: 10, time_width_ratio: 0.05, fill: zero}\n"},
        {"wenet-aishell+speed",
         // Speed perturbation 0.9 / 1.0 / 1.1 (sox speed), then the WeNet masks.
         "espalier_augment: 1\n"
         "name: wenet-aishell+speed\n"
         "features: {sample_rate: 16000, num_mel_bins: 80, dither: 0}\n"
         "ops:\n"
         "  - {type: speed, p: 1, factors: [0.9, 1.0, 1.1]}\n"
         "  - {type: spec_augment, p: 1, time_warp: 0, freq_masks: 2, freq_width: 10, time_masks: 2, time_width: 50, fill: zero}\n"},
        {"seed-full",
         // The seed's time, frequency and environment augmentation together: speed, crop, gain +-10 dB,
         // generated noise at 0-20 dB SNR, a generated room (RIR probability 0.5), then the WeNet masks.
         "espalier_augment: 1\n"
         "name: seed-full\n"
         "features: {sample_rate: 16000, num_mel_bins: 80, dither: 0}\n"
         "ops:\n"
         "  - {type: speed, p: 1, factors: [0.9, 1.0, 1.1]}\n"
         "  - {type: crop, p: 0.5, ratio: [0.8, 1.2]}\n"
         "  - {type: gain, p: 0.5, db: [-10, 10]}\n"
         "  - {type: noise, p: 0.5, snr_db: [0, 20], source: [white, pink, brown]}\n"
         "  - {type: reverb, p: 0.5, rt60: [0.2, 0.8]}\n"
         "  - {type: spec_augment, p: 1, time_warp: 0, freq_masks: 2, freq_width: 10, time_masks: 2, time_width: 50, fill: zero}\n"},
    };
    return list;
}

} // namespace

std::vector<std::string> Pipeline::presetNames()
{
    std::vector<std::string> names;
    for (const auto& [name, yaml] : presets())
        names.push_back(name);
    return names;
}

Pipeline Pipeline::preset(const std::string& name)
{
    for (const auto& [presetName, yaml] : presets())
        if (presetName == name)
            return fromYaml(yaml, "preset " + name);
    std::string known;
    for (const auto& [presetName, yaml] : presets())
        known += (known.empty() ? "" : ", ") + presetName;
    throw InputError("unknown augmentation preset '" + name + "' (presets: " + known + ")");
}

} // namespace espalier::augment
