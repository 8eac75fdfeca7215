#include "core/prune/schedule.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>

namespace espalier::prune {

namespace {

std::string num(double v)
{
    std::string s = std::to_string(v);
    s.erase(s.find_last_not_of('0') + 1);
    if (!s.empty() && s.back() == '.')
        s.pop_back();
    return s;
}

bool validSparsity(double s) { return std::isfinite(s) && s >= 0.0 && s < 1.0; }

} // namespace

const EnumNames<ScheduleUnit>& scheduleUnitNames()
{
    static const EnumNames<ScheduleUnit> names{{ScheduleUnit::Steps, "steps"}, {ScheduleUnit::Epochs, "epochs"}};
    return names;
}

const EnumNames<ScheduleShape>& scheduleShapeNames()
{
    // After each shape's own name, the names other tools give it: Distiller's "agp", SparseML's
    // "cubic", INC's "exp", one-shot pruning's "oneshot".
    static const EnumNames<ScheduleShape> names{
        {ScheduleShape::Linear, "linear"},           {ScheduleShape::AgpCubic, "agp_cubic"},
        {ScheduleShape::InverseCubic, "inverse_cubic"}, {ScheduleShape::Cube, "cube"},
        {ScheduleShape::Exponential, "exponential"},  {ScheduleShape::Constant, "constant"},
        {ScheduleShape::Piecewise, "piecewise"},      {ScheduleShape::AgpCubic, "agp"},
        {ScheduleShape::AgpCubic, "cubic"},           {ScheduleShape::Exponential, "exp"},
        {ScheduleShape::Constant, "oneshot"},         {ScheduleShape::Constant, "one_shot"}};
    return names;
}

std::vector<ScheduleProblem> SparsitySchedule::problems() const
{
    std::vector<ScheduleProblem> p;
    auto need = [&p](bool ok, const char* field, std::string message) {
        if (!ok)
            p.push_back({field, std::move(message)});
    };
    if (shape != ScheduleShape::Piecewise) {
        need(validSparsity(initial), "initial_sparsity", "must be in [0, 1), got " + num(initial));
        need(validSparsity(final), "final_sparsity", "must be in [0, 1), got " + num(final));
    }
    need(std::isfinite(begin) && begin >= 0.0, "begin", "must be >= 0, got " + num(begin));
    if (shape != ScheduleShape::Constant)
        need(std::isfinite(end) && end > begin, "end", "must be after begin (" + num(begin) + "), got " + num(end));
    need(std::isfinite(frequency) && frequency > 0.0, "frequency", "must be > 0, got " + num(frequency));
    if (shape == ScheduleShape::Piecewise) {
        need(!points.empty(), "points", "give at least one (progress, sparsity) point");
        for (size_t i = 0; i < points.size(); ++i) {
            const auto& [x, s] = points[i];
            const std::string at = "point " + std::to_string(i + 1) + ": ";
            need(std::isfinite(x) && x >= 0.0 && x <= 1.0, "points", at + "progress must be in [0, 1], got " + num(x));
            need(validSparsity(s), "points", at + "sparsity must be in [0, 1), got " + num(s));
            if (i > 0)
                need(x > points[i - 1].first, "points", at + "progress must increase, got " + num(x) + " after "
                                                            + num(points[i - 1].first));
        }
    }
    return p;
}

void SparsitySchedule::validate() const
{
    const auto p = problems();
    if (!p.empty())
        throw InputError("schedule." + p.front().field + ": " + p.front().message);
}

double SparsitySchedule::curve(double x) const
{
    x = std::clamp(x, 0.0, 1.0);
    const double si = initial, sf = final;
    switch (shape) {
    case ScheduleShape::Linear: return si + (sf - si) * x;
    case ScheduleShape::AgpCubic: return sf + (si - sf) * std::pow(1.0 - x, 3.0);
    case ScheduleShape::InverseCubic: return si + (sf - si) * (1.0 - std::cbrt(1.0 - x));
    case ScheduleShape::Cube: return si + (sf - si) * x * x * x;
    case ScheduleShape::Exponential: return 1.0 - (1.0 - si) * std::pow((1.0 - sf) / (1.0 - si), x);
    case ScheduleShape::Constant: return sf;
    case ScheduleShape::Piecewise: {
        if (points.empty())
            return 0.0;
        if (x <= points.front().first)
            return points.front().second;
        for (size_t i = 1; i < points.size(); ++i) {
            const auto& [x0, s0] = points[i - 1];
            const auto& [x1, s1] = points[i];
            if (x <= x1)
                return s0 + (s1 - s0) * (x - x0) / (x1 - x0);
        }
        return points.back().second;
    }
    }
    return 0.0;
}

double SparsitySchedule::sparsityAt(double t) const
{
    constexpr double kEps = 1e-9;
    if (t < begin - kEps)
        return 0.0;
    if (shape == ScheduleShape::Constant)
        return final;
    if (t >= end - kEps)
        return curve(1.0);
    const double updates = std::floor((t - begin) / frequency + kEps);
    const double last = std::min(begin + updates * frequency, end);
    return curve((last - begin) / (end - begin));
}

bool SparsitySchedule::isUpdate(double t, double tolerance) const
{
    if (t < begin - tolerance)
        return false;
    if (shape == ScheduleShape::Constant)
        return std::abs(t - begin) <= tolerance;
    if (std::abs(t - end) <= tolerance)
        return true;
    if (t > end + tolerance)
        return false;
    const double k = std::round((t - begin) / frequency);
    return std::abs(begin + k * frequency - t) <= tolerance;
}

std::vector<double> SparsitySchedule::updateTimes() const
{
    std::vector<double> times;
    if (shape == ScheduleShape::Constant || !(frequency > 0.0) || !(end > begin))
        return {begin};
    for (double k = 0;; ++k) {
        const double t = begin + k * frequency;
        if (t >= end - 1e-9)
            break;
        times.push_back(t);
    }
    times.push_back(end);
    return times;
}

double distillerSpan(int beginEpoch, int endEpoch, int frequency)
{
    if (frequency <= 0)
        throw InputError("frequency: must be > 0, got " + std::to_string(frequency));
    const int steps = (endEpoch - beginEpoch - 1) / frequency;  // Python's // for non-negative spans
    return double(steps * frequency);
}

} // namespace espalier::prune
