// The plot widgets: waveform decimation keeps every extreme, the colour map holds the features,
// linked time axes follow each other without feedback loops.
#include "widgets/plots/spectrogram_plot.h"
#include "widgets/plots/waveform_plot.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <algorithm>
#include <cmath>

using espalier::widgets::PlotWidget;
using espalier::widgets::SpectrogramPlot;
using espalier::widgets::WaveformPlot;

namespace {
constexpr int kRate = 16000;

std::vector<float> sine(size_t count, float amplitude = 0.3f)
{
    std::vector<float> samples(count);
    for (size_t i = 0; i < count; ++i)
        samples[i] = amplitude * float(std::sin(2.0 * M_PI * 220.0 * double(i) / kRate));
    return samples;
}
} // namespace

class TestPlots : public QObject {
    Q_OBJECT
private slots:
    void decimationKeepsExtremes_data();
    void decimationKeepsExtremes();
    void shortSignalIsDrawnSampleBySample();
    void zoomRedecimatesVisibleRange();
    void resizeChangesColumnCount();
    void clearRemovesData();
    void longSignalIsBounded();
    void colourMapHoldsFeatures();
    void colourMapPoolsLongInputs();
    void colourMapRejectsWrongSize();
    void linkedRangesFollowEachOther();
    void rangeIsClampedToData();
};

void TestPlots::decimationKeepsExtremes_data()
{
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("peakAt");
    QTest::addColumn<int>("dipAt");
    // Few samples per column (exact min/max), many per column (block summary), extremes at the edges.
    QTest::newRow("10k samples") << 10000 << 4321 << 8765;
    QTest::newRow("2M samples") << 2000000 << 1234567 << 765433;
    QTest::newRow("extremes at the ends") << 2000003 << 2000002 << 0;
    QTest::newRow("extremes in the last block") << 1000100 << 1000050 << 1000099;
}

void TestPlots::decimationKeepsExtremes()
{
    QFETCH(int, count);
    QFETCH(int, peakAt);
    QFETCH(int, dipAt);
    std::vector<float> samples = sine(size_t(count));
    samples[size_t(peakAt)] = 0.97f;
    samples[size_t(dipAt)] = -0.88f;

    WaveformPlot plot;
    plot.resize(800, 300);
    plot.setSamples(samples, kRate);

    const WaveformPlot::Envelope& envelope = plot.envelope();
    QVERIFY(envelope.decimated);
    QVERIFY(envelope.time.size() <= 800u);
    QVERIFY(envelope.time.size() >= 400u);
    QCOMPARE(envelope.minimum.size(), envelope.time.size());
    QCOMPARE(envelope.maximum.size(), envelope.time.size());
    QCOMPARE(*std::max_element(envelope.maximum.begin(), envelope.maximum.end()), 0.97f);
    QCOMPARE(*std::min_element(envelope.minimum.begin(), envelope.minimum.end()), -0.88f);
    // The extremes are drawn where they are: within a column of their time.
    const double column = double(count) / kRate / double(envelope.time.size());
    const auto peakColumn = size_t(std::max_element(envelope.maximum.begin(), envelope.maximum.end()) - envelope.maximum.begin());
    const auto dipColumn = size_t(std::min_element(envelope.minimum.begin(), envelope.minimum.end()) - envelope.minimum.begin());
    QVERIFY(std::abs(envelope.time[peakColumn] - double(peakAt) / kRate) <= column);
    QVERIFY(std::abs(envelope.time[dipColumn] - double(dipAt) / kRate) <= column);
    for (size_t i = 0; i < envelope.time.size(); ++i)
        QVERIFY(envelope.minimum[i] <= envelope.maximum[i]);
    QVERIFY(std::is_sorted(envelope.time.begin(), envelope.time.end()));
    QCOMPARE(plot.xLower(), 0.0);
    QCOMPARE(plot.xUpper(), double(count) / kRate);
}

void TestPlots::shortSignalIsDrawnSampleBySample()
{
    WaveformPlot plot;
    plot.resize(800, 300);
    const std::vector<float> samples = sine(300);
    plot.setSamples(samples, kRate);
    const WaveformPlot::Envelope& envelope = plot.envelope();
    QVERIFY(!envelope.decimated);
    QCOMPARE(envelope.time.size(), samples.size());
    QCOMPARE(envelope.maximum[123], double(samples[123]));
    QCOMPARE(envelope.time[123], 123.0 / kRate);
    QCOMPARE(plot.sampleCount(), size_t(300));
    QVERIFY(plot.hasData());
}

void TestPlots::zoomRedecimatesVisibleRange()
{
    WaveformPlot plot;
    plot.resize(800, 300);
    const std::vector<float> samples = sine(size_t(kRate) * 10);
    plot.setSamples(samples, kRate);
    QVERIFY(plot.envelope().decimated);

    // 200 samples visible: drawn one by one, only those in view.
    plot.setXRange(5.0, 5.0 + 200.0 / kRate);
    const WaveformPlot::Envelope& envelope = plot.envelope();
    QVERIFY(!envelope.decimated);
    QVERIFY(envelope.time.size() >= 200u && envelope.time.size() <= 203u);
    QVERIFY(envelope.time.front() <= 5.0 && envelope.time.back() >= 5.0 + 199.0 / kRate);
    const auto index = size_t(std::lround(envelope.time[10] * kRate));
    QCOMPARE(envelope.maximum[10], double(samples[index]));

    plot.resetXRange();
    QVERIFY(plot.envelope().decimated);
    QCOMPARE(plot.xUpper(), 10.0);
}

void TestPlots::resizeChangesColumnCount()
{
    WaveformPlot plot;
    plot.resize(1000, 300);
    plot.show();
    QVERIFY(QTest::qWaitForWindowExposed(&plot));
    plot.setSamples(sine(size_t(kRate) * 60), kRate);
    const size_t wide = plot.envelope().time.size();
    plot.resize(500, 300);
    QTRY_VERIFY(plot.envelope().time.size() < wide * 3 / 4);
    QVERIFY(plot.envelope().time.size() > 200u);
}

void TestPlots::clearRemovesData()
{
    WaveformPlot waveform;
    waveform.setSamples(sine(5000), kRate);
    waveform.clear();
    QVERIFY(!waveform.hasData());
    QCOMPARE(waveform.sampleCount(), size_t(0));
    QVERIFY(waveform.envelope().time.empty());
    QVERIFY(!waveform.placeholderText().isEmpty());

    SpectrogramPlot spectrogram;
    spectrogram.setFeatures(3, 2, {1, 2, 3, 4, 5, 6}, 0.01);
    QVERIFY(spectrogram.hasData());
    spectrogram.clear();
    QVERIFY(!spectrogram.hasData());
    QCOMPARE(spectrogram.frames(), 0);
    QCOMPARE(spectrogram.mapSize(), QSize(0, 0));
}

void TestPlots::longSignalIsBounded()
{
    // Ten minutes at 16 kHz: what is drawn depends on the width, not on the length.
    const std::vector<float> samples = sine(size_t(kRate) * 600);
    WaveformPlot plot;
    plot.resize(1200, 300);
    QElapsedTimer timer;
    timer.start();
    plot.setSamples(samples, kRate);
    const qint64 setMs = timer.restart();
    plot.setXRange(100.0, 400.0);
    const qint64 zoomMs = timer.elapsed();
    qInfo("10 min waveform: setSamples %lld ms, re-decimate on zoom %lld ms", setMs, zoomMs);
    QVERIFY(plot.envelope().decimated);
    QVERIFY(plot.envelope().time.size() <= 1200u);
    QVERIFY(plot.envelope().time.front() >= 100.0 - 1.0);
    QVERIFY(plot.envelope().time.back() <= 400.0 + 1.0);
}

void TestPlots::colourMapHoldsFeatures()
{
    const int frames = 50;
    const int bins = 80;
    std::vector<float> features(size_t(frames * bins));
    for (int f = 0; f < frames; ++f)
        for (int b = 0; b < bins; ++b)
            features[size_t(f * bins + b)] = -5.0f + 0.1f * float(b) + 0.01f * float(f);
    SpectrogramPlot plot;
    plot.resize(800, 300);
    plot.setFeatures(frames, bins, features, 0.01);
    QVERIFY(plot.hasData());
    QCOMPARE(plot.frames(), frames);
    QCOMPARE(plot.bins(), bins);
    QCOMPARE(plot.mapSize(), QSize(frames, bins));
    QCOMPARE(plot.dataLower(), double(-5.0f));
    QCOMPARE(plot.dataUpper(), double(-5.0f + 0.1f * 79 + 0.01f * 49));
    QCOMPARE(plot.xLower(), 0.0);
    QVERIFY(std::abs(plot.xUpper() - 0.5) < 1e-9);
}

void TestPlots::colourMapPoolsLongInputs()
{
    const int frames = 3 * SpectrogramPlot::kMaxColumns + 7;
    const int bins = 4;
    std::vector<float> features(size_t(frames * bins), 0.0f);
    features[size_t(12000 * bins + 2)] = 9.0f;
    SpectrogramPlot plot;
    plot.setFeatures(frames, bins, features, 0.01);
    QVERIFY(plot.mapSize().width() <= SpectrogramPlot::kMaxColumns);
    QCOMPARE(plot.mapSize().height(), bins);
    QCOMPARE(plot.frames(), frames);
    QCOMPARE(plot.dataUpper(), 9.0);  // max-pooling keeps the peak
    QVERIFY(std::abs(plot.xUpper() - frames * 0.01) < 0.05);
}

void TestPlots::colourMapRejectsWrongSize()
{
    SpectrogramPlot plot;
    plot.setFeatures(2, 2, {1, 2, 3, 4}, 0.01);
    QTest::ignoreMessage(QtWarningMsg, QRegularExpression("setFeatures: 3 x 2 features need 6 values, got 4"));
    plot.setFeatures(3, 2, {1, 2, 3, 4}, 0.01);
    QVERIFY(!plot.hasData());
    QCOMPARE(plot.mapSize(), QSize(0, 0));
}

void TestPlots::linkedRangesFollowEachOther()
{
    WaveformPlot waveform;
    SpectrogramPlot spectrogram;
    waveform.setSamples(sine(size_t(kRate) * 2), kRate);
    spectrogram.setFeatures(200, 80, std::vector<float>(200 * 80, 1.0f), 0.01);
    QObject::connect(&waveform, &PlotWidget::rangeChanged, &spectrogram, &PlotWidget::setXRange);
    QObject::connect(&spectrogram, &PlotWidget::rangeChanged, &waveform, &PlotWidget::setXRange);
    QSignalSpy waveformSpy(&waveform, &PlotWidget::rangeChanged);
    QSignalSpy spectrogramSpy(&spectrogram, &PlotWidget::rangeChanged);

    waveform.setXRange(0.25, 0.75);
    QCOMPARE(waveformSpy.count(), 1);
    QCOMPARE(spectrogramSpy.count(), 1);
    QCOMPARE(spectrogramSpy.at(0).at(0).toDouble(), 0.25);
    QCOMPARE(spectrogramSpy.at(0).at(1).toDouble(), 0.75);
    QCOMPARE(spectrogram.xLower(), 0.25);
    QCOMPARE(spectrogram.xUpper(), 0.75);

    spectrogram.setXRange(1.0, 1.5);
    QCOMPARE(waveform.xLower(), 1.0);
    QCOMPARE(waveform.xUpper(), 1.5);
    QCOMPARE(waveformSpy.count(), 2);
    QCOMPARE(spectrogramSpy.count(), 2);

    // The same range again is not a change.
    waveform.setXRange(1.0, 1.5);
    QCOMPARE(waveformSpy.count(), 2);
}

void TestPlots::rangeIsClampedToData()
{
    WaveformPlot plot;
    plot.setSamples(sine(size_t(kRate) * 3), kRate);
    plot.setXRange(-1.0, 0.5);
    QCOMPARE(plot.xLower(), 0.0);
    QCOMPARE(plot.xUpper(), 1.5);
    plot.setXRange(2.5, 4.0);
    QCOMPARE(plot.xLower(), 1.5);
    QCOMPARE(plot.xUpper(), 3.0);
    plot.setXRange(-10.0, 10.0);
    QCOMPARE(plot.xLower(), 0.0);
    QCOMPARE(plot.xUpper(), 3.0);
}

QTEST_MAIN(TestPlots)
#include "test_plots.moc"
