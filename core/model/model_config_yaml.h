#pragma once
// ModelConfig as a YAML node, for files that embed a model section (training configs), so their
// errors still point at the right line.
#include "core/model/model_config.h"

#include <yaml-cpp/yaml.h>

namespace espalier::model {

// Reads a map node (see ModelConfig::fromYaml); errors are "sourceName:line: field: problem".
ModelConfig modelConfigFromYaml(const YAML::Node& node, const std::string& sourceName, const std::string& baseDir);

// Writes the config as a block map (without the espalier_model version key).
void writeModelConfig(YAML::Emitter& out, const ModelConfig& config);

} // namespace espalier::model
