#pragma once
// Per-layer sparsity targets from a sensitivity analysis (Sparsify's rule, reference.md): every row's
// step to a higher level costs b·Δloss + (1 − b)·Δlatency (each normalised: by the baseline loss and
// by the rows' dense time), per weight it removes; the cheapest steps over all rows are taken until
// the global sparsity target is met, the last one in part so the target is met exactly. Each row's
// cost curve is replaced by its lower convex hull first, so a costly level cannot hide a cheap one
// behind it. Torch-free.
#include "core/analysis/sensitivity_result.h"
#include "core/prune/recipe.h"

#include <vector>

namespace espalier::analysis {

struct AllocationOptions {
    double target = 0.7;       // sparsity over all the rows' weights
    double balance = 0.5;      // b: 1 ranks by loss only, 0 by latency only (loss when no latency was measured)
    double minSparsity = 0.0;  // per-row bounds
    double maxSparsity = 0.95;

    void validate() const;     // InputError naming the option
};

struct Allocation {
    std::vector<double> sparsity;      // per row of the result
    double achieved = 0.0;             // parameter-weighted over the rows
    double predictedDeltaLoss = 0.0;   // the rows' Δloss at their sparsity, summed (Sparsify's additivity)
    double denseLatencyMs = 0.0;       // the rows' dense time (0 when no latency was measured)
    double predictedLatencyMs = 0.0;   // at their sparsity
    bool latencyUsed = false;
};

// The row's Δloss at sparsity s, linear between levels; non-decreasing (the running maximum of the
// measured cells; skipped cells count at the ceiling).
double interpolatedDeltaLoss(const SensitivityResult& result, const SensitivityRow& row, double s);
// The row's latency at s, linear between levels (0 when not measured).
double interpolatedLatency(const SensitivityResult& result, const SensitivityRow& row, double s);

// Throws InputError when the analysis is not of tensors or groups, has pending cells, or the target
// cannot be met within the bounds.
Allocation allocate(const SensitivityResult& result, const AllocationOptions& options);

// An Espalier recipe: one unstructured stage, per tensor (scope layer) with each row's tensors at its
// sparsity, on `schedule` (its final sparsity is set to the target; the overrides carry the rest).
prune::Recipe allocationRecipe(const SensitivityResult& result, const Allocation& allocation,
                               const AllocationOptions& options, prune::SparsitySchedule schedule = {});

} // namespace espalier::analysis
