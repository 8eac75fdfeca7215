// Comparing runs: changes against the chosen baseline, only the differing settings, mean ± sample
// standard deviation over seeds.
#include "core/project/run_compare.h"
#include "core/runtime/error.h"
#include "tests/core/project/run_fixture.h"

#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace espalier;
using project::IndexedRun;

namespace {

IndexedRun fixture(const std::string& runs, const runfixture::FixtureRun& r)
{
    return project::readIndexedRun(runfixture::writeRun(runs, r), runs);
}

const project::MetricRow& row(const project::RunComparison& c, const std::string& key)
{
    for (const auto& r : c.metrics)
        if (r.key == key)
            return r;
    throw std::runtime_error("no metric row " + key);
}

} // namespace

class TestRunCompare : public QObject {
    Q_OBJECT
private slots:
    void changesAgainstTheBaseline()
    {
        QTemporaryDir tmp;
        const std::string runs = tmp.path().toStdString();
        const std::vector<IndexedRun> all{
            fixture(runs, {"dense", "", 1, 0.002, 100, {{"test_clean", 0.10}, {"test_noisy", 0.30}}, 0.12}),
            fixture(runs, {"sparse", "recipe: r.yaml\n", 1, 0.002, 100, {{"test_clean", 0.125}}, 0.14, 0.7}),
        };
        project::CompareOptions options;
        options.baseline = "sparse";
        const auto c = project::compareRuns(all, options);
        QCOMPARE(c.columns.size(), size_t(2));
        QCOMPARE(c.baseline, size_t(1));
        const auto& clean = row(c, "test_cer.test_clean");
        QVERIFY(std::fabs(*clean.deltas[0] - (-0.025)) < 1e-9);
        QCOMPARE(*clean.deltas[1], 0.0);
        const auto& noisy = row(c, "test_cer.test_noisy");
        QVERIFY(noisy.values[0] && !noisy.values[1] && !noisy.deltas[0]);  // the baseline lacks it: no change
        QCOMPARE(*row(c, "sparsity").values[1], 0.7);
        QVERIFY(!row(c, "sparsity").values[0]);
        // Only the recipe differs (name is incidental).
        QCOMPARE(c.differences.size(), size_t(1));
        QCOMPARE(c.differences[0].key, std::string("recipe"));
        QCOMPARE(c.differences[0].values, (std::vector<std::string>{"—", "r.yaml"}));
    }

    void seedsFoldIntoMeanAndSpread()
    {
        QTemporaryDir tmp;
        const std::string runs = tmp.path().toStdString();
        std::vector<IndexedRun> all;
        const double dense[] = {0.10, 0.12, 0.14}, sparse[] = {0.20, 0.22, 0.24};
        for (int s = 0; s < 3; ++s) {
            all.push_back(fixture(runs, {"dense-s" + std::to_string(s), "", s + 1, 0.002, 100, {{"test_clean", dense[s]}}, 0.1}));
            all.push_back(fixture(runs, {"fast-s" + std::to_string(s), "", s + 1, 0.004, 100, {{"test_clean", sparse[s]}}, 0.1}));
        }
        project::CompareOptions options;
        options.groupSeeds = true;
        const auto c = project::compareRuns(all, options);
        QCOMPARE(c.columns.size(), size_t(2));
        QCOMPARE(c.columns[0].runIds.size(), size_t(3));
        QCOMPARE(c.columns[0].seeds, (std::vector<std::string>{"1", "2", "3"}));
        QCOMPARE(c.columns[0].label, std::string("dense-s0 ×3 seeds"));
        const auto& clean = row(c, "test_cer.test_clean");
        QVERIFY(std::fabs(*clean.values[0] - 0.12) < 1e-9);
        QVERIFY(std::fabs(*clean.spreads[0] - 0.02) < 1e-9);  // sample standard deviation
        QVERIFY(std::fabs(*clean.deltas[1] - 0.10) < 1e-9);
        QCOMPARE(c.differences.size(), size_t(1));             // the seed is the same set in both columns
        QCOMPARE(c.differences[0].key, std::string("optimizer.lr"));

        options.groupSeeds = false;
        QCOMPARE(project::compareRuns(all, options).columns.size(), size_t(6));
    }

    void badRequestsAreRefused()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, project::compareRuns({}));
        QTemporaryDir tmp;
        const std::string runs = tmp.path().toStdString();
        project::CompareOptions options;
        options.baseline = "absent";
        QVERIFY_THROWS_EXCEPTION(InputError, project::compareRuns({fixture(runs, {"a"})}, options));
    }
};

QTEST_GUILESS_MAIN(TestRunCompare)
#include "test_run_compare.moc"
