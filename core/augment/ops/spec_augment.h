#pragma once
// SpecAugment on fbank features (Park et al. 2019): an optional time warp, then frequency masks and
// time masks filled with zero or the utterance's mean. Params: time_warp (frames, 0 = off),
// freq_masks, freq_width (max bins), time_masks, time_width (max frames) or time_width_ratio (max
// fraction of the length), fill (zero | mean). Records "warp_center" and "warp_shift" when it warps
// and one MaskRegion per mask drawn (zero-width masks included).
#include "core/augment/op.h"

namespace espalier::augment {

class SpecAugmentOp : public Op {
public:
    enum class Fill { Zero, Mean };
    struct Config {
        int timeWarp = 0;
        int freqMasks = 0;
        int freqWidth = 0;
        int timeMasks = 0;
        int timeWidth = 0;
        bool useRatio = false;        // time mask widths from timeWidthRatio instead of timeWidth
        double timeWidthRatio = 0.0;
        Fill fill = Fill::Zero;
    };

    static std::unique_ptr<Op> create(const ParamMap& params, const OpContext& context);
    static std::vector<ParamSpec> specs();

    explicit SpecAugmentOp(const Config& config) : config_(config) {}
    const Config& config() const { return config_; }

    std::string type() const override { return "spec_augment"; }
    Domain domain() const override { return Domain::Features; }
    ParamMap params() const override;
    AppliedOp draw(const Signal& input, runtime::SeededRandom& random) const override;
    void apply(Signal& signal, AppliedOp& drawn) const override;

    // Piecewise-linear resampling of the time axis: frame `center` moves to `center + shift`, frames 0
    // and frames-1 stay; linear interpolation between neighbouring frames. Shape is kept.
    static void timeWarp(runtime::FeatureMatrix& features, int center, int shift);
    // Fills the cells of each region (clamped to the matrix) with value.
    static void fillMasks(runtime::FeatureMatrix& features, const std::vector<MaskRegion>& masks, float value);

private:
    Config config_;
};

} // namespace espalier::augment
