#pragma once
// Espalier's pruning recipe (docs/formats/recipe.md): the stages of a compression run in one YAML
// file: unstructured (gradual magnitude pruning, global or per layer, with per-parameter overrides and
// exclusions by name pattern), structured (channels and heads by feature-map importance), layer (whole
// blocks by sensitivity) and dynamic sparse training (prune and regrow at a scheduled sparsity).
// Torch-free: the GUI and the CLI read, check and write recipes without LibTorch.
#include "core/model/parameter_info.h"
#include "core/prune/schedule.h"
#include "core/runtime/enum_names.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace espalier::prune {

enum class MaskScope { Global, Layer };
const EnumNames<MaskScope>& maskScopeNames();  // "global", "layer"

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

// Structured pruning's channel kinds: feed-forward hidden units, attention heads, and the output
// channels of the two subsampling convolutions (the front end's share of the compute).
enum class ChannelKind { FeedForward, Heads, Subsampling };
const EnumNames<ChannelKind>& channelKindNames();  // "ffn", "heads", "conv"

// Stage 2: the schedule's sparsity is the fraction of channels removed in each selected group
// (per block: feed_forward, feed_forward_macaron, self_attn; the front end: embed.conv.0, embed.conv.2). Channels are ranked by the L2 norm of
// their feature maps on calibration utterances, re-scored every rescoreEvery schedule units.
struct StructuredStage {
    SparsitySchedule schedule;
    std::vector<ChannelKind> channels = {ChannelKind::FeedForward};
    std::vector<std::string> groups = {"*"};  // patterns over group names ("encoder.blocks.*.feed_forward")
    std::vector<std::string> exclude;
    double rescoreEvery = 5.0;          // the seed re-scores every 5 epochs
    int calibrationUtterances = 32;     // dev utterances the feature maps are measured on

    bool selects(ChannelKind kind, const std::string& group) const;
};

// Stage 3: whole encoder blocks replaced by the identity, the least sensitive first (the relative
// increase of the CTC loss on calibration utterances when the block alone is dropped), or exactly
// `blocks`. Applied in one shot (espalier-cli prune); fine-tune afterwards.
struct LayerStage {
    int drop = 0;
    std::vector<int> blocks;
    int calibrationUtterances = 32;
};

// Dynamic sparse training: at each schedule update the masks are re-drawn at the scheduled sparsity:
// a fraction of the active weights with the smallest |w| is dropped and as many inactive weights with
// the largest mask scores regrow (RigL). Mask scores are a running mean of |gradient| with mask
// learning rate η; inactive weights keep a shadow value that decays by λ per step (the seed's
// compensation term) and is restored when they regrow.
struct DynamicStage {
    SparsitySchedule schedule;         // usually constant: one sparsity, updates every `frequency`
    MaskScope scope = MaskScope::Global;
    std::vector<std::string> params = {"__ALL_PRUNABLE__"};
    std::vector<std::string> exclude;
    double dropFraction = 0.3;         // of the active weights at the first update, cosine-decayed to 0 at `end`
    double maskLr = 0.01;              // η
    double decay = 0.01;               // λ

    // The fraction to drop and regrow at update time t (RigL's cosine decay).
    double dropFractionAt(double t) const;
    // Prune-and-regrow times: begin, every `frequency` up to end, whatever the curve (a constant
    // schedule still regrows).
    std::vector<double> updateTimes() const;
    bool isUpdate(double t, double tolerance) const;
};

struct Recipe {
    static constexpr int kFormatVersion = 1;
    std::string name;
    std::vector<UnstructuredStage> unstructured;
    std::vector<StructuredStage> structured;
    std::vector<LayerStage> layer;
    std::vector<DynamicStage> dynamic;

    bool empty() const { return unstructured.empty() && structured.empty() && layer.empty() && dynamic.empty(); }
    // Per prunable parameter, the sparsity the unstructured and dynamic stages ask of it at their end
    // (two stages on one tensor: 1 - (1 - a)(1 - b)). Parameters no stage selects are left out. A
    // tensor in a global pool has no target of its own: `pooled` says the sparsity is the pool's.
    struct TensorTarget {
        double sparsity = 0.0;
        bool pooled = false;
    };
    std::map<std::string, TensorTarget> finalTargets(const std::vector<model::ParameterInfo>& parameters) const;

    // Every error reads "sourceName:line: field: problem".
    static Recipe fromYaml(const std::string& yaml, const std::string& sourceName);
    static Recipe load(const std::string& path);
    std::string toYaml() const;
    void save(const std::string& path) const;  // atomic
};

} // namespace espalier::prune
