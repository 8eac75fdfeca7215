#pragma once
// Sparsity schedules: how the target sparsity of a gradual pruning run rises from `initial` to
// `final` between `begin` and `end` (in steps or epochs), updated every `frequency` units. The curves
// are the field's (reference.md): linear (the seed's), AGP cubic (Zhu & Gupta; Distiller, SparseML
// cubic, TF-MOT power 3: fast early, slow late), SparseML inverse_cubic (its mirror), INC cube (slow
// early), exponential (INC exp), constant (one-shot at begin) and piecewise-linear custom points.
// Torch-free: the Schedule page draws the curves with it, the pruner follows it.
#include "core/runtime/enum_names.h"

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace espalier::prune {

enum class ScheduleShape { Linear, AgpCubic, InverseCubic, Cube, Exponential, Constant, Piecewise };
// "linear", "agp_cubic", "inverse_cubic", "cube", "exponential", "constant", "piecewise" (and aliases).
const EnumNames<ScheduleShape>& scheduleShapeNames();

enum class ScheduleUnit { Steps, Epochs };
const EnumNames<ScheduleUnit>& scheduleUnitNames();  // "steps", "epochs"

// A problem with a schedule's field, for messages "field: problem".
struct ScheduleProblem {
    std::string field;
    std::string message;
};

struct SparsitySchedule {
    ScheduleShape shape = ScheduleShape::AgpCubic;
    ScheduleUnit unit = ScheduleUnit::Steps;
    double initial = 0.0;   // s_i, in [0, 1)
    double final = 0.5;     // s_f, in [0, 1)
    double begin = 0.0;     // first update (steps or epochs)
    double end = 1000.0;    // last update; begin < end (constant: only begin matters)
    double frequency = 100; // units between updates (> 0; fractional epochs allowed, as SparseML)
    // Piecewise: (progress in [0, 1], sparsity) points, progress increasing; the curve is linear between
    // them and flat outside. initial/final are ignored.
    std::vector<std::pair<double, double>> points;

    std::vector<ScheduleProblem> problems() const;
    void validate() const;  // InputError "schedule.field: problem"

    // The curve itself at progress x in [0, 1] (no quantisation to updates).
    double curve(double x) const;
    // The target sparsity in force at time t (steps or epochs, as `unit`): 0 before begin (initial when
    // initial > 0 and t >= begin), the curve at the last update at or before t, final from end on.
    double sparsityAt(double t) const;
    // Whether a mask update falls at t: begin, begin + k·frequency up to end, and end.
    bool isUpdate(double t, double tolerance = 1e-9) const;
    // Update times in [begin, end], in order (end included).
    std::vector<double> updateTimes() const;
};

// Distiller's span rule for epoch schedules: ((end - begin - 1) // frequency) · frequency, so its last
// update is the last whole `frequency` before `end` (Distiller's AGP reaches s_f one update early).
double distillerSpan(int beginEpoch, int endEpoch, int frequency);

} // namespace espalier::prune
