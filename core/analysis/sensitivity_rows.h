#pragma once
// What each row of a sensitivity analysis prunes in a model, how it is pruned at a level in place,
// and how the weights are put back bit-exactly afterwards. Torch-facing (core/analysis only).
#include "core/analysis/sensitivity_result.h"
#include "core/model/asr_model.h"
#include "core/prune/channels.h"

#include <string>
#include <utility>
#include <vector>

namespace espalier::analysis {

struct RowPlan {
    SensitivityRow row;       // name, tensors, block, role, parameters (no cells yet)
    // The first block the row's change reaches: -1 the front end (the whole forward pass), numBlocks
    // only the head. Blocks before it keep their outputs.
    int startBlock = -1;
    std::string channelGroup; // channel and head rows: the group (prune/channels.h)
};

// The rows of a model for a granularity: prunable weights whose names match one of `patterns`
// (recipe patterns: "__ALL_PRUNABLE__", globs, "re:"), in the model's order. Throws InputError when
// nothing matches or the model cannot be analysed at that granularity (channels, heads and blocks need
// a reference model).
std::vector<RowPlan> planRows(const model::AsrModel& model, Granularity granularity,
                              const std::vector<std::string>& patterns);

// The live tensors a pruning changed and their values before it.
class SavedWeights {
public:
    void keep(const torch::Tensor& live);  // copies the tensor's current values
    void restore();                        // copies them back (no autograd)

private:
    std::vector<std::pair<torch::Tensor, torch::Tensor>> saved_;
};

// What channel and head rows rank by: the groups and their feature-map importance on the subset.
struct ChannelRanking {
    std::vector<prune::ChannelGroup> groups;
    prune::ChannelScores scores;
};

// Prunes the row at `level` in place: each of its tensors by magnitude to that sparsity (tensor and
// group rows), or that fraction of its group's channels by importance (channel and head rows). Block
// rows change no weight (the evaluation skips the block). Returns what restores the model.
SavedWeights pruneRow(model::AsrModel& model, const RowPlan& plan, Granularity granularity, double level,
                      const ChannelRanking* ranking);

// The data-free first look: per level, the share of the row's |w| mass that pruning removes.
std::vector<double> magnitudeCurve(model::AsrModel& model, const RowPlan& plan, Granularity granularity,
                                   const std::vector<double>& levels, const ChannelRanking* ranking);

} // namespace espalier::analysis
