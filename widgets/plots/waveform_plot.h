#pragma once
// An audio signal against time in seconds. Long signals are drawn as a min/max envelope with one
// column per pixel of the visible range (recomputed on zoom from a precomputed block summary), so a
// one-hour file draws as fast as a one-second one.
#include "widgets/plots/plot_widget.h"

#include <cstddef>
#include <vector>

namespace espalier::widgets {

class WaveformPlot : public PlotWidget {
    Q_OBJECT
public:
    // What is drawn for the visible range. One entry per column; minimum == maximum when each
    // column holds a single sample (the samples are drawn as a line then).
    struct Envelope {
        std::vector<double> time;  // seconds, column centre
        std::vector<double> minimum;
        std::vector<double> maximum;
        bool decimated = false;
    };

    explicit WaveformPlot(QWidget* parent = nullptr);
    ~WaveformPlot() override;

    // Mono samples in [-1, 1]; shows the whole signal.
    void setSamples(const std::vector<float>& samples, int sampleRate);
    void setSamples(std::vector<float>&& samples, int sampleRate);
    void clear() override;

    int sampleRate() const { return sampleRate_; }
    size_t sampleCount() const { return samples_.size(); }
    double duration() const;
    const Envelope& envelope() const { return envelope_; }

    // Marks a time (the play position); a negative time hides the marker.
    void setPlayhead(double seconds);

protected:
    void onXRangeChanged(double lower, double upper) override;
    void retranslate() override;

private:
    void adoptSamples(int sampleRate);
    void rebuildEnvelope(double lower, double upper);
    int columnCount() const;

    std::vector<float> samples_;
    int sampleRate_ = 0;
    // Min/max of consecutive blocks of 256 samples, for decimating long views without
    // touching every sample.
    std::vector<float> blockMin_;
    std::vector<float> blockMax_;
    Envelope envelope_;
    int envelopeColumns_ = 0;  // the column count envelope_ was made for
    struct Items;
    Items* items_;  // owned by the QCustomPlot
};

} // namespace espalier::widgets
