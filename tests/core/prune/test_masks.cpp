// Magnitude masks: equal to torch.nn.utils.prune's global_unstructured / l1_unstructured on the same
// tensors (fixtures from scripts/make_prune_fixture.py), survive AdamW steps with momentum when
// re-applied, and report the sparsity they achieve.
#include "core/io/npy.h"
#include "core/prune/masks.h"
#include "core/runtime/error.h"

#include <QTest>
#include <torch/torch.h>

using namespace espalier;

namespace {

torch::Tensor load(const std::string& name)
{
    io::NpyArray a = io::readNpy(std::string(ESPALIER_FIXTURES_DIR) + "/prune/" + name + ".npy");
    std::vector<int64_t> shape(a.shape.begin(), a.shape.end());
    return torch::from_blob(a.data.data(), shape, torch::kFloat32).clone();
}

std::vector<prune::NamedTensor> fixtureWeights()
{
    return {{"w0", load("w0")}, {"w1", load("w1")}, {"w2", load("w2")}};
}

} // namespace

class TestMasks : public QObject {
    Q_OBJECT
private slots:
    void roundsAsPython()
    {
        QCOMPARE(prune::prunedCount(0.5, 5), int64_t(2));  // round(2.5) == 2
        QCOMPARE(prune::prunedCount(0.5, 7), int64_t(4));  // round(3.5) == 4
        QCOMPARE(prune::prunedCount(0.6, 10), int64_t(6));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::prunedCount(1.5, 10));
    }

    void globalMasksEqualTorchGlobalUnstructured()
    {
        const auto weights = fixtureWeights();
        const prune::MaskMap masks = prune::globalMagnitudeMasks(weights, 0.6);
        for (int i = 0; i < 3; ++i) {
            const torch::Tensor expected = load("global_m" + std::to_string(i));
            const torch::Tensor& got = masks.at("w" + std::to_string(i));
            QCOMPARE(got.sizes().vec(), expected.sizes().vec());
            QVERIFY2(torch::equal(got, expected), qPrintable(QString("w%1: %2 of %3 differ").arg(i)
                                                              .arg((got != expected).sum().item<int64_t>())
                                                              .arg(got.numel())));
        }
        // One threshold: the smaller-magnitude tensor loses more than 60 %, the larger less.
        const auto measured = prune::measureSparsity({{"w0", masks.at("w0")}, {"w2", masks.at("w2")}});
        QVERIFY(measured[0].sparsity() > 0.6);
        QVERIFY(measured[1].sparsity() < 0.6);
    }

    void layerMasksEqualTorchL1Unstructured()
    {
        const auto weights = fixtureWeights();
        const prune::MaskMap masks = prune::layerMagnitudeMasks(weights, {0.3, 0.5, 0.7});
        for (int i = 0; i < 3; ++i)
            QVERIFY2(torch::equal(masks.at("w" + std::to_string(i)), load("layer_m" + std::to_string(i))),
                     qPrintable(QString("w%1").arg(i)));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::layerMagnitudeMasks(weights, {0.3}));
    }

    void masksSurviveMomentum()
    {
        torch::manual_seed(3);
        auto linear = torch::nn::Linear(16, 8);
        const std::vector<prune::NamedTensor> params = {{"weight", linear->weight}, {"bias", linear->bias}};
        torch::optim::AdamW optimizer(linear->parameters(), torch::optim::AdamWOptions(1e-2).weight_decay(0.01));
        const torch::Tensor x = torch::randn({32, 16});
        // Some steps first, so the optimiser has momentum for every weight.
        for (int i = 0; i < 5; ++i) {
            optimizer.zero_grad();
            linear(x).pow(2).mean().backward();
            optimizer.step();
        }
        const prune::MaskMap masks = prune::globalMagnitudeMasks({{"weight", linear->weight}}, 0.5);
        prune::applyMasksToWeights(params, masks);
        for (int i = 0; i < 20; ++i) {
            optimizer.zero_grad();
            linear(x).pow(2).mean().backward();
            prune::applyMasksToGradients(params, masks);
            optimizer.step();
            prune::applyMasksToWeights(params, masks);
        }
        const torch::Tensor pruned = linear->weight.detach().masked_select(masks.at("weight") == 0);
        QCOMPARE(pruned.numel(), int64_t(64));
        QCOMPARE(pruned.abs().max().item<float>(), 0.0f);
        QCOMPARE(prune::measureSparsity({{"weight", linear->weight}}).front().nonzeros, int64_t(64));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::applyMasksToWeights(params, {{"missing", masks.at("weight")}}));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::applyMasksToWeights(params, {{"bias", masks.at("weight")}}));
    }
};

QTEST_GUILESS_MAIN(TestMasks)
#include "test_masks.moc"
