// Sparsity schedules against worked values (reference.md's formulas, Distiller's epoch span),
// their validation, name patterns, and recipes: round trip, targets, errors with file:line: field.
#include "core/prune/recipe.h"
#include "core/prune/schedule.h"
#include "core/runtime/error.h"

#include <QTest>

#include <cmath>

using namespace espalier;
using prune::ScheduleShape;
using prune::SparsitySchedule;

namespace {

SparsitySchedule schedule(ScheduleShape shape, double si, double sf, double begin = 0, double end = 100, double freq = 1)
{
    SparsitySchedule s;
    s.shape = shape;
    s.initial = si;
    s.final = sf;
    s.begin = begin;
    s.end = end;
    s.frequency = freq;
    return s;
}

bool near(double a, double b) { return std::abs(a - b) < 1e-12; }

model::ParameterInfo info(const std::string& name, bool prunable, int64_t rows = 4, int64_t cols = 4)
{
    model::ParameterInfo p;
    p.name = name;
    p.prunable = prunable;
    p.shape = {rows, cols};
    return p;
}

} // namespace

class TestScheduleRecipe : public QObject {
    Q_OBJECT
private slots:
    void curvesAtWorkedValues()
    {
        QVERIFY(near(schedule(ScheduleShape::Linear, 0.0, 0.5).curve(0.5), 0.25));
        // AGP: s_f + (s_i - s_f)(1 - x)^3 -> 0.8 - 0.8 * 0.125 at the midpoint
        QVERIFY(near(schedule(ScheduleShape::AgpCubic, 0.0, 0.8).curve(0.5), 0.7));
        QVERIFY(near(schedule(ScheduleShape::AgpCubic, 0.1, 0.9).curve(0.0), 0.1));
        QVERIFY(near(schedule(ScheduleShape::AgpCubic, 0.1, 0.9).curve(1.0), 0.9));
        // inverse cubic mirrors AGP: at x = 1 - 0.5^3 it is halfway
        QVERIFY(near(schedule(ScheduleShape::InverseCubic, 0.0, 0.8).curve(0.875), 0.4));
        // INC cube: slow early
        QVERIFY(near(schedule(ScheduleShape::Cube, 0.0, 0.8).curve(0.5), 0.1));
        // INC exp: 1 - (1 - s_i)((1 - s_f)/(1 - s_i))^x
        QVERIFY(near(schedule(ScheduleShape::Exponential, 0.0, 0.75).curve(0.5), 0.5));
        SparsitySchedule piecewise = schedule(ScheduleShape::Piecewise, 0, 0);
        piecewise.points = {{0.0, 0.0}, {0.5, 0.6}, {1.0, 0.7}};
        QVERIFY(near(piecewise.curve(0.25), 0.3));
        QVERIFY(near(piecewise.curve(0.75), 0.65));
        QVERIFY(near(piecewise.curve(1.0), 0.7));
    }

    void sparsityFollowsTheUpdates()
    {
        const SparsitySchedule s = schedule(ScheduleShape::Linear, 0.0, 0.9, 100, 1000, 100);
        QCOMPARE(s.sparsityAt(99), 0.0);
        QCOMPARE(s.sparsityAt(100), 0.0);
        QVERIFY(near(s.sparsityAt(250), 0.1));  // the update at 200 is in force
        QVERIFY(near(s.sparsityAt(999), 0.8));
        QVERIFY(near(s.sparsityAt(1000), 0.9));
        QVERIFY(near(s.sparsityAt(5000), 0.9));
        QVERIFY(s.isUpdate(300));
        QVERIFY(!s.isUpdate(350));
        const SparsitySchedule uneven = schedule(ScheduleShape::Linear, 0.0, 0.5, 0, 250, 100);
        QCOMPARE(uneven.updateTimes(), (std::vector<double>{0, 100, 200, 250}));
        QVERIFY(uneven.isUpdate(250));
        const SparsitySchedule oneShot = schedule(ScheduleShape::Constant, 0.0, 0.7, 40, 0, 1);
        QCOMPARE(oneShot.sparsityAt(39), 0.0);
        QCOMPARE(oneShot.sparsityAt(40), 0.7);
        QCOMPARE(oneShot.updateTimes(), std::vector<double>{40});
        // Distiller's epoch span: the last update is the last whole frequency before the end
        QCOMPARE(prune::distillerSpan(0, 10, 2), 8.0);
        QCOMPARE(prune::distillerSpan(2, 30, 5), 25.0);
    }

    void badSchedulesAreNamed_data()
    {
        QTest::addColumn<int>("which");
        QTest::addColumn<QString>("field");
        QTest::newRow("final 1") << 0 << "final_sparsity";
        QTest::newRow("initial negative") << 1 << "initial_sparsity";
        QTest::newRow("end before begin") << 2 << "end";
        QTest::newRow("frequency 0") << 3 << "frequency";
        QTest::newRow("points decreasing") << 4 << "points";
    }
    void badSchedulesAreNamed()
    {
        QFETCH(int, which);
        QFETCH(QString, field);
        SparsitySchedule s = schedule(ScheduleShape::AgpCubic, 0.0, 0.5, 0, 100, 10);
        switch (which) {
        case 0: s.final = 1.0; break;
        case 1: s.initial = -0.1; break;
        case 2: s.end = 0; break;
        case 3: s.frequency = 0; break;
        case 4: s.shape = ScheduleShape::Piecewise; s.points = {{0.5, 0.1}, {0.2, 0.3}}; break;
        }
        const auto problems = s.problems();
        QVERIFY(!problems.empty());
        QCOMPARE(QString::fromStdString(problems.front().field), field);
        QVERIFY_THROWS_EXCEPTION(InputError, s.validate());
    }

    void patterns()
    {
        QVERIFY(prune::matchesPattern("__ALL_PRUNABLE__", "anything"));
        QVERIFY(prune::matchesPattern("encoder.blocks.*.feed_forward.*", "encoder.blocks.3.feed_forward.w_1.weight"));
        QVERIFY(!prune::matchesPattern("encoder.blocks.*.feed_forward.*", "encoder.blocks.3.self_attn.linear_q.weight"));
        QVERIFY(prune::matchesPattern("re:encoder\\.blocks\\.[0-1]\\..*", "encoder.blocks.1.conv.weight"));
        QVERIFY(!prune::matchesPattern("re:encoder\\.blocks\\.[0-1]\\..*", "encoder.blocks.2.conv.weight"));
    }

    void allStageTypesRoundTrip()
    {
        const std::string yaml = "espalier_recipe: 1\n"
                                 "stages:\n"
                                 "  - type: unstructured\n"
                                 "    schedule: {shape: agp_cubic, final_sparsity: 0.5, begin: 0, end: 100, frequency: 10}\n"
                                 "  - type: structured\n"
                                 "    channels: [ffn, heads]\n"
                                 "    schedule: {shape: linear, unit: epochs, final_sparsity: 0.5, begin: 2, end: 12, frequency: 1}\n"
                                 "    exclude: [\"encoder.blocks.0.*\"]\n"
                                 "    rescore_every: 5\n"
                                 "  - type: layer\n"
                                 "    drop: 2\n"
                                 "  - type: dynamic\n"
                                 "    scope: layer\n"
                                 "    schedule: {shape: constant, final_sparsity: 0.7, begin: 0, end: 1000, frequency: 100}\n"
                                 "    drop_fraction: 0.3\n"
                                 "    mask_lr: 0.01\n"
                                 "    decay: 0.01\n";
        const prune::Recipe recipe = prune::Recipe::fromYaml(yaml, "r.yaml");
        QCOMPARE(recipe.structured.size(), size_t(1));
        QCOMPARE(recipe.layer.at(0).drop, 2);
        QCOMPARE(recipe.dynamic.at(0).scope, prune::MaskScope::Layer);
        const prune::StructuredStage& s = recipe.structured[0];
        QVERIFY(s.selects(prune::ChannelKind::Heads, "encoder.blocks.3.self_attn"));
        QVERIFY(!s.selects(prune::ChannelKind::FeedForward, "encoder.blocks.0.feed_forward"));
        QCOMPARE(s.rescoreEvery, 5.0);
        const prune::Recipe again = prune::Recipe::fromYaml(recipe.toYaml(), "again.yaml");
        QCOMPARE(again.toYaml(), recipe.toYaml());
        // RigL's cosine decay of the regrown fraction: full at begin, half way at the middle, 0 at end.
        const prune::DynamicStage& d = recipe.dynamic[0];
        QVERIFY(near(d.dropFractionAt(0), 0.3));
        QVERIFY(near(d.dropFractionAt(500), 0.15));
        QVERIFY(near(d.dropFractionAt(1000), 0.0));
    }

    void recipeRoundTripAndTargets()
    {
        const std::string yaml = "espalier_recipe: 1\n"
                                 "name: seventy\n"
                                 "stages:\n"
                                 "  - type: unstructured\n"
                                 "    scope: global\n"
                                 "    schedule: {shape: agp_cubic, final_sparsity: 0.7, begin: 10, end: 110, frequency: 10}\n"
                                 "    params: __ALL_PRUNABLE__\n"
                                 "    exclude: [\"re:.*subsampling.*\"]\n"
                                 "    overrides:\n"
                                 "      - {params: \"ctc.*\", final_sparsity: 0.3}\n";
        const prune::Recipe recipe = prune::Recipe::fromYaml(yaml, "r.yaml");
        QCOMPARE(recipe.name, std::string("seventy"));
        QCOMPARE(int(recipe.unstructured.size()), 1);
        const prune::Recipe again = prune::Recipe::fromYaml(recipe.toYaml(), "again.yaml");
        QCOMPARE(again.toYaml(), recipe.toYaml());
        QCOMPARE(again.unstructured[0].schedule.final, 0.7);
        QCOMPARE(again.unstructured[0].overrides.at(0).pattern, std::string("ctc.*"));

        const std::vector<model::ParameterInfo> params = {
            info("encoder.subsampling.conv.0.weight", true), info("encoder.blocks.0.ffn.w_1.weight", true),
            info("encoder.blocks.0.ffn.w_1.bias", false), info("ctc.ctc_lo.weight", true)};
        const auto targets = recipe.unstructured[0].targets(params);
        QCOMPARE(int(targets.size()), 2);
        QCOMPARE(targets[0].name, std::string("encoder.blocks.0.ffn.w_1.weight"));
        QVERIFY(!targets[0].ownThreshold);
        QCOMPARE(targets[1].finalSparsity, 0.3);
        QVERIFY(targets[1].ownThreshold);
        // An override follows the stage's curve scaled to its own final sparsity.
        const double mid = recipe.unstructured[0].schedule.sparsityAt(60);
        QVERIFY(near(recipe.unstructured[0].sparsityAt(targets[1], 60), 0.3 * mid / 0.7));
    }

    void badRecipesName_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("expected");
        const QString head = "espalier_recipe: 1\nstages:\n  - type: unstructured\n";
        QTest::newRow("sparsity 1.2") << head + "    schedule: {final_sparsity: 1.2, end: 10}\n"
                                     << "r.yaml:4: stages[0].schedule.final_sparsity";
        QTest::newRow("unknown key") << head + "    schedule: {end: 10}\n    sparsity: 0.5\n"
                                    << "r.yaml:5: stages[0].sparsity: unknown key";
        QTest::newRow("bad regex") << head + "    schedule: {end: 10}\n    params: \"re:[\"\n"
                                  << "r.yaml:5: stages[0].params: bad regular expression";
        QTest::newRow("unknown stage type") << "espalier_recipe: 1\nstages:\n  - type: lottery\n"
                                           << "r.yaml:3: stages[0].type: expected unstructured, structured, layer, dynamic";
        QTest::newRow("structured channel kind")
            << "espalier_recipe: 1\nstages:\n  - type: structured\n    channels: [ffn, convs]\n    schedule: {end: 10}\n"
            << "r.yaml:4: stages[0].channels: expected ffn, heads and/or conv, got 'convs'";
        QTest::newRow("layer needs one of drop and blocks")
            << "espalier_recipe: 1\nstages:\n  - type: layer\n    drop: 1\n    blocks: [2]\n"
            << "r.yaml:3: stages[0]: give either drop";
        QTest::newRow("dynamic mask_lr") << "espalier_recipe: 1\nstages:\n  - type: dynamic\n    schedule: {end: 10}\n"
                                            "    mask_lr: 1.5\n"
                                         << "r.yaml:5: stages[0].mask_lr: must be in [0, 1]";
        QTest::newRow("no version") << "stages: []\n" << "espalier_recipe: missing";
        QTest::newRow("shape") << head + "    schedule: {shape: quartic, end: 10}\n"
                              << "stages[0].schedule.shape: expected linear, agp_cubic";
    }
    void badRecipesName()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, expected);
        try {
            prune::Recipe::fromYaml(yaml.toStdString(), "r.yaml");
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestScheduleRecipe)
#include "test_schedule_recipe.moc"
