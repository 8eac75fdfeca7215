#include "prune/gradual_pruning.h"

#include "runtime/error.h"

#include <torch/torch.h>

namespace espalier::prune {

std::vector<NamedTensor> namedTensors(const model::NamedTensors& parameters)
{
    std::vector<NamedTensor> out;
    for (const auto& item : parameters)
        out.emplace_back(item.key(), item.value());
    return out;
}

GradualPruning::GradualPruning(Recipe recipe, const std::vector<model::ParameterInfo>& parameters, double stepsPerEpoch)
    : recipe_(std::move(recipe))
{
    for (const model::ParameterInfo& p : parameters)
        sizes_[p.name] = p.numel();
    for (size_t i = 0; i < recipe_.unstructured.size(); ++i) {
        UnstructuredStage& stage = recipe_.unstructured[i];
        if (stage.schedule.unit == ScheduleUnit::Epochs) {
            SparsitySchedule& s = stage.schedule;
            s.begin *= stepsPerEpoch;
            s.end *= stepsPerEpoch;
            s.frequency = std::max(1.0, s.frequency * stepsPerEpoch);
            s.unit = ScheduleUnit::Steps;
        }
        targets_.push_back(stage.targets(parameters));
        if (targets_.back().empty())
            throw InputError("recipe stage " + std::to_string(i + 1) + ": its params select no prunable parameter of the model");
    }
}

bool GradualPruning::isUpdate(long long step) const
{
    for (const UnstructuredStage& stage : recipe_.unstructured)
        if (stage.schedule.isUpdate(double(step), 0.5))  // whole steps
            return true;
    return false;
}

MaskMap GradualPruning::masksAt(const model::AsrModel& model, long long step) const
{
    const std::vector<NamedTensor> parameters = namedTensors(model.namedParameters());
    auto tensor = [&parameters](const std::string& name) {
        for (const auto& [n, t] : parameters)
            if (n == name)
                return t;
        throw InputError("pruning: the model has no parameter '" + name + "'");
    };
    MaskMap masks;
    for (size_t i = 0; i < recipe_.unstructured.size(); ++i) {
        const UnstructuredStage& stage = recipe_.unstructured[i];
        if (double(step) < stage.schedule.begin - 0.5)
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
                masks[name] = mask;
        }
        for (auto& [name, mask] : layerMagnitudeMasks(own, ownSparsity))
            masks[name] = mask;
    }
    return masks;
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
    return total > 0 ? pruned / total : 0.0;
}

size_t GradualPruning::prunedParameterCount() const
{
    size_t n = 0;
    for (const auto& t : targets_)
        n += t.size();
    return n;
}

} // namespace espalier::prune
