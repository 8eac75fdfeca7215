#pragma once
// The training configs shipped in resources/configs, compiled in so the GUI and an installed CLI have
// them without the source tree: "tiny" (a smoke run of minutes) and "small" (the demo corpus's
// 20-minute run on two CPU cores). Each names a placeholder corpus that the caller replaces.
#include "core/train/train_config.h"

#include <string>
#include <vector>

namespace espalier::train {

struct ShippedConfig {
    std::string name;  // "tiny", "small"
    std::string yaml;  // the file's text, comments included
};

const std::vector<ShippedConfig>& shippedConfigs();
// The shipped config `name` with its data taken from the corpus folder (train, dev, test_* splits).
// Throws InputError for an unknown name or a corpus without the splits.
TrainConfig shippedConfig(const std::string& name, const std::string& corpusDir);
// The shipped config `name` without data (to show its settings before a corpus is chosen).
TrainConfig shippedTemplate(const std::string& name);

} // namespace espalier::train
