#pragma once
// Distiller schedules (AutomatedGradualPruner with its policy), read into and written from
// Espalier's Recipe (reference.md: Distiller's last update epoch). Torch-free.
#include "core/prune/recipe.h"

#include <yaml-cpp/yaml.h>

#include <string>

namespace espalier::prune {

// Whether a parsed document is a Distiller schedule (it has pruners and policies).
bool isDistillerSchedule(const YAML::Node& root);

Recipe readDistillerSchedule(const std::string& yaml, const std::string& sourceName);
// Throws InputError when the recipe uses what Distiller cannot say (epochs only; AGP per tensor only).
std::string writeDistillerSchedule(const Recipe& recipe);

} // namespace espalier::prune
