#pragma once
// The record of one op's application to one utterance: what it drew and what it did, so a preview
// can label it, a test can check it and a locked op can be replayed exactly.
#include <string>
#include <utility>
#include <vector>

namespace espalier::augment {

enum class MaskAxis { Time, Frequency };

// A masked band of the feature matrix: frames [start, start + width) or bins [start, start + width).
struct MaskRegion {
    MaskAxis axis = MaskAxis::Time;
    int start = 0;
    int width = 0;
    bool operator==(const MaskRegion& o) const { return axis == o.axis && start == o.start && width == o.width; }
};

struct AppliedOp {
    std::string type;     // the op's type, e.g. "speed"
    int index = -1;       // position in the pipeline
    bool applied = true;  // false when the op's probability skipped it (nothing else is set then)
    // Drawn numbers in a stable order, e.g. {"factor", 1.1}, {"snr_db", 12.5}, {"gain_db", -3}.
    std::vector<std::pair<std::string, double>> values;
    // Drawn choices, e.g. {"noise", "pink"}, {"file", "/data/noise/n12.wav"}.
    std::vector<std::pair<std::string, std::string>> labels;
    // SpecAugment's masked bands (in the frames of the features the op saw).
    std::vector<MaskRegion> masks;

    // A drawn value by name; fallback when absent.
    double value(const std::string& name, double fallback) const;
    bool hasValue(const std::string& name) const;
    std::string label(const std::string& name) const;  // "" when absent
    void set(const std::string& name, double v);
    void setLabel(const std::string& name, const std::string& v);
    // One line for people, e.g. "speed ×1.10", "noise pink @ 12.5 dB" or "spec_augment: 2 freq masks,
    // 2 time masks" (other ops: their values, labels and mask counts).
    std::string summary() const;
};

} // namespace espalier::augment
