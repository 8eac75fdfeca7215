#include "core/train/loss_scaler.h"

#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace espalier::train {

LossScaler::LossScaler(const LossScalerOptions& options, bool enabled) : options_(options), enabled_(enabled)
{
    state_.scale = enabled ? std::clamp(options.initScale, options.minScale, options.maxScale) : 1.0;
}

torch::Tensor LossScaler::scaleLoss(const torch::Tensor& loss) const
{
    return enabled_ ? loss * scale() : loss;
}

bool LossScaler::unscaleGradients(const std::vector<torch::Tensor>& parameters) const
{
    torch::NoGradGuard noGrad;
    const double inverse = 1.0 / scale();
    // One flag tensor accumulated across all gradients, read once (a single sync on a GPU).
    torch::Tensor nonFinite;
    for (const torch::Tensor& p : parameters) {
        torch::Tensor g = p.grad();
        if (!g.defined())
            continue;
        if (enabled_)
            g.mul_(inverse);
        const torch::Tensor bad = torch::logical_not(torch::isfinite(g)).any();
        nonFinite = nonFinite.defined() ? torch::logical_or(nonFinite, bad) : bad;
    }
    return !nonFinite.defined() || !nonFinite.item<bool>();
}

ScaleRecord LossScaler::update(long long step, bool finite)
{
    ScaleRecord record{step, scale(), !finite};
    bool changed = false;
    if (!finite) {
        ++state_.skippedSteps;
        state_.growthTracker = 0;
        if (enabled_) {
            state_.scale = std::max(options_.minScale, state_.scale * options_.backoffFactor);
            changed = true;
        }
    } else if (enabled_) {
        if (++state_.growthTracker >= options_.growthInterval) {
            const double grown = std::min(options_.maxScale, state_.scale * options_.growthFactor);
            changed = grown != state_.scale;
            state_.scale = grown;
            state_.growthTracker = 0;
        }
    }
    if (changed || record.skipped)
        history_.push_back(record);
    return record;
}

void LossScaler::setState(const State& state)
{
    if (!(std::isfinite(state.scale) && state.scale > 0))
        throw InputError("loss scaler state: the scale must be positive and finite, got " + std::to_string(state.scale));
    if (state.growthTracker < 0 || state.skippedSteps < 0)
        throw InputError("loss scaler state: negative counters");
    state_ = state;
    if (!enabled_)
        state_.scale = 1.0;
}

} // namespace espalier::train
