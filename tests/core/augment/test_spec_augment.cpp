// SpecAugment: masks cover exactly the drawn ranges, widths stay within their maxima, the warp keeps
// the shape and moves the centre frame, bad parameters are rejected when the op is created.
#include "core/augment/ops/spec_augment.h"
#include "core/runtime/error.h"

#include <QTest>

#include <cmath>

using namespace espalier;
using namespace espalier::augment;

namespace {

// Features with distinct values in [1, 2): none equals 0 or the mean by accident.
runtime::FeatureMatrix makeFeatures(int frames, int bins, std::uint64_t seed)
{
    runtime::FeatureMatrix f;
    f.frames = frames;
    f.bins = bins;
    runtime::SeededRandom random(seed);
    f.data.resize(size_t(frames) * bins);
    for (float& x : f.data)
        x = float(1.0 + random.unit());
    return f;
}

std::unique_ptr<Op> makeOp(const ParamMap& params, int bins = 80)
{
    OpContext context;
    context.where = "test op";
    context.numMelBins = bins;
    return SpecAugmentOp::create(params, context);
}

bool inside(const std::vector<MaskRegion>& masks, int t, int b)
{
    for (const auto& m : masks) {
        const int v = m.axis == MaskAxis::Time ? t : b;
        if (v >= m.start && v < m.start + m.width)
            return true;
    }
    return false;
}

} // namespace

class TestSpecAugment : public QObject {
    Q_OBJECT

private slots:
    void masksCoverExactlyTheDrawnRanges_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("freqMasks");
        QTest::addColumn<int>("freqWidth");
        QTest::addColumn<int>("timeMasks");
        QTest::addColumn<double>("timeWidth");  // < 1: a ratio
        QTest::addColumn<QString>("fill");
        QTest::newRow("wenet zero") << 300 << 2 << 10 << 2 << 50.0 << "zero";
        QTest::newRow("wenet mean") << 300 << 2 << 10 << 2 << 50.0 << "mean";
        QTest::newRow("espnet ratio") << 500 << 2 << 27 << 10 << 0.05 << "zero";
        QTest::newRow("wider than input") << 20 << 3 << 80 << 4 << 200.0 << "mean";
        QTest::newRow("many masks") << 120 << 8 << 20 << 12 << 15.0 << "zero";
    }
    void masksCoverExactlyTheDrawnRanges()
    {
        QFETCH(int, frames);
        QFETCH(int, freqMasks);
        QFETCH(int, freqWidth);
        QFETCH(int, timeMasks);
        QFETCH(double, timeWidth);
        QFETCH(QString, fill);
        ParamMap params{{"freq_masks", double(freqMasks)}, {"freq_width", double(freqWidth)},
                        {"time_masks", double(timeMasks)}, {"fill", fill.toStdString()}};
        if (timeWidth < 1.0)
            params["time_width_ratio"] = timeWidth;
        else
            params["time_width"] = timeWidth;
        const auto op = makeOp(params);
        const int bins = 80;
        const int maxTime = timeWidth < 1.0 ? int(std::floor(timeWidth * frames)) : std::min(int(timeWidth), frames);

        int sawMasked = 0;
        for (std::uint64_t seed = 1; seed <= 40; ++seed) {
            Signal s;
            s.features = makeFeatures(frames, bins, seed * 977);
            const runtime::FeatureMatrix before = s.features;
            double mean = 0.0;
            for (float x : before.data)
                mean += x;
            mean /= double(before.data.size());
            const float fillValue = fill == "mean" ? float(mean) : 0.0f;

            runtime::SeededRandom random(seed);
            AppliedOp record = op->draw(s, random);
            op->apply(s, record);

            QCOMPARE(int(record.masks.size()), freqMasks + timeMasks);
            for (const auto& m : record.masks) {
                const int limit = m.axis == MaskAxis::Time ? frames : bins;
                const int maxWidth = m.axis == MaskAxis::Time ? maxTime : freqWidth;
                QVERIFY(m.width >= 0 && m.width <= maxWidth);
                QVERIFY(m.start >= 0 && m.start + m.width <= limit);
            }
            QCOMPARE(s.features.frames, frames);
            QCOMPARE(s.features.bins, bins);
            for (int t = 0; t < frames; ++t) {
                for (int b = 0; b < bins; ++b) {
                    const float after = s.features.at(t, b);
                    if (inside(record.masks, t, b)) {
                        QCOMPARE(after, fillValue);
                        ++sawMasked;
                    } else {
                        QCOMPARE(after, before.at(t, b));  // untouched, bit for bit
                    }
                }
            }
        }
        QVERIFY(sawMasked > 0);
    }

    void replayedRecordClampedToShorterInput()
    {
        const auto op = makeOp({{"freq_masks", 0.0}, {"time_masks", 0.0}});
        Signal s;
        s.features = makeFeatures(30, 80, 5);
        AppliedOp record;
        record.type = "spec_augment";
        record.masks = {{MaskAxis::Time, 25, 20}, {MaskAxis::Frequency, 75, 10}};
        op->apply(s, record);
        for (int t = 0; t < 30; ++t)
            for (int b = 0; b < 80; ++b)
                QCOMPARE(s.features.at(t, b) == 0.0f, t >= 25 || b >= 75);
    }

    void timeWarpKeepsShapeAndMovesTheCentre()
    {
        // A ramp: frame t holds the value t, so the warp's mapping can be read off the output.
        runtime::FeatureMatrix f;
        f.frames = 100;
        f.bins = 4;
        for (int t = 0; t < f.frames; ++t)
            for (int b = 0; b < f.bins; ++b)
                f.data.push_back(float(t));
        runtime::FeatureMatrix w = f;
        SpecAugmentOp::timeWarp(w, 40, 5);
        QCOMPARE(w.frames, 100);
        QCOMPARE(w.bins, 4);
        QCOMPARE(w.data.size(), f.data.size());
        QCOMPARE(w.at(0, 0), 0.0f);
        QCOMPARE(w.at(99, 2), 99.0f);
        QCOMPARE(w.at(45, 1), 40.0f);               // the centre moved by the shift
        QVERIFY(std::fabs(w.at(20, 0) - 20.0f * 40.0f / 45.0f) < 1e-4f);  // stretched left part
        for (int t = 1; t < 100; ++t)
            QVERIFY(w.at(t, 3) >= w.at(t - 1, 3));  // monotonic: no frame order reversal

        runtime::FeatureMatrix same = f;
        SpecAugmentOp::timeWarp(same, 40, 0);
        QCOMPARE(same.data, f.data);
    }

    void timeWarpDrawnWithinBounds()
    {
        const auto op = makeOp({{"time_warp", 5.0}, {"freq_masks", 0.0}, {"time_masks", 0.0}});
        int warped = 0;
        for (std::uint64_t seed = 0; seed < 200; ++seed) {
            Signal s;
            s.features = makeFeatures(50, 80, seed);
            runtime::SeededRandom random(seed);
            AppliedOp record = op->draw(s, random);
            QVERIFY(record.hasValue("warp_center"));
            const int c = int(record.value("warp_center", -1));
            const int d = int(record.value("warp_shift", 99));
            QVERIFY(c >= 5 && c < 45);
            QVERIFY(d >= -5 && d <= 5);
            op->apply(s, record);
            QCOMPARE(s.features.frames, 50);
            QCOMPARE(s.features.data.size(), size_t(50 * 80));
            warped += d != 0;
        }
        QVERIFY(warped > 150);
        // Too short to warp: no warp recorded, input unchanged.
        Signal shortSignal;
        shortSignal.features = makeFeatures(10, 80, 1);
        runtime::SeededRandom random(1);
        QVERIFY(!op->draw(shortSignal, random).hasValue("warp_center"));
    }

    void paramsRoundTrip()
    {
        const auto a = makeOp({{"time_warp", 5.0}, {"freq_masks", 2.0}, {"freq_width", 27.0}, {"time_masks", 10.0},
                               {"time_width_ratio", 0.05}, {"fill", std::string("mean")}});
        const auto b = makeOp(a->params());
        QVERIFY(a->params() == b->params());
        const auto& c = static_cast<const SpecAugmentOp&>(*b).config();
        QCOMPARE(c.timeWarp, 5);
        QCOMPARE(c.freqWidth, 27);
        QCOMPARE(c.timeMasks, 10);
        QVERIFY(c.useRatio);
        QCOMPARE(c.timeWidthRatio, 0.05);
        QVERIFY(c.fill == SpecAugmentOp::Fill::Mean);
        QVERIFY(!a->params().count("time_width"));
    }

    void rejectedAtCreation_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<double>("value");
        QTest::addColumn<QString>("expected");
        QTest::newRow("negative freq width") << "freq_width" << -3.0 << "'freq_width'";
        QTest::newRow("negative time width") << "time_width" << -1.0 << "'time_width'";
        QTest::newRow("negative count") << "time_masks" << -2.0 << "'time_masks'";
        QTest::newRow("freq width above bins") << "freq_width" << 81.0 << "80 mel bins";
        QTest::newRow("ratio above 1") << "time_width_ratio" << 1.5 << "'time_width_ratio'";
        QTest::newRow("negative warp") << "time_warp" << -1.0 << "'time_warp'";
        QTest::newRow("fractional count") << "freq_masks" << 1.5 << "whole number";
        QTest::newRow("nan width") << "freq_width" << std::nan("") << "'freq_width'";
    }
    void rejectedAtCreation()
    {
        QFETCH(QString, key);
        QFETCH(double, value);
        QFETCH(QString, expected);
        try {
            makeOp({{key.toStdString(), value}});
            QFAIL("accepted");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith("test op: "), e.what());
            QVERIFY2(message.contains(expected), e.what());
        }
    }

    void rejectsBothWidthsAndUnknownFill()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, makeOp({{"time_width", 10.0}, {"time_width_ratio", 0.1}}));
        QVERIFY_THROWS_EXCEPTION(InputError, makeOp({{"fill", std::string("noise")}}));
        QVERIFY_THROWS_EXCEPTION(InputError, makeOp({{"freq_widht", 3.0}}));
        // freq_width is checked against the pipeline's bin count, not a fixed 80.
        QVERIFY_THROWS_EXCEPTION(InputError, makeOp({{"freq_width", 30.0}}, 23));
        makeOp({{"freq_width", 23.0}}, 23);
    }
};

QTEST_GUILESS_MAIN(TestSpecAugment)
#include "test_spec_augment.moc"
