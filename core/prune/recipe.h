#pragma once
// Espalier's pruning recipe (docs/formats/recipe.md): the stages of a compression run in one YAML
// file. This release reads the unstructured stage (gradual magnitude pruning, global or per layer,
// driven by a SparsitySchedule, with per-parameter overrides and exclusions by name pattern).
// Torch-free: the GUI and the CLI read, check and write recipes without LibTorch.
#include "model/parameter_info.h"
#include "prune/schedule.h"

#include <optional>
#include <string>
#include <vector>

namespace espalier::prune {

enum class MaskScope { Global, Layer };

// Parameter name patterns: "__ALL_PRUNABLE__" (every prunable weight, as SparseML), "re:<regex>"
// (a full match), or a glob where * matches any run of characters (e.g. "encoder.blocks.*.ffn*").
bool matchesPattern(const std::string& pattern, const std::string& name);

struct SparsityOverride {
    std::string pattern;
    double finalSparsity = 0.0;  // replaces the stage's final sparsity for matching parameters
};

struct UnstructuredStage {
    SparsitySchedule schedule;
    MaskScope scope = MaskScope::Global;
    std::vector<std::string> params = {"__ALL_PRUNABLE__"};  // which prunable parameters the stage prunes
    std::vector<std::string> exclude;                          // never pruned (wins over params)
    std::vector<SparsityOverride> overrides;                   // first match wins; pruned per tensor

    // Each prunable parameter the stage prunes, with its final sparsity and whether it is pruned per
    // tensor (an override) or inside the global pool.
    struct Target {
        std::string name;
        double finalSparsity = 0.0;
        bool ownThreshold = false;
    };
    std::vector<Target> targets(const std::vector<model::ParameterInfo>& parameters) const;
    // The sparsity a target should have at time t: its final sparsity scaled along the stage's curve.
    double sparsityAt(const Target& target, double t) const;
};

struct Recipe {
    static constexpr int kFormatVersion = 1;
    std::string name;
    std::vector<UnstructuredStage> unstructured;

    // Every error reads "sourceName:line: field: problem".
    static Recipe fromYaml(const std::string& yaml, const std::string& sourceName);
    static Recipe load(const std::string& path);
    std::string toYaml() const;
    void save(const std::string& path) const;  // atomic
};

} // namespace espalier::prune
