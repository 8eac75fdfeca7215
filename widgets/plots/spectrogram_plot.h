#pragma once
// A feature matrix (fbank: frames x mel bins) as a colour map against time in seconds, with a colour
// scale and a perceptually uniform gradient (viridis).
#include "plots/plot_widget.h"

#include <vector>

namespace espalier::widgets {

class SpectrogramPlot : public PlotWidget {
    Q_OBJECT
public:
    // Columns drawn at most; longer inputs are max-pooled over consecutive frames.
    static constexpr int kMaxColumns = 4096;

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
    // The range the colour scale spans (the data's min and max).
    double dataLower() const { return dataLower_; }
    double dataUpper() const { return dataUpper_; }

protected:
    void retranslate() override;

private:
    struct Items;
    Items* items_;  // owned by the QCustomPlot
    int frames_ = 0;
    int bins_ = 0;
    double dataLower_ = 0.0;
    double dataUpper_ = 0.0;
};

} // namespace espalier::widgets
