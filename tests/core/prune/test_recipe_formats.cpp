// SparseML recipes and Distiller schedules read into Espalier recipes and written back: variables
// and eval(...) as arithmetic only, Distiller's epoch span, unsupported modifiers refused by name and
// line, round trips through each format.
#include "core/prune/recipe_eval.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"

#include <QTest>

using namespace espalier;
using prune::RecipeFormat;

namespace {

const char* kSparseML = R"(version: 1.1.0
num_epochs: 30.0
init_sparsity: 0.05
final: 0.85
modifiers:
    - !EpochRangeModifier
        start_epoch: 0.0
        end_epoch: eval(num_epochs)
    - !GMPruningModifier
        params: __ALL_PRUNABLE__
        init_sparsity: eval(init_sparsity)
        final_sparsity: eval(final)
        start_epoch: 2.0
        end_epoch: eval(num_epochs - 4)
        update_frequency: 0.5
        inter_func: cubic
        mask_type: unstructured
        leave_enabled: True
        global_sparsity: True
)";

const char* kDistiller = R"(version: 1
pruners:
  conv_pruner:
    class: AutomatedGradualPruner
    initial_sparsity: 0.05
    final_sparsity: 0.70
    weights: [module.conv1.weight, module.conv2.weight]
lr_schedulers:
  exp:
    class: ExponentialLR
    gamma: 0.95
policies:
  - pruner:
      instance_name: conv_pruner
    starting_epoch: 0
    ending_epoch: 10
    frequency: 2
  - lr_scheduler:
      instance_name: exp
    starting_epoch: 0
    ending_epoch: 30
    frequency: 1
)";

void expectError(const std::string& yaml, const QString& expected)
{
    try {
        prune::readAnyRecipe(yaml, "r.yaml");
        QFAIL("accepted");
    } catch (const InputError& e) {
        QVERIFY2(QString(e.what()).contains(expected), e.what());
    }
}

} // namespace

class TestRecipeFormats : public QObject {
    Q_OBJECT
private slots:
    void arithmeticOnly()
    {
        const std::map<std::string, double> vars = {{"num_epochs", 30.0}, {"x", 2.0}};
        QCOMPARE(prune::evaluateArithmetic("num_epochs - 4", vars), 26.0);
        QCOMPARE(prune::evaluateArithmetic("(num_epochs + x) * 0.5 / -2", vars), -8.0);
        QVERIFY_THROWS_EXCEPTION(InputError, prune::evaluateArithmetic("__import__('os')", vars));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::evaluateArithmetic("y + 1", vars));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::evaluateArithmetic("1 / (x - 2)", vars));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::evaluateArithmetic("2 ** 3", vars));
    }

    // Found by fuzzing (tests/fuzz/corpus/recipe/regress-*): numbers strtod cannot read, numbers
    // too large, and nesting deep enough to exhaust the stack were library exceptions or crashes.
    void arithmeticRefusesWhatIsNotANumber_data()
    {
        QTest::addColumn<QString>("expression");
        QTest::addColumn<QString>("expected");
        QTest::newRow("a lone dot") << "." << "'.' is not a number";
        QTest::newRow("too large") << "1e999" << "is not a number";
        QTest::newRow("overflows") << "1e300 * 1e300" << "not a finite number";
        QTest::newRow("deep") << QString(5000, '(') + "1" + QString(5000, ')') << "nests deeper than";
    }
    void arithmeticRefusesWhatIsNotANumber()
    {
        QFETCH(QString, expression);
        QFETCH(QString, expected);
        try {
            prune::evaluateArithmetic(expression.toStdString(), {});
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(expected), e.what());
        }
    }

    // Found by fuzzing: a missing or scalar node where a map was expected made yaml-cpp throw its
    // own exception past the file's name.
    void misShapedOutsideRecipesNameTheFileAndField()
    {
        expectError("version: 1\npruners:\n  p:\n    class: AutomatedGradualPruner\n"
                    "policies:\n  - pruner:\n      instance: p\n    starting_epoch: 0\n",
                    "r.yaml: policies[0].pruner.instance_name: missing");
        expectError("version: 1\npruners:\n  p:\n    class: AutomatedGradualPruner\n"
                    "policies:\n  - pruner: p\n    starting_epoch: 0\n",
                    "r.yaml:");
    }

    void readsSparseML()
    {
        QCOMPARE(prune::detectRecipeFormat(kSparseML, "r.yaml"), RecipeFormat::SparseML);
        const prune::Recipe r = prune::readAnyRecipe(kSparseML, "sparse.yaml");
        QCOMPARE(int(r.unstructured.size()), 1);
        const prune::UnstructuredStage& s = r.unstructured[0];
        QCOMPARE(s.schedule.shape, prune::ScheduleShape::AgpCubic);
        QCOMPARE(s.schedule.unit, prune::ScheduleUnit::Epochs);
        QCOMPARE(s.schedule.initial, 0.05);
        QCOMPARE(s.schedule.final, 0.85);
        QCOMPARE(s.schedule.end, 26.0);
        QCOMPARE(s.schedule.frequency, 0.5);
        QCOMPARE(s.scope, prune::MaskScope::Global);
        QCOMPARE(s.params, std::vector<std::string>{"__ALL_PRUNABLE__"});
        // Written back as SparseML and read again: the same stage.
        const prune::Recipe again = prune::readAnyRecipe(prune::writeSparseMLRecipe(r), "again.yaml");
        QCOMPARE(again.unstructured[0].schedule.end, 26.0);
        QCOMPARE(prune::Recipe(again).toYaml().substr(again.toYaml().find("stages")),
                 r.toYaml().substr(r.toYaml().find("stages")));
    }

    void readsDistillerWithItsSpan()
    {
        QCOMPARE(prune::detectRecipeFormat(kDistiller, "d.yaml"), RecipeFormat::Distiller);
        const prune::Recipe r = prune::readAnyRecipe(kDistiller, "d.yaml");
        QCOMPARE(int(r.unstructured.size()), 1);
        const prune::UnstructuredStage& s = r.unstructured[0];
        QCOMPARE(s.scope, prune::MaskScope::Layer);
        QCOMPARE(s.schedule.begin, 0.0);
        QCOMPARE(s.schedule.end, 8.0);  // ((10 - 0 - 1) // 2) * 2: Distiller's last update
        QCOMPARE(s.schedule.sparsityAt(8), 0.7);
        QCOMPARE(s.params, (std::vector<std::string>{"module.conv1.weight", "module.conv2.weight"}));
        const prune::Recipe again = prune::readAnyRecipe(prune::writeDistillerSchedule(r), "again.yaml");
        QCOMPARE(again.unstructured[0].schedule.end, 8.0);
        QCOMPARE(again.unstructured[0].schedule.final, 0.7);
    }

    void whatAFormatCannotSayIsRefused()
    {
        prune::Recipe steps = prune::readAnyRecipe(kSparseML, "s.yaml");
        steps.unstructured[0].schedule.unit = prune::ScheduleUnit::Steps;
        QVERIFY_THROWS_EXCEPTION(InputError, prune::writeSparseMLRecipe(steps));
        prune::Recipe exp = prune::readAnyRecipe(kSparseML, "s.yaml");
        exp.unstructured[0].schedule.shape = prune::ScheduleShape::Exponential;
        QVERIFY_THROWS_EXCEPTION(InputError, prune::writeSparseMLRecipe(exp));
        // Global scope and patterns have no Distiller form.
        QVERIFY_THROWS_EXCEPTION(InputError, prune::writeDistillerSchedule(prune::readAnyRecipe(kSparseML, "s.yaml")));
    }

    void structuredLayerAndRigLModifiersRoundTrip()
    {
        const std::string yaml = "num_epochs: 20\n"
                                 "modifiers:\n"
                                 "  - !EpochRangeModifier\n      start_epoch: 0\n      end_epoch: eval(num_epochs)\n"
                                 "  - !GMPruningModifier\n"
                                 "      final_sparsity: {0.8: [\"re:.*feed_forward.*\"], 0.5: [\"re:.*self_attn.*\"]}\n"
                                 "      start_epoch: 1\n      end_epoch: 10\n      update_frequency: 1\n"
                                 "  - !StructuredPruningModifier\n"
                                 "      param_groups: [[encoder.blocks.1.feed_forward.w_1.weight, "
                                 "encoder.blocks.1.feed_forward.w_2.weight], [\"encoder.blocks.*.self_attn.linear_v.weight\"]]\n"
                                 "      mask_type: filter\n      init_sparsity: 0.0\n      final_sparsity: 0.5\n"
                                 "      start_epoch: 2\n      end_epoch: 12\n      update_frequency: 2\n      inter_func: linear\n"
                                 "  - !LayerPruningModifier\n      layers: [encoder.blocks.5, encoder.blocks.7]\n"
                                 "  - !RigLPruningModifier\n      params: __ALL_PRUNABLE__\n      final_sparsity: 0.9\n"
                                 "      start_epoch: 0\n      end_epoch: eval(num_epochs / 2)\n      update_frequency: 0.5\n"
                                 "      init_update_fraction: 0.3\n      num_grads: 50\n      sparsity_strategy: uniform\n";
        const prune::Recipe r = prune::readAnyRecipe(yaml, "s.yaml");
        QCOMPARE(r.unstructured.size(), size_t(2));  // one stage per sparsity of the map
        QCOMPARE(r.unstructured[0].schedule.final, 0.8);
        QCOMPARE(r.unstructured[1].params.at(0), std::string("re:.*self_attn.*"));
        QCOMPARE(r.structured.size(), size_t(1));
        QCOMPARE(r.structured[0].groups, (std::vector<std::string>{"encoder.blocks.1.feed_forward", "encoder.blocks.*.self_attn"}));
        QVERIFY(r.structured[0].selects(prune::ChannelKind::Heads, "encoder.blocks.4.self_attn"));
        QVERIFY(r.structured[0].selects(prune::ChannelKind::FeedForward, "encoder.blocks.1.feed_forward"));
        QCOMPARE(r.layer.at(0).blocks, (std::vector<int>{5, 7}));
        QCOMPARE(r.dynamic.at(0).schedule.end, 10.0);
        QCOMPARE(r.dynamic.at(0).maskLr, 0.02);
        QCOMPARE(r.dynamic.at(0).scope, prune::MaskScope::Layer);
        // Written back and read again: the same recipe.
        const prune::Recipe again = prune::readAnyRecipe(prune::writeSparseMLRecipe(r), "again.yaml");
        QCOMPARE(again.toYaml().substr(again.toYaml().find("stages")), r.toYaml().substr(r.toYaml().find("stages")));
        // Distiller cannot hold these stages: refused, not dropped.
        QVERIFY_THROWS_EXCEPTION(InputError, prune::writeDistillerSchedule(r));
    }

    void unsupportedModifiersAreNamed()
    {
        expectError("modifiers:\n  - !StructuredPruningModifier\n      param_groups: []\n      end_epoch: 3\n",
                    "modifiers[0].param_groups: expected a list of parameter lists");
        expectError("modifiers:\n  - !StructuredPruningModifier\n      param_groups: [[encoder.embed.conv.0.weight]]\n"
                    "      end_epoch: 3\n",
                    "is neither a feed-forward w_1/w_2 nor an attention projection");
        expectError("modifiers:\n  - !DistillationModifier\n      hardness: 0.5\n",
                    "r.yaml:2: modifiers[0]: !DistillationModifier is not supported yet");
        expectError("modifiers:\n  - !RigLPruningModifier\n      final_sparsity: 0.8\n      end_epoch: 3\n"
                    "      sparsity_strategy: erdos_renyi\n",
                    "modifiers[0].sparsity_strategy: expected uniform or global");
        expectError("modifiers:\n  - !LayerPruningModifier\n      layers: [decoder]\n",
                    "modifiers[0].layers: 'decoder' names no encoder block");
        expectError("modifiers:\n  - !QuantizationModifier\n      start_epoch: 0\n",
                    "modifier !QuantizationModifier is not supported");
        expectError("modifiers:\n  - !GMPruningModifier\n      final_sparsity: eval(os.system)\n      end_epoch: 3\n",
                    "r.yaml:3: modifiers[0].final_sparsity: eval(os.system)");
        expectError("modifiers:\n  - !GMPruningModifier\n      final_sparsity: 0.5\n      inter_func: quadratic\n",
                    "modifiers[0].inter_func: expected linear, cubic or inverse_cubic");
        expectError("pruners:\n  p:\n    class: L1RankedStructureParameterPruner\npolicies:\n  - pruner:\n      "
                    "instance_name: p\n    starting_epoch: 0\n    ending_epoch: 4\n    frequency: 1\n",
                    "pruners.p.class: pruner class L1RankedStructureParameterPruner is not supported");
        expectError("hello: world\n", "not a pruning recipe");
    }
};

QTEST_GUILESS_MAIN(TestRecipeFormats)
#include "test_recipe_formats.moc"
