// The sensitivity result file, its condensed measures, shards, the cell cache and the allocation of
// per-tensor targets: plain data in, numbers and errors out (no LibTorch).
#include "core/analysis/sensitivity_allocation.h"
#include "core/analysis/sensitivity_cache.h"
#include "core/analysis/sensitivity_result.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <QTemporaryDir>
#include <QtTest>

#include <cmath>
#include <fstream>

using namespace espalier;
using namespace espalier::analysis;

namespace {

// Rows whose Δloss rises as sensitivity * level^2 (baseline loss 1), with sizes and latency.
SensitivityResult synthetic(const std::vector<double>& sensitivities, const std::vector<long long>& sizes,
                            bool latency = false)
{
    SensitivityResult r;
    r.model = "m.pt";
    r.modelHash = "0123456789abcdef";
    r.data = "dev/data.list";
    r.subset = 10;
    r.subsetHash = "fedcba9876543210";
    r.levels = defaultLevels();
    r.baselineLoss = 1.0;
    r.baselineCer = 0.1;
    for (size_t i = 0; i < sensitivities.size(); ++i) {
        SensitivityRow row;
        row.name = "encoder.blocks." + std::to_string(i) + ".w";
        row.tensors = {row.name};
        row.block = int(i);
        row.role = "feed_forward_in";
        row.parameters = sizes[i];
        for (const double l : r.levels) {
            SensitivityCell c;
            c.state = SensitivityCell::State::Done;
            c.loss = 1.0 + sensitivities[i] * l * l;
            c.kl = 0.1 * l;
            c.cer = 0.1 + 0.05 * l;
            row.cells.push_back(c);
            row.magnitude.push_back(l * l);
            if (latency)
                row.latencyMs.push_back(1.0 - (i == 0 ? 0.9 : 0.1) * l);  // row 0 speeds up a lot
        }
        r.rows.push_back(row);
    }
    return r;
}

double weightedSparsity(const SensitivityResult& r, const Allocation& a)
{
    double sum = 0.0, n = 0.0;
    for (size_t i = 0; i < r.rows.size(); ++i) {
        sum += a.sparsity[i] * double(r.rows[i].parameters);
        n += double(r.rows[i].parameters);
    }
    return sum / n;
}

} // namespace

class TestSensitivityResult : public QObject {
    Q_OBJECT

private slots:
    void jsonRoundTripKeepsEveryCell()
    {
        SensitivityResult r = synthetic({1.0, 2.0}, {100, 200}, true);
        r.rows[1].cells[11].state = SensitivityCell::State::Skipped;
        r.rows[1].cells[10] = SensitivityCell();  // pending
        r.lossCeiling = 0.5;
        const SensitivityResult back = SensitivityResult::fromJson(r.toJson(), "r.json");
        QCOMPARE(back.toJson(), r.toJson());
        QCOMPARE(back.key(), r.key());
        QVERIFY(back.rows[1].cells[11].state == SensitivityCell::State::Skipped);
        QVERIFY(back.rows[1].cells[10].state == SensitivityCell::State::Pending);
        QVERIFY(!back.complete());
        QCOMPARE(back.doneCells(), 23);  // skipped cells count as done
    }

    void keyChangesWithWhatTheCellsDependOn()
    {
        const SensitivityResult r = synthetic({1.0}, {100});
        SensitivityResult other = r;
        other.levels.back() = 0.96;
        QVERIFY(other.key() != r.key());
        other = r;
        other.subsetHash = "x";
        QVERIFY(other.key() != r.key());
        other = r;
        other.granularity = Granularity::Group;
        QVERIFY(other.key() != r.key());
        other = r;
        other.lossCeiling = 3.0;  // the ceiling decides what is computed, not what a cell holds
        QCOMPARE(other.key(), r.key());
    }

    void corruptFilesNameTheField_data()
    {
        QTest::addColumn<QString>("from");
        QTest::addColumn<QString>("to");
        QTest::addColumn<QString>("message");
        QTest::newRow("not json") << "{" << "" << "r.json: not a sensitivity result";
        QTest::newRow("other format") << "\"espalier-sensitivity\"" << "\"x\"" << "r.json: not a sensitivity result";
        QTest::newRow("kl text") << "\"kl\": 0.0" << "\"kl\": \"a\"" << "rows[0].cells[0]";
        QTest::newRow("cell word") << "\"cells\": [\n" << "\"cells\": [\n\"done\",\n" << "rows[0].cells";
        QTest::newRow("level too high") << "0.95" << "1.5" << "levels";
        QTest::newRow("shard") << "\"index\": 0" << "\"index\": 4" << "shard";
        QTest::newRow("version") << "\"version\": 1" << "\"version\": 9" << "version";
        // A number beyond double's range is JSON's out_of_range, not a parse error (found by fuzzing).
        QTest::newRow("huge number") << "\"kl\": 0.0" << "\"kl\": 1e999" << "r.json: not a sensitivity result";
        QTest::newRow("huge subset") << "\"subset\": 10" << "\"subset\": 1e30" << "subset";
    }

    void corruptFilesNameTheField()
    {
        QFETCH(QString, from);
        QFETCH(QString, to);
        QFETCH(QString, message);
        std::string text = synthetic({1.0}, {100}).toJson();
        if (to.isEmpty()) {
            text = from.toStdString();
        } else {
            const size_t at = text.find(from.toStdString());
            QVERIFY2(at != std::string::npos, qPrintable(from));
            text.replace(at, size_t(from.size()), to.toStdString());
        }
        try {
            (void)SensitivityResult::fromJson(text, "r.json");
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
            QVERIFY2(QString(e.what()).startsWith("r.json"), e.what());
        }
    }

    void levelsAreChecked()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, checkLevels({0.0, 1.0}, "levels"));
        QVERIFY_THROWS_EXCEPTION(InputError, checkLevels({0.1, 0.5}, "levels"));
        QVERIFY_THROWS_EXCEPTION(InputError, checkLevels({0.0, 0.5, 0.5}, "levels"));
        QVERIFY_THROWS_EXCEPTION(InputError, checkLevels({0.0}, "levels"));
        checkLevels(defaultLevels(), "levels");
        QCOMPARE(parseLevels("0, 0.5,0.9 "), std::vector<double>({0.0, 0.5, 0.9}));
        QCOMPARE(parseLevels(levelsText(defaultLevels())), defaultLevels());
        QVERIFY_THROWS_EXCEPTION(InputError, parseLevels("0,,0.5"));
        QVERIFY_THROWS_EXCEPTION(InputError, parseLevels("0,half"));
    }

    void sensitivityIsTheMeanRelativeRise()
    {
        // Δloss = s·l² over [0, 0.95]: the trapezoid mean is close to s·0.95²/3 (baseline loss 1).
        const SensitivityResult r = synthetic({1.0, 3.0}, {100, 100});
        const double a = rowSensitivity(r, r.rows[0]);
        QVERIFY(std::abs(a - 0.95 * 0.95 / 3.0) < 0.01);
        QVERIFY(std::abs(rowSensitivity(r, r.rows[1]) - 3.0 * a) < 1e-9);
        const std::vector<BlockSummary> blocks = blockSummaries(r);
        QCOMPARE(blocks.size(), size_t(2));
        QCOMPARE(blocks[1].block, 1);
        QVERIFY(std::abs(blocks[1].sensitivity - 3.0 * a) < 1e-9);
    }

    void skippedCellsCountAtTheCeiling()
    {
        SensitivityResult r = synthetic({1.0}, {100});
        r.lossCeiling = 0.3;
        for (size_t l = 7; l < r.levels.size(); ++l)
            r.rows[0].cells[l].state = SensitivityCell::State::Skipped;  // Δloss(0.6) = 0.36 stopped it
        const double withSkips = rowSensitivity(r, r.rows[0]);
        QVERIFY(withSkips > 0.0);
        QVERIFY(withSkips < rowSensitivity(synthetic({1.0}, {100}), synthetic({1.0}, {100}).rows[0]));
        QVERIFY(std::abs(interpolatedDeltaLoss(r, r.rows[0], 0.9) - 0.36) < 1e-9);  // the envelope holds the last
    }

    void allocationMeetsTheTargetWithinBounds_data()
    {
        QTest::addColumn<double>("target");
        QTest::addColumn<double>("minS");
        QTest::addColumn<double>("maxS");
        QTest::newRow("70 %") << 0.7 << 0.0 << 0.95;
        QTest::newRow("50 %, bounds") << 0.5 << 0.3 << 0.8;
        QTest::newRow("90 %") << 0.9 << 0.0 << 0.95;
        QTest::newRow("at the lower bound") << 0.3 << 0.3 << 0.95;
    }

    void allocationMeetsTheTargetWithinBounds()
    {
        QFETCH(double, target);
        QFETCH(double, minS);
        QFETCH(double, maxS);
        const SensitivityResult r = synthetic({0.2, 1.0, 5.0, 20.0}, {1000, 3000, 2000, 500});
        AllocationOptions o;
        o.target = target;
        o.minSparsity = minS;
        o.maxSparsity = maxS;
        const Allocation a = allocate(r, o);
        QVERIFY2(std::abs(weightedSparsity(r, a) - target) <= 0.005, qPrintable(QString::number(weightedSparsity(r, a))));
        QVERIFY(std::abs(a.achieved - target) <= 0.005);
        for (const double s : a.sparsity) {
            QVERIFY(s >= minS - 1e-12);
            QVERIFY(s <= maxS + 1e-12);
        }
        // The least sensitive row is pruned at least as hard as the most sensitive one.
        QVERIFY(a.sparsity[0] >= a.sparsity[3]);
        // The recipe says the same per tensor, within the 0.5 % the rounding allows.
        const prune::Recipe recipe = allocationRecipe(r, a, o);
        const prune::Recipe back = prune::Recipe::fromYaml(recipe.toYaml(), "alloc.yaml");
        QCOMPARE(back.unstructured.size(), size_t(1));
        QCOMPARE(back.unstructured[0].overrides.size(), r.rows.size());
        double sum = 0.0;
        for (size_t i = 0; i < r.rows.size(); ++i)
            sum += back.unstructured[0].overrides[i].finalSparsity * double(r.rows[i].parameters);
        QVERIFY(std::abs(sum / 6500.0 - target) <= 0.005);
    }

    void balanceTradesLossForLatency()
    {
        // Two equal rows by loss; row 0 gets much faster when pruned.
        const SensitivityResult r = synthetic({1.0, 1.0}, {1000, 1000}, true);
        AllocationOptions o;
        o.target = 0.5;
        o.balance = 1.0;
        const Allocation byLoss = allocate(r, o);
        QVERIFY(std::abs(byLoss.sparsity[0] - byLoss.sparsity[1]) < 0.06);  // equal curves: shared alike
        o.balance = 0.0;
        const Allocation bySpeed = allocate(r, o);
        QVERIFY(bySpeed.latencyUsed);
        QVERIFY(bySpeed.sparsity[0] > bySpeed.sparsity[1] + 0.3);
        QVERIFY(bySpeed.predictedLatencyMs < byLoss.predictedLatencyMs);
        QVERIFY(bySpeed.predictedDeltaLoss >= byLoss.predictedDeltaLoss);
    }

    void allocationRefusesWhatItCannotMeet()
    {
        SensitivityResult r = synthetic({1.0}, {100});
        AllocationOptions o;
        o.target = 0.97;
        QVERIFY_THROWS_EXCEPTION(InputError, allocate(r, o));
        o.target = 0.2;
        o.minSparsity = 0.5;
        QVERIFY_THROWS_EXCEPTION(InputError, allocate(r, o));
        o = AllocationOptions();
        o.balance = 1.5;
        QVERIFY_THROWS_EXCEPTION(InputError, allocate(r, o));
        o = AllocationOptions();
        r.rows[0].cells[3] = SensitivityCell();
        QVERIFY_THROWS_EXCEPTION(InputError, allocate(r, o));  // pending cells
        r = synthetic({1.0}, {100});
        r.granularity = Granularity::Block;
        QVERIFY_THROWS_EXCEPTION(InputError, allocate(r, o));
    }

    void shardsMergeIntoOne()
    {
        const SensitivityResult whole = synthetic({1.0, 2.0, 3.0}, {10, 20, 30});
        std::vector<SensitivityResult> shards(2, whole);
        for (int s = 0; s < 2; ++s) {
            shards[size_t(s)].shardIndex = s;
            shards[size_t(s)].shardCount = 2;
            for (size_t i = 0; i < whole.rows.size(); ++i)
                if (!shards[size_t(s)].inShard(i))
                    shards[size_t(s)].rows[i].cells.assign(whole.levels.size(), SensitivityCell());
        }
        QVERIFY(shards[0].complete());
        const SensitivityResult merged = mergeShards({shards[1], shards[0]}, {"b.json", "a.json"});
        QCOMPARE(merged.toJson(), whole.toJson());
        QVERIFY_THROWS_EXCEPTION(InputError, mergeShards({shards[0]}, {"a.json"}));  // shard 1 missing
        QVERIFY_THROWS_EXCEPTION(InputError, mergeShards({shards[0], shards[0]}, {"a.json", "a2.json"}));
        SensitivityResult other = shards[1];
        other.modelHash = "another";
        QVERIFY_THROWS_EXCEPTION(InputError, mergeShards({shards[0], other}, {"a.json", "c.json"}));
    }

    void cacheKeepsCellsAndSurvivesACutLine()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        SensitivityCell c;
        c.state = SensitivityCell::State::Done;
        c.loss = 1.5;
        c.kl = 0.25;
        c.cer = 0.125;
        {
            SensitivityCache cache(d, "k");
            cache.putBaseline({1.0, 0.1});
            cache.put("row.a", 3, c);
            SensitivityCell skipped;
            skipped.state = SensitivityCell::State::Skipped;
            cache.put("row.b", 1, skipped);  // not kept: the ceiling is not in the key
        }
        {
            std::ofstream(d + "/k.jsonl", std::ios::app) << "{\"row\": \"row.c\", \"lev";  // a crash mid-line
        }
        const SensitivityCache again(d, "k");
        QCOMPARE(again.size(), size_t(1));
        QVERIFY(again.baseline());
        QCOMPARE(again.baseline()->loss, 1.0);
        QVERIFY(again.cell("row.a", 3));
        QCOMPARE(again.cell("row.a", 3)->kl, 0.25);
        QVERIFY(!again.cell("row.b", 1));
        QVERIFY(!again.cell("row.a", 2));
        const SensitivityCache otherKey(d, "other");
        QCOMPARE(otherKey.size(), size_t(0));
    }

    void cacheLivesInTheProject()
    {
        QTemporaryDir dir;
        const std::string d = dir.path().toStdString();
        io::writeFileAtomic(d + "/espalier-project.yaml", "name: p\n");
        QCOMPARE(defaultCacheDir(d + "/runs/r1", d + "/out/x.json"), d + "/cache/sensitivity");
        QTemporaryDir elsewhere;
        const std::string e = elsewhere.path().toStdString();
        QCOMPARE(defaultCacheDir(e + "/m.pt", e + "/x.json"), e + "/.espalier-cache/sensitivity");
    }
};

QTEST_GUILESS_MAIN(TestSensitivityResult)
#include "test_sensitivity_result.moc"
