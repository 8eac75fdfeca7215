// Length-bucketed batch plans: every utterance once, within the limits, sorted inside a batch,
// reproducible for a seed and epoch.
#include "core/runtime/random.h"
#include "core/train/batch_plan.h"

#include <QtTest>

#include <algorithm>

using namespace espalier;

namespace {

std::vector<int> randomFrames(int n, std::uint64_t seed)
{
    runtime::SeededRandom random(seed);
    std::vector<int> frames;
    for (int i = 0; i < n; ++i)
        frames.push_back(random.between(50, 1500));
    return frames;
}

} // namespace

class TestBatchPlan : public QObject {
    Q_OBJECT

private slots:
    void coversEveryUtteranceWithinLimits_data()
    {
        QTest::addColumn<int>("maxFrames");
        QTest::addColumn<int>("maxUtterances");
        QTest::addColumn<int>("sortWindow");
        QTest::newRow("frames only") << 12000 << 0 << 500;
        QTest::newRow("utterance cap") << 12000 << 5 << 500;
        QTest::newRow("small window") << 6000 << 0 << 7;
        QTest::newRow("one per batch") << 1 << 0 << 100;
    }
    void coversEveryUtteranceWithinLimits()
    {
        QFETCH(int, maxFrames);
        QFETCH(int, maxUtterances);
        QFETCH(int, sortWindow);
        std::vector<int> frames = randomFrames(300, 1);
        frames[10] = 0;  // unusable: left out
        train::BatchConfig config;
        config.maxFrames = maxFrames;
        config.maxUtterances = maxUtterances;
        config.sortWindow = sortWindow;
        const auto plan = train::planEpoch(frames, config, 9, 0);
        std::vector<int> seen;
        for (const auto& batch : plan) {
            QVERIFY(!batch.empty());
            int longest = 0;
            for (size_t i = 0; i < batch.size(); ++i) {
                longest = std::max(longest, frames[size_t(batch[i])]);
                if (i > 0)
                    QVERIFY(frames[size_t(batch[i - 1])] <= frames[size_t(batch[i])]);
            }
            if (batch.size() > 1)
                QVERIFY((long long)longest * (long long)batch.size() <= maxFrames);
            if (maxUtterances > 0)
                QVERIFY(int(batch.size()) <= maxUtterances);
            seen.insert(seen.end(), batch.begin(), batch.end());
        }
        std::sort(seen.begin(), seen.end());
        QCOMPARE(seen.size(), size_t(299));
        QVERIFY(std::adjacent_find(seen.begin(), seen.end()) == seen.end());
        QVERIFY(!std::binary_search(seen.begin(), seen.end(), 10));
    }

    void reproducibleForSeedAndEpoch()
    {
        const std::vector<int> frames = randomFrames(200, 2);
        train::BatchConfig config;
        config.maxFrames = 5000;
        config.sortWindow = 50;
        QCOMPARE(train::planEpoch(frames, config, 3, 1), train::planEpoch(frames, config, 3, 1));
        QVERIFY(train::planEpoch(frames, config, 3, 1) != train::planEpoch(frames, config, 3, 2));
        QVERIFY(train::planEpoch(frames, config, 3, 1) != train::planEpoch(frames, config, 4, 1));
    }

    void bucketingKeepsPaddingLow()
    {
        // Sorting within windows pads far less than batching in random order would.
        const std::vector<int> frames = randomFrames(1000, 5);
        train::BatchConfig config;
        config.maxFrames = 12000;
        config.sortWindow = 500;
        long long padded = 0, valid = 0;
        for (const auto& batch : train::planEpoch(frames, config, 1, 0)) {
            int longest = 0;
            for (int i : batch) {
                longest = std::max(longest, frames[size_t(i)]);
                valid += frames[size_t(i)];
            }
            padded += (long long)longest * (long long)batch.size();
        }
        QVERIFY2(double(valid) / double(padded) > 0.9, qPrintable(QString::number(double(valid) / double(padded))));
    }

    void inOrderPlanIsSortedAndUnshuffled()
    {
        const std::vector<int> frames = {30, 10, 20, 0, 40};
        train::BatchConfig config;
        config.maxFrames = 60;
        const auto plan = train::planInOrder(frames, config);
        QCOMPARE(plan, (std::vector<train::BatchIndices>{{1, 2}, {0}, {4}}));
    }
};

QTEST_GUILESS_MAIN(TestBatchPlan)
#include "test_batch_plan.moc"
