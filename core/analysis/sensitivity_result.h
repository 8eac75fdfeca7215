#pragma once
// A sensitivity analysis's result (docs/formats/sensitivity.md): the rows (tensors, coupled groups,
// channel groups or blocks), the sparsity levels, and per cell the CTC loss, the KL divergence of the
// outputs to the unpruned model's and the greedy CER, plus per row a data-free magnitude estimate and,
// when measured, the runtime's latency at each level. Torch-free: the CLI's `show`, `allocate` and
// `merge`, the GUI's heatmap and the reports read it without LibTorch.
#include "core/runtime/enum_names.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace espalier::analysis {

// What one row prunes: one tensor; a coupled group (q/k/v of one attention, the two linears of one
// feed-forward module); a fraction of a feed-forward module's hidden units or of an attention's heads
// (by feature-map importance); or a whole encoder block (dropped: the level is 0 or 1).
enum class Granularity { Tensor, Group, Channel, Head, Block };
const EnumNames<Granularity>& granularityNames();  // "tensor", "group", "channel", "head", "block"

// The grid most tools use (Distiller, SparseML), from reference.md.
std::vector<double> defaultLevels();
// Levels as the CLI and the GUI take them: "0,0.5,0.9" (spaces allowed). Throws InputError naming
// the item that is not a number; checkLevels() judges the values.
std::vector<double> parseLevels(const std::string& text);
// The same form back, each level as %g: "0,0.5,0.9".
std::string levelsText(const std::vector<double>& levels);
// Levels must rise strictly, start at 0 and stay below 1 (a block row uses {0, 1}). Throws InputError
// naming `field` and the offending level.
void checkLevels(const std::vector<double>& levels, const std::string& field);

struct SensitivityCell {
    enum class State { Pending, Done, Skipped };  // skipped: the row stopped early (Δloss past the ceiling)
    State state = State::Pending;
    double loss = 0.0;  // mean CTC loss per utterance with the row pruned at this level
    double kl = 0.0;    // mean over valid frames of KL(unpruned || pruned), nats
    double cer = 0.0;   // greedy CER (fraction) of the pruned model on the subset
};

struct SensitivityRow {
    std::string name;                  // the tensor, group ("...self_attn.qkv"), module or block
    std::vector<std::string> tensors;  // the parameters it prunes
    int block = -1;                    // encoder block, -1 outside the blocks
    std::string role;                  // model::roleNames() of its tensor, or "attention_qkv", "ffn", "heads", "block"
    long long parameters = 0;          // weights it covers (all of its tensors)
    std::vector<double> magnitude;     // per level: the share of the row's |w| mass pruned there (data-free)
    std::vector<SensitivityCell> cells;  // per level
    std::vector<double> latencyMs;     // per level: its layers' time in the runtime (empty: not measured)

    bool complete() const;  // no cell pending
};

struct SensitivityResult {
    static constexpr int kFormatVersion = 1;

    std::string model;              // as given (checkpoint or run)
    std::string modelHash;          // 16 hex digits over the weights' bytes
    std::string modelDescription;
    std::string data;               // the manifest
    int subset = 0;                 // utterances evaluated
    std::string subsetHash;         // over their keys, in order
    Granularity granularity = Granularity::Tensor;
    std::vector<double> levels;
    double lossCeiling = 0.0;       // a row stops once Δloss passes it; 0: never
    double baselineLoss = 0.0;      // of the unpruned model on the subset
    double baselineCer = 0.0;
    int shardIndex = 0;             // rows i with i % shardCount == shardIndex were analysed here
    int shardCount = 1;
    std::string latencySource;      // "" (not measured), "here" or a device of the project
    std::string latencyCpu;         // the CPU the latency was measured on
    int latencyFrames = 0;          // frames after subsampling the layers were timed at
    std::vector<SensitivityRow> rows;

    // What identifies an analysis: model, subset, levels and granularity. Equal keys mean the cells
    // can be shared (the cache, resuming, merging shards).
    std::string key() const;
    bool complete() const;          // every row of this shard done
    int doneCells() const;
    int totalCells() const;         // over the rows this shard analyses
    bool inShard(size_t row) const { return int(row % size_t(shardCount)) == shardIndex; }

    double deltaLoss(const SensitivityRow& row, size_t level) const;  // cell loss - baseline (0 when pending)
    double deltaCer(const SensitivityRow& row, size_t level) const;

    std::string toJson() const;                // pretty, stable
    void save(const std::string& path) const;  // atomic
    // Throws FormatError naming sourceName and the field ("rows[3].cells[2].loss: ...").
    static SensitivityResult fromJson(const std::string& text, const std::string& sourceName);
    static SensitivityResult load(const std::string& path);
};

// SparseML's condensed measure, relative: the area under the row's Δloss / baseline-loss curve over
// the levels (trapezoids), divided by the span of the levels — the mean relative loss rise across the
// grid. Cells skipped after an early stop count at the ceiling (at least the last measured value).
// A block row's value is the relative rise with the block dropped: the seed's stage-3 figure.
double rowSensitivity(const SensitivityResult& result, const SensitivityRow& row);

struct BlockSummary {
    int block = -1;            // -1: the front end and the head
    double sensitivity = 0.0;  // parameter-weighted mean of its rows' rowSensitivity
    long long parameters = 0;
};
// One entry per block that has rows, in block order (the seed's "bottom 0.03, middle 0.12, top 0.21").
std::vector<BlockSummary> blockSummaries(const SensitivityResult& result);

// Joins shards of one analysis: same key and shard count, each shard index once, all present.
// Throws InputError naming the file that does not fit.
SensitivityResult mergeShards(const std::vector<SensitivityResult>& shards, const std::vector<std::string>& sources);

} // namespace espalier::analysis
