#pragma once
// A feature matrix (fbank: frames x mel bins) as a colour map against time in seconds, with a colour
// scale and a perceptually uniform gradient (viridis), and optional outlines of masked bands
// (SpecAugment's time and frequency masks).
#include "widgets/plots/plot_widget.h"

#include <vector>

namespace espalier::widgets {

class SpectrogramPlot : public PlotWidget {
    Q_OBJECT
public:
    // Columns drawn at most; longer inputs are max-pooled over consecutive frames.
    static constexpr int kMaxColumns = 4096;

    // A band to outline: frames [start, start + width) (a vertical band) or mel bins
    // [start, start + width) (a horizontal band).
    struct MaskBand {
        enum class Axis { Time, Frequency };
        Axis axis = Axis::Time;
        int start = 0;
        int width = 0;
        bool operator==(const MaskBand& o) const { return axis == o.axis && start == o.start && width == o.width; }
    };

    explicit SpectrogramPlot(QWidget* parent = nullptr);
    ~SpectrogramPlot() override;

    // rowMajor holds frames x bins values; frame i covers [i, i + 1) * frameShiftSeconds.
    // Clears the plot (and warns) when the sizes disagree.
    void setFeatures(int frames, int bins, const std::vector<float>& rowMajor, double frameShiftSeconds);
    void clear() override;

    int frames() const { return frames_; }
    int bins() const { return bins_; }
    // Cells of the colour map (columns x bins); columns < frames when pooled.
    QSize mapSize() const;
    // The data's min and max (the colour scale's range unless setColorRange overrides it).
    double dataLower() const { return dataLower_; }
    double dataUpper() const { return dataUpper_; }
    // Fixes the colour scale's range (e.g. the same for two plots compared side by side) until the
    // next setFeatures().
    void setColorRange(double lower, double upper);
    double colorLower() const;
    double colorUpper() const;

    // Outlines bands of the current features (cleared by setFeatures and clear); bands are clipped
    // to the matrix and empty ones are dropped.
    void setMaskBands(const std::vector<MaskBand>& bands);
    const std::vector<MaskBand>& maskBands() const { return bands_; }

protected:
    void retranslate() override;

private:
    void drawMaskBands();

    struct Items;
    Items* items_;  // owned by the QCustomPlot
    int frames_ = 0;
    int bins_ = 0;
    double dataLower_ = 0.0;
    double dataUpper_ = 0.0;
    double frameShiftSeconds_ = 0.0;
    std::vector<MaskBand> bands_;
};

} // namespace espalier::widgets
