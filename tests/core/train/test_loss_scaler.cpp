// The dynamic loss scaler: GradScaler's growth, backoff and skipping with injected infs and NaNs,
// the seed's cap, and its checkpoint state. Plain CPU tensors: no CUDA needed.
#include "core/runtime/error.h"
#include "core/train/loss_scaler.h"

#include <QtTest>

#include <torch/torch.h>

#include <cmath>
#include <limits>

using namespace espalier;

namespace {

// Two parameters whose gradients are `value` (and a third without a gradient).
std::vector<torch::Tensor> paramsWithGrads(float value)
{
    std::vector<torch::Tensor> params;
    for (int i = 0; i < 2; ++i) {
        torch::Tensor p = torch::zeros({3}, torch::requires_grad());
        p.mutable_grad() = torch::full({3}, value);
        params.push_back(p);
    }
    params.push_back(torch::zeros({2}, torch::requires_grad()));
    return params;
}

} // namespace

class TestLossScaler : public QObject {
    Q_OBJECT

private slots:
    void scalesAndUnscales()
    {
        train::LossScaler scaler;
        QCOMPARE(scaler.scale(), 65536.0);
        const torch::Tensor loss = torch::tensor(0.5f);
        QCOMPARE(scaler.scaleLoss(loss).item<float>(), 32768.0f);
        auto params = paramsWithGrads(65536.0f * 3.0f);
        QVERIFY(scaler.unscaleGradients(params));
        QCOMPARE(params[0].grad()[1].item<float>(), 3.0f);
        QCOMPARE(params[1].grad()[2].item<float>(), 3.0f);
        QVERIFY(!params[2].grad().defined());
    }

    void injectedNonFiniteGradientsAreFound_data()
    {
        QTest::addColumn<float>("bad");
        QTest::newRow("inf") << std::numeric_limits<float>::infinity();
        QTest::newRow("-inf") << -std::numeric_limits<float>::infinity();
        QTest::newRow("nan") << std::numeric_limits<float>::quiet_NaN();
    }
    void injectedNonFiniteGradientsAreFound()
    {
        QFETCH(float, bad);
        train::LossScaler scaler;
        auto params = paramsWithGrads(1.0f);
        params[1].mutable_grad()[2] = bad;
        QVERIFY(!scaler.unscaleGradients(params));
        const train::ScaleRecord r = scaler.update(1, false);
        QVERIFY(r.skipped);
        QCOMPARE(r.scale, 65536.0);       // the scale the step used
        QCOMPARE(scaler.scale(), 32768.0);  // backoff 0.5
        QCOMPARE(scaler.skippedSteps(), 1LL);
        QCOMPARE(scaler.history().size(), size_t(1));
    }

    // A sequence of clean (c) and overflowing (x) steps and where the scale ends.
    void growthBackoffAndCap_data()
    {
        QTest::addColumn<QString>("steps");
        QTest::addColumn<double>("init");
        QTest::addColumn<int>("interval");
        QTest::addColumn<double>("maxScale");
        QTest::addColumn<double>("finalScale");
        QTest::addColumn<int>("tracker");
        QTest::addColumn<int>("skipped");
        QTest::newRow("grows every interval") << "cccccc" << 8.0 << 2 << 1e9 << 64.0 << 0 << 0;
        QTest::newRow("not before the interval") << "ccc" << 8.0 << 4 << 1e9 << 8.0 << 3 << 0;
        QTest::newRow("inf resets the tracker") << "cxcc" << 8.0 << 3 << 1e9 << 4.0 << 2 << 1;
        QTest::newRow("inf then growth") << "cxccc" << 8.0 << 3 << 1e9 << 8.0 << 0 << 1;
        QTest::newRow("repeated backoff") << "xxx" << 64.0 << 2 << 1e9 << 8.0 << 0 << 3;
        QTest::newRow("capped at max") << "cccccccc" << 8.0 << 1 << 100.0 << 100.0 << 0 << 0;
        QTest::newRow("cap, then backoff from it") << "ccccccx" << 8.0 << 1 << 32.0 << 16.0 << 0 << 1;
        QTest::newRow("floor at min") << "xxxxxxxxxx" << 8.0 << 1 << 100.0 << 1.0 << 0 << 10;
    }
    void growthBackoffAndCap()
    {
        QFETCH(QString, steps);
        QFETCH(double, init);
        QFETCH(int, interval);
        QFETCH(double, maxScale);
        QFETCH(double, finalScale);
        QFETCH(int, tracker);
        QFETCH(int, skipped);
        train::LossScalerOptions o;
        o.initScale = init;
        o.growthInterval = interval;
        o.maxScale = maxScale;
        train::LossScaler scaler(o);
        double highest = init;
        for (int i = 0; i < steps.size(); ++i) {
            auto params = paramsWithGrads(1.0f);
            if (steps[i] == 'x')
                params[0].mutable_grad()[0] = std::numeric_limits<float>::infinity();
            const bool finite = scaler.unscaleGradients(params);
            QCOMPARE(finite, steps[i] == 'c');
            QCOMPARE(scaler.update(i + 1, finite).skipped, !finite);
            highest = std::max(highest, scaler.scale());
        }
        QCOMPARE(scaler.scale(), finalScale);
        QCOMPARE(scaler.growthTracker(), tracker);
        QCOMPARE(scaler.skippedSteps(), (long long)skipped);
        QVERIFY(highest <= maxScale);
    }

    void disabledScalerStillSkipsButKeepsScaleOne()
    {
        train::LossScaler scaler({}, false);
        QCOMPARE(scaler.scale(), 1.0);
        const torch::Tensor loss = torch::tensor(2.5f);
        QCOMPARE(scaler.scaleLoss(loss).item<float>(), 2.5f);
        auto params = paramsWithGrads(4.0f);
        QVERIFY(scaler.unscaleGradients(params));
        QCOMPARE(params[0].grad()[0].item<float>(), 4.0f);
        params[0].mutable_grad()[0] = std::numeric_limits<float>::quiet_NaN();
        QVERIFY(!scaler.unscaleGradients(params));
        QVERIFY(scaler.update(1, false).skipped);
        QCOMPARE(scaler.scale(), 1.0);
        for (int i = 0; i < 3000; ++i)
            scaler.update(2 + i, true);
        QCOMPARE(scaler.scale(), 1.0);
    }

    void stateRoundTrip()
    {
        train::LossScaler a;
        a.update(1, false);
        a.update(2, true);
        train::LossScaler b;
        b.setState(a.state());
        QCOMPARE(b.scale(), a.scale());
        QCOMPARE(b.growthTracker(), 1);
        QCOMPARE(b.skippedSteps(), 1LL);
        QVERIFY_THROWS_EXCEPTION(InputError, b.setState({0.0, 0, 0}));
        QVERIFY_THROWS_EXCEPTION(InputError, b.setState({std::numeric_limits<double>::infinity(), 0, 0}));
    }

    // The fp16 case the scaler exists for: float32 master weights, a half-precision graph whose
    // gradient (1e-8) underflows in fp16 unless the loss is scaled first.
    void scalingKeepsSmallHalfGradients()
    {
        const torch::Tensor w = torch::ones({4}, torch::requires_grad());
        const torch::Tensor a = torch::full({4}, 1e-4, torch::kHalf);
        const torch::Tensor b = torch::full({}, 1e-4, torch::kHalf);
        const auto loss = [&] { return ((w.to(torch::kHalf) * a).sum() * b).to(torch::kFloat32); };
        loss().backward();
        QCOMPARE(w.grad().abs().sum().item<float>(), 0.0f);
        w.mutable_grad() = torch::Tensor();
        train::LossScalerOptions o;
        o.initScale = 1024.0;
        train::LossScaler scaler(o);
        scaler.scaleLoss(loss()).backward();
        std::vector<torch::Tensor> params = {w};
        QVERIFY(scaler.unscaleGradients(params));
        const float g = w.grad()[0].item<float>();
        QVERIFY2(std::abs(g - 1e-8f) < 1e-10f, qPrintable(QString::number(g)));
    }
};

QTEST_GUILESS_MAIN(TestLossScaler)
#include "test_loss_scaler.moc"
