#include "core/analysis/sensitivity_allocation.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace espalier::analysis {

void AllocationOptions::validate() const
{
    auto fraction = [](double v, const char* name, bool allowOne) {
        if (!std::isfinite(v) || v < 0.0 || (allowOne ? v > 1.0 : v >= 1.0))
            throw InputError(std::string(name) + ": " + std::to_string(v) + " is not in [0, " + (allowOne ? "1]" : "1)"));
    };
    fraction(target, "target", false);
    fraction(balance, "balance", true);
    fraction(minSparsity, "min", false);
    fraction(maxSparsity, "max", false);
    if (minSparsity > maxSparsity)
        throw InputError("min: " + std::to_string(minSparsity) + " is above max " + std::to_string(maxSparsity));
}

namespace {

// Linear interpolation of per-level values at s (flat beyond the last level).
double interpolate(const std::vector<double>& levels, const std::vector<double>& values, double s)
{
    if (values.empty())
        return 0.0;
    if (s <= levels.front())
        return values.front();
    for (size_t i = 1; i < levels.size(); ++i)
        if (s <= levels[i]) {
            const double t = (s - levels[i - 1]) / (levels[i] - levels[i - 1]);
            return values[i - 1] + t * (values[i] - values[i - 1]);
        }
    return values.back();
}

// The row's Δloss per level, made non-decreasing.
std::vector<double> lossEnvelope(const SensitivityResult& result, const SensitivityRow& row)
{
    std::vector<double> out;
    double last = 0.0;
    for (size_t i = 0; i < row.cells.size(); ++i) {
        const SensitivityCell& c = row.cells[i];
        if (c.state == SensitivityCell::State::Done)
            last = std::max(last, result.deltaLoss(row, i));
        else if (c.state == SensitivityCell::State::Skipped)
            last = std::max(last, result.lossCeiling);
        out.push_back(last);
    }
    return out;
}

struct Point {
    double s = 0.0;
    double cost = 0.0;
};

// Andrew's monotone chain, lower half: points sorted by s.
std::vector<Point> lowerHull(const std::vector<Point>& points)
{
    std::vector<Point> hull;
    for (const Point& p : points) {
        while (hull.size() >= 2) {
            const Point& a = hull[hull.size() - 2];
            const Point& b = hull.back();
            const double cross = (b.s - a.s) * (p.cost - a.cost) - (b.cost - a.cost) * (p.s - a.s);
            if (cross > 0.0)
                break;
            hull.pop_back();
        }
        hull.push_back(p);
    }
    return hull;
}

} // namespace

double interpolatedDeltaLoss(const SensitivityResult& result, const SensitivityRow& row, double s)
{
    return interpolate(result.levels, lossEnvelope(result, row), s);
}

double interpolatedLatency(const SensitivityResult& result, const SensitivityRow& row, double s)
{
    return interpolate(result.levels, row.latencyMs, s);
}

Allocation allocate(const SensitivityResult& result, const AllocationOptions& options)
{
    options.validate();
    if (result.granularity != Granularity::Tensor && result.granularity != Granularity::Group)
        throw InputError("allocate: the analysis is of " + std::string(granularityNames().name(result.granularity))
                         + "s; per-tensor targets come from a tensor or group analysis");
    if (result.rows.empty())
        throw InputError("allocate: the analysis has no rows");
    long long total = 0;
    double denseMs = 0.0;
    bool latency = false;
    for (const SensitivityRow& row : result.rows) {
        if (!row.complete())
            throw InputError("allocate: " + row.name + " has cells still to compute; resume the analysis (or merge its shards) first");
        total += row.parameters;
        if (!row.latencyMs.empty()) {
            latency = true;
            denseMs += row.latencyMs.front();
        }
    }
    if (total <= 0)
        throw InputError("allocate: the rows cover no weights");
    latency = latency && denseMs > 0.0;
    const double b = latency ? options.balance : 1.0;
    const double baseLoss = result.baselineLoss > 0.0 ? result.baselineLoss : 1.0;
    const double lo = options.minSparsity, hi = std::min(options.maxSparsity, result.levels.back());
    if (options.target > hi + 1e-12)
        throw InputError("target: " + std::to_string(options.target) + " is beyond what the bounds and levels allow (at most "
                         + std::to_string(hi) + " per row)");
    if (options.target < lo - 1e-12)
        throw InputError("target: " + std::to_string(options.target) + " is below the lower bound min " + std::to_string(lo));

    // Each row's convexified cost curve over [lo, hi].
    std::vector<std::vector<Point>> hulls;
    for (const SensitivityRow& row : result.rows) {
        std::vector<double> grid = {lo};
        for (const double l : result.levels)
            if (l > lo && l < hi)
                grid.push_back(l);
        if (hi > lo)
            grid.push_back(hi);
        const std::vector<double> envelope = lossEnvelope(result, row);
        std::vector<Point> points;
        for (const double s : grid) {
            double cost = b * interpolate(result.levels, envelope, s) / baseLoss;
            if (latency && !row.latencyMs.empty())
                cost += (1.0 - b) * (interpolate(result.levels, row.latencyMs, s) - row.latencyMs.front()) / denseMs;
            points.push_back({s, cost});
        }
        hulls.push_back(lowerHull(points));
    }

    Allocation out;
    out.sparsity.assign(result.rows.size(), lo);
    std::vector<size_t> at(result.rows.size(), 0);  // the hull vertex each row stands on
    double achieved = lo;
    while (achieved < options.target - 1e-12) {
        size_t best = result.rows.size();
        double bestPrice = std::numeric_limits<double>::infinity();
        for (size_t r = 0; r < hulls.size(); ++r) {
            if (at[r] + 1 >= hulls[r].size() || result.rows[r].parameters <= 0)
                continue;
            const Point& a = hulls[r][at[r]];
            const Point& c = hulls[r][at[r] + 1];
            // Cost per unit of global sparsity.
            const double price = (c.cost - a.cost) / ((c.s - a.s) * double(result.rows[r].parameters) / double(total));
            if (price < bestPrice) {
                bestPrice = price;
                best = r;
            }
        }
        if (best == result.rows.size())
            break;  // every row at its upper bound
        const Point& a = hulls[best][at[best]];
        const Point& c = hulls[best][at[best] + 1];
        const double share = double(result.rows[best].parameters) / double(total);
        const double gain = (c.s - a.s) * share;
        if (achieved + gain >= options.target) {
            out.sparsity[best] = a.s + (options.target - achieved) / share;
            achieved = options.target;
            break;
        }
        out.sparsity[best] = c.s;
        achieved += gain;
        ++at[best];
    }

    out.latencyUsed = latency;
    double weighted = 0.0;
    for (size_t r = 0; r < result.rows.size(); ++r) {
        const SensitivityRow& row = result.rows[r];
        weighted += out.sparsity[r] * double(row.parameters);
        out.predictedDeltaLoss += interpolatedDeltaLoss(result, row, out.sparsity[r]);
        if (!row.latencyMs.empty()) {
            out.denseLatencyMs += row.latencyMs.front();
            out.predictedLatencyMs += interpolatedLatency(result, row, out.sparsity[r]);
        }
    }
    out.achieved = weighted / double(total);
    return out;
}

prune::Recipe allocationRecipe(const SensitivityResult& result, const Allocation& allocation,
                               const AllocationOptions& options, prune::SparsitySchedule schedule)
{
    prune::Recipe recipe;
    recipe.name = "sensitivity allocation: " + std::to_string(int(std::lround(options.target * 100))) + " % at balance "
                  + std::to_string(options.balance).substr(0, 4);
    prune::UnstructuredStage stage;
    schedule.final = options.target;
    stage.schedule = schedule;
    stage.scope = prune::MaskScope::Layer;
    stage.params.clear();
    for (size_t r = 0; r < result.rows.size(); ++r)
        for (const std::string& tensor : result.rows[r].tensors) {
            stage.params.push_back(tensor);
            // Four decimals: a readable recipe, and within 0.5 % of the target after rounding.
            stage.overrides.push_back({tensor, std::round(allocation.sparsity.at(r) * 1e4) / 1e4});
        }
    recipe.unstructured.push_back(stage);
    return recipe;
}

} // namespace espalier::analysis
