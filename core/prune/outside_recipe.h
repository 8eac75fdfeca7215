#pragma once
// What the readers of other tools' recipes (sparseml_recipe, distiller_recipe) share. Torch-free.
#include "core/io/yaml_reader.h"

#include <string>
#include <vector>

namespace espalier::prune {

// A parameter name, pattern or list of them; SparseML's __ALL__ becomes __ALL_PRUNABLE__ (only
// prunable weights are ever pruned here).
std::vector<std::string> outsideParamList(const io::YamlReader& r, const YAML::Node& node, const std::string& field);

} // namespace espalier::prune
