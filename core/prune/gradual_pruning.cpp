#include "core/prune/gradual_pruning.h"

#include "core/runtime/error.h"

#include <torch/torch.h>

#include <algorithm>
#include <cmath>

namespace espalier::prune {

namespace {

void toSteps(SparsitySchedule& s, double stepsPerEpoch)
{
    if (s.unit != ScheduleUnit::Epochs)
        return;
    s.begin *= stepsPerEpoch;
    s.end *= stepsPerEpoch;
    s.frequency = std::max(1.0, s.frequency * stepsPerEpoch);
    s.unit = ScheduleUnit::Steps;
}

bool anyMatch(const std::vector<std::string>& patterns, const std::string& name)
{
    return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) { return matchesPattern(p, name); });
}

// masks[name] *= mask (a weight two stages prune keeps only what both keep).
void combine(MaskMap& masks, const std::string& name, const torch::Tensor& mask)
{
    auto it = masks.find(name);
    if (it == masks.end())
        masks.emplace(name, mask);
    else
        it->second = it->second * mask;
}

bool active(const SparsitySchedule& s, long long step) { return double(step) >= s.begin - 0.5; }

} // namespace

std::vector<NamedTensor> namedTensors(const model::NamedTensors& parameters)
{
    std::vector<NamedTensor> out;
    for (const auto& item : parameters)
        out.emplace_back(item.key(), item.value());
    return out;
}

GradualPruning::GradualPruning(Recipe recipe, const model::AsrModel& model, double stepsPerEpoch)
    : recipe_(std::move(recipe)), stepsPerEpoch_(stepsPerEpoch)
{
    if (!recipe_.layer.empty())
        throw InputError("layer pruning is one-shot: apply it with espalier-cli prune (then fine-tune); remove the layer "
                         "stage from the training recipe");
    const std::vector<model::ParameterInfo> parameters = model.parameterInfos();
    for (const model::ParameterInfo& p : parameters)
        sizes_[p.name] = p.numel();
    for (size_t i = 0; i < recipe_.unstructured.size(); ++i) {
        UnstructuredStage& stage = recipe_.unstructured[i];
        toSteps(stage.schedule, stepsPerEpoch);
        targets_.push_back(stage.targets(parameters));
        if (targets_.back().empty())
            throw InputError("recipe unstructured stage " + std::to_string(i + 1)
                             + ": its params select no prunable parameter of the model");
    }
    if (!recipe_.structured.empty()) {
        groups_ = channelGroups(model);  // throws for TorchScript
        for (size_t i = 0; i < recipe_.structured.size(); ++i) {
            StructuredStage& stage = recipe_.structured[i];
            if (stage.schedule.unit == ScheduleUnit::Epochs)
                stage.rescoreEvery *= stepsPerEpoch;
            toSteps(stage.schedule, stepsPerEpoch);
            if (std::none_of(groups_.begin(), groups_.end(), [&](const ChannelGroup& g) { return stage.selects(g.kind, g.name); }))
                throw InputError("recipe structured stage " + std::to_string(i + 1) + ": selects no channel group of the model");
        }
    }
    for (size_t i = 0; i < recipe_.dynamic.size(); ++i) {
        DynamicStage& stage = recipe_.dynamic[i];
        toSteps(stage.schedule, stepsPerEpoch);
        std::vector<std::string> names;
        for (const model::ParameterInfo& p : parameters)
            if (p.prunable && anyMatch(stage.params, p.name) && !anyMatch(stage.exclude, p.name))
                names.push_back(p.name);
        if (names.empty())
            throw InputError("recipe dynamic stage " + std::to_string(i + 1) + ": its params select no prunable parameter");
        std::vector<DynamicTarget> pools;
        if (stage.scope == MaskScope::Global)
            pools.push_back({names});
        else
            for (const std::string& n : names)
                pools.push_back({{n}});
        dynamicTargets_.push_back(pools);
    }
}

int GradualPruning::calibrationUtterances() const
{
    int n = 0;
    for (const StructuredStage& s : recipe_.structured)
        n = std::max(n, s.calibrationUtterances);
    return n;
}

bool GradualPruning::isUpdate(long long step) const
{
    auto due = [step](const SparsitySchedule& s) { return s.isUpdate(double(step), 0.5); };  // whole steps
    for (const auto& stage : recipe_.unstructured)
        if (due(stage.schedule))
            return true;
    for (const auto& stage : recipe_.structured)
        if (due(stage.schedule))
            return true;
    for (const auto& stage : recipe_.dynamic)
        if (stage.isUpdate(double(step), 0.5))
            return true;
    return false;
}

MaskMap GradualPruning::update(model::AsrModel& model, long long step, const MaskMap& current)
{
    const model::NamedTensors parameters = model.namedParameters();
    auto tensor = [&parameters](const std::string& name) {
        if (const torch::Tensor* t = parameters.find(name))
            return *t;
        throw InputError("pruning: the model has no parameter '" + name + "'");
    };
    MaskMap masks;
    for (size_t i = 0; i < recipe_.unstructured.size(); ++i) {
        const UnstructuredStage& stage = recipe_.unstructured[i];
        if (!active(stage.schedule, step))
            continue;
        std::vector<NamedTensor> pool;
        std::vector<NamedTensor> own;
        std::vector<double> ownSparsity;
        for (const UnstructuredStage::Target& t : targets_[i]) {
            if (t.ownThreshold) {
                own.emplace_back(t.name, tensor(t.name));
                ownSparsity.push_back(stage.sparsityAt(t, double(step)));
            } else {
                pool.emplace_back(t.name, tensor(t.name));
            }
        }
        if (!pool.empty()) {
            const double s = stage.sparsityAt(UnstructuredStage::Target{{}, stage.schedule.curve(1.0), false}, double(step));
            for (auto& [name, mask] : globalMagnitudeMasks(pool, s))
                combine(masks, name, mask);
        }
        for (auto& [name, mask] : layerMagnitudeMasks(own, ownSparsity))
            combine(masks, name, mask);
    }
    structuredMasks(model, step, masks);
    dynamicMasks(model, step, current, masks);
    return masks;
}

void GradualPruning::structuredMasks(model::AsrModel& model, long long step, MaskMap& masks)
{
    std::map<std::string, double> fractions;
    double rescoreEvery = std::numeric_limits<double>::infinity();
    for (const StructuredStage& stage : recipe_.structured) {
        if (!active(stage.schedule, step))
            continue;
        rescoreEvery = std::min(rescoreEvery, stage.rescoreEvery);
        const double f = stage.schedule.sparsityAt(double(step));
        for (const ChannelGroup& g : groups_)
            if (stage.selects(g.kind, g.name))
                fractions[g.name] = std::max(fractions[g.name], f);
    }
    if (fractions.empty())
        return;
    if (calibration_.empty())
        throw InputError("structured pruning needs calibration utterances (a dev set, or training utterances)");
    if (!scoredAt_ || double(step - *scoredAt_) >= rescoreEvery - 0.5) {
        // Channels already masked read as zero energy and stay last.
        scores_ = featureMapImportance(model, calibration_);
        scoredAt_ = step;
    }
    const ChannelKeep keep = keepTopChannels(groups_, scores_, fractions);
    for (auto& [name, mask] : channelMasks(model, groups_, keep))
        combine(masks, name, mask.to(model.device()));
}

void GradualPruning::dynamicMasks(model::AsrModel& model, long long step, const MaskMap& current, MaskMap& masks)
{
    const model::NamedTensors parameters = model.namedParameters();
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < recipe_.dynamic.size(); ++i) {
        const DynamicStage& stage = recipe_.dynamic[i];
        if (!active(stage.schedule, step))
            continue;
        const double sparsity = stage.schedule.sparsityAt(double(step));
        for (const DynamicTarget& pool : dynamicTargets_[i]) {
            std::vector<torch::Tensor> weights, scores, old;
            bool haveMasks = true;
            for (const std::string& n : pool.names) {
                const torch::Tensor w = parameters[n].detach();
                weights.push_back(w.flatten());
                const auto s = gradientScores_.find(n);
                scores.push_back(s != gradientScores_.end() ? s->second.flatten() : torch::zeros_like(w).flatten());
                const auto m = current.find(n);
                haveMasks = haveMasks && m != current.end();
                old.push_back(m != current.end() ? m->second.to(w.device()).flatten() : torch::ones_like(w).flatten());
            }
            const torch::Tensor w = torch::cat(weights).abs().to(torch::kFloat);
            const torch::Tensor score = torch::cat(scores).to(w.device(), torch::kFloat);
            const torch::Tensor was = torch::cat(old).to(torch::kBool);
            const int64_t n = w.numel();
            const int64_t keepTotal = n - prunedCount(sparsity, n);
            torch::Tensor mask = torch::zeros({n}, torch::TensorOptions().dtype(torch::kBool).device(w.device()));
            if (!haveMasks) {
                // First update: plain magnitude pruning at the scheduled sparsity.
                if (keepTotal > 0)
                    mask.index_put_({std::get<1>(w.topk(keepTotal))}, true);
            } else {
                const int64_t regrow = std::min<int64_t>(keepTotal, (int64_t)std::llround(stage.dropFractionAt(double(step)) * double(keepTotal)));
                const int64_t kept = keepTotal - regrow;
                // The largest active weights stay ...
                if (kept > 0)
                    mask.index_put_({std::get<1>(w.masked_fill(was.logical_not(), -1.0).topk(kept))}, true);
                // ... and the rest regrow where the mask scores (|gradient|) are largest.
                if (regrow > 0)
                    mask.index_put_({std::get<1>(score.masked_fill(mask, -1.0).topk(regrow))}, true);
            }
            int64_t offset = 0;
            for (size_t k = 0; k < pool.names.size(); ++k) {
                const std::string& name = pool.names[k];
                torch::Tensor param = parameters[name];
                const int64_t size = param.numel();
                const torch::Tensor m = mask.narrow(0, offset, size).view(param.sizes());
                const torch::Tensor before = was.narrow(0, offset, size).view(param.sizes());
                offset += size;
                auto shadow = shadows_.find(name);
                if (shadow == shadows_.end())
                    shadow = shadows_.emplace(name, param.detach().clone()).first;
                // Newly dropped weights keep their value as a shadow; regrown ones take theirs back.
                shadow->second = torch::where(before.logical_and(m.logical_not()), param.detach(), shadow->second);
                param.detach().copy_(torch::where(m.logical_and(before.logical_not()), shadow->second, param.detach()));
                combine(masks, name, m.to(torch::kFloat));
            }
        }
    }
}

void GradualPruning::observeGradients(const model::AsrModel& model)
{
    if (recipe_.dynamic.empty())
        return;
    const model::NamedTensors parameters = model.namedParameters();
    torch::NoGradGuard noGrad;
    for (size_t i = 0; i < recipe_.dynamic.size(); ++i) {
        const double eta = recipe_.dynamic[i].maskLr;
        for (const DynamicTarget& pool : dynamicTargets_[i])
            for (const std::string& n : pool.names) {
                const torch::Tensor g = parameters[n].grad();
                if (!g.defined())
                    continue;
                auto it = gradientScores_.find(n);
                if (it == gradientScores_.end())
                    gradientScores_.emplace(n, g.abs().to(torch::kFloat));
                else
                    it->second.mul_(1.0 - eta).add_(g.abs().to(torch::kFloat), eta);
            }
    }
}

void GradualPruning::afterStep()
{
    for (size_t i = 0; i < recipe_.dynamic.size(); ++i) {
        const double lambda = recipe_.dynamic[i].decay;
        for (const DynamicTarget& pool : dynamicTargets_[i])
            for (const std::string& n : pool.names)
                if (auto it = shadows_.find(n); it != shadows_.end())
                    it->second.mul_(1.0 - lambda);
    }
}

MaskMap GradualPruning::state() const
{
    MaskMap out;
    for (const auto& [n, t] : gradientScores_)
        out["score:" + n] = t;
    for (const auto& [n, t] : shadows_)
        out["shadow:" + n] = t;
    return out;
}

void GradualPruning::restoreState(const MaskMap& state)
{
    for (const auto& [key, t] : state) {
        if (key.rfind("score:", 0) == 0)
            gradientScores_[key.substr(6)] = t;
        else if (key.rfind("shadow:", 0) == 0)
            shadows_[key.substr(7)] = t;
    }
}

double GradualPruning::targetSparsityAt(long long step) const
{
    double pruned = 0.0, total = 0.0;
    for (size_t i = 0; i < recipe_.unstructured.size(); ++i) {
        for (const UnstructuredStage::Target& t : targets_[i]) {
            const double n = double(sizes_.at(t.name));
            pruned += n * recipe_.unstructured[i].sparsityAt(t, double(step));
            total += n;
        }
    }
    for (size_t i = 0; i < recipe_.dynamic.size(); ++i)
        for (const DynamicTarget& pool : dynamicTargets_[i])
            for (const std::string& name : pool.names) {
                const double n = double(sizes_.at(name));
                pruned += n * recipe_.dynamic[i].schedule.sparsityAt(double(step));
                total += n;
            }
    return total > 0 ? pruned / total : 0.0;
}

std::optional<double> GradualPruning::targetChannelFractionAt(long long step) const
{
    std::optional<double> f;
    for (const StructuredStage& stage : recipe_.structured)
        f = std::max(f.value_or(0.0), stage.schedule.sparsityAt(double(step)));
    return f;
}

double GradualPruning::achievedChannelFraction(const model::AsrModel& model) const
{
    std::vector<ChannelGroup> selected;
    for (const ChannelGroup& g : groups_)
        if (std::any_of(recipe_.structured.begin(), recipe_.structured.end(),
                        [&](const StructuredStage& s) { return s.selects(g.kind, g.name); }))
            selected.push_back(g);
    const ChannelKeep live = liveChannels(model, selected);
    double removed = 0.0, total = 0.0;
    for (const ChannelGroup& g : selected) {
        total += double(g.channels);
        removed += double(g.channels - live.at(g.name).sum().item<int64_t>());
    }
    return total > 0 ? removed / total : 0.0;
}

size_t GradualPruning::prunedParameterCount() const
{
    size_t n = 0;
    for (const auto& t : targets_)
        n += t.size();
    for (const auto& pools : dynamicTargets_)
        for (const DynamicTarget& pool : pools)
            n += pool.names.size();
    return n;
}

} // namespace espalier::prune
