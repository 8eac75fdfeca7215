// The sparse linear layer: CSR built from dense weights round-trips, and the CSR × dense kernel (the
// one this CPU runs) equals the dense product for every frame count (the few-frames path, full
// blocks and tails), narrow and wide indices, empty rows, with and without bias.
#include "core/runtime/error.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"

#include <QTest>

#include <cmath>
#include <random>
#include <tuple>
#include <vector>

using namespace espalier::runtime;

namespace {

std::vector<float> sparseWeights(int rows, int cols, double density, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<float> value(-1.0f, 1.0f);
    std::bernoulli_distribution keep(density);
    std::vector<float> w(size_t(rows) * size_t(cols));
    for (float& v : w)
        v = keep(rng) ? value(rng) : 0.0f;
    return w;
}

std::vector<float> randomVector(size_t n, unsigned seed)
{
    std::mt19937 rng(seed);
    std::normal_distribution<float> d;
    std::vector<float> v(n);
    for (float& x : v)
        x = d(rng);
    return v;
}

} // namespace

class TestSpmm : public QObject {
    Q_OBJECT
private slots:
    void csrRoundTrip()
    {
        const auto w = sparseWeights(37, 53, 0.3, 1);
        const CsrMatrix m = CsrMatrix::fromDense(w.data(), 37, 53);
        QVERIFY(m.narrowIndices());
        QCOMPARE(m.rowPtr.size(), size_t(38));
        int64_t nonzero = 0;
        for (float v : w)
            nonzero += v != 0.0f;
        QCOMPARE(m.nonzeros(), nonzero);
        std::vector<float> back(w.size());
        m.toDense(back.data());
        QVERIFY(back == w);
        // 4-byte values, 2-byte indices, row pointers and the panel offsets (one panel: 2 per row).
        QCOMPARE(m.bytes(), size_t(nonzero) * 6 + 38 * 4 + 37 * 2 * 4);
        // More than 65536 columns need 32-bit indices.
        std::vector<float> wide(70000, 0.0f);
        wide[69999] = 2.0f;
        const CsrMatrix w32 = CsrMatrix::fromDense(wide.data(), 1, 70000);
        QVERIFY(!w32.narrowIndices());
        QCOMPARE(w32.colIdx32.at(0), uint32_t(69999));
    }

    void equalsTheDenseProduct_data()
    {
        QTest::addColumn<int>("rows");
        QTest::addColumn<int>("cols");
        QTest::addColumn<double>("density");
        QTest::addColumn<bool>("wide");
        QTest::addColumn<bool>("bias");
        QTest::newRow("256x1024 30%") << 256 << 1024 << 0.3 << false << true;
        QTest::newRow("64x3000 20% panels") << 64 << 3000 << 0.2 << false << true;
        QTest::newRow("32x2000 40% wide panels") << 32 << 2000 << 0.4 << true << false;
        QTest::newRow("1024x256 10%") << 1024 << 256 << 0.1 << false << true;
        QTest::newRow("256x256 70% wide") << 256 << 256 << 0.7 << true << false;
        QTest::newRow("odd 37x91 50%") << 37 << 91 << 0.5 << false << true;
        QTest::newRow("empty rows") << 64 << 64 << 0.01 << false << false;
        QTest::newRow("all zero") << 8 << 8 << 0.0 << false << true;
        QTest::newRow("dense 100%") << 16 << 48 << 1.0 << false << true;
    }

    void equalsTheDenseProduct()
    {
        QFETCH(int, rows);
        QFETCH(int, cols);
        QFETCH(double, density);
        QFETCH(bool, wide);
        QFETCH(bool, bias);
        const auto w = sparseWeights(rows, cols, density, unsigned(rows * 7 + cols));
        const CsrMatrix m = CsrMatrix::fromDense(w.data(), rows, cols, wide);
        QCOMPARE(m.narrowIndices(), !wide);
        const auto b = randomVector(size_t(rows), 5);
        std::vector<float> absW(w.size());
        for (size_t i = 0; i < w.size(); ++i)
            absW[i] = std::abs(w[i]);
        for (const int threads : {1, 3}) {  // rows split between threads by their nonzeros
            setComputeThreads(threads);
        for (const std::string& kernel : availableSpmmKernels())  // every instruction set this CPU has
            for (int frames : {1, 2, 3, 4, 5, 7, 8, 9, 15, 16, 17, 31, 32, 33, 48, 63, 100}) {
                const auto x = randomVector(size_t(cols) * size_t(frames), unsigned(frames));
                std::vector<float> got(size_t(rows) * size_t(frames), -7.0f), want(got.size());
                spmmUsing(kernel, m, x.data(), frames, bias ? b.data() : nullptr, got.data());
                denseLinearReference(w.data(), rows, cols, x.data(), frames, bias ? b.data() : nullptr, want.data());
                // Float32 sums in another order: the error is bounded by a few ulps of sum |w|·|x|.
                std::vector<float> absX(x.size()), scale(got.size());
                for (size_t i = 0; i < x.size(); ++i)
                    absX[i] = std::abs(x[i]);
                denseLinearReference(absW.data(), rows, cols, absX.data(), frames, nullptr, scale.data());
                double worst = 0.0;
                for (size_t i = 0; i < got.size(); ++i)
                    worst = std::max(worst, double(std::abs(got[i] - want[i])) / (1.0 + scale[i]));
                QVERIFY2(worst < 2e-6, qPrintable(QString("%1 frames: error %2 of sum |w||x| (kernel %3, %4 threads)")
                                                      .arg(frames).arg(worst).arg(QString::fromStdString(kernel)).arg(threads)));
            }
        }
        setComputeThreads(1);
    }

    void denseMatmulEqualsTheReference()
    {
        for (const int threads : {1, 3})
        for (auto [rows, cols] : {std::pair{7, 5}, std::pair{64, 300}, std::pair{33, 1000}}) {
            const auto w = sparseWeights(rows, cols, 1.0, unsigned(rows + cols));
            const auto b = randomVector(size_t(rows), 3);
            for (int frames : {1, 3, 4, 7, 16, 17, 40, 150}) {
                const auto x = randomVector(size_t(cols) * size_t(frames), unsigned(frames));
                std::vector<float> got(size_t(rows) * size_t(frames)), want(got.size());
                setComputeThreads(threads);
                denseMatmul(w.data(), rows, cols, x.data(), frames, b.data(), got.data());
                setComputeThreads(1);
                denseLinearReference(w.data(), rows, cols, x.data(), frames, b.data(), want.data());
                for (size_t i = 0; i < got.size(); ++i)
                    QVERIFY2(std::abs(got[i] - want[i]) < 1e-3 * (1.0 + std::abs(want[i])),
                             qPrintable(QString("%1x%2, %3 frames").arg(rows).arg(cols).arg(frames)));
            }
        }
    }

    void convolutionEqualsItsUnfoldedProduct()
    {
        // A 3x3 stride-2 convolution on the kernels (the unfolded input gathered per block) equals the
        // reference product over an explicit im2col, CSR and dense, on one and three threads.
        for (auto [channels, rows, cols, out] : {std::tuple{1, 41, 20, 8}, std::tuple{6, 29, 19, 10}, std::tuple{3, 7, 7, 5}})
            for (const int threads : {1, 3}) {
                setComputeThreads(threads);
                const int outRows = (rows - 1) / 2, outCols = (cols - 1) / 2, positions = outRows * outCols;
                const auto h = randomVector(size_t(channels) * rows * cols, unsigned(rows));
                const auto w = sparseWeights(out, channels * 9, 0.4, unsigned(cols));
                const auto b = randomVector(size_t(out), 9);
                std::vector<float> unfolded(size_t(channels) * 9 * positions);
                for (int c = 0; c < channels; ++c)
                    for (int i = 0; i < 3; ++i)
                        for (int j = 0; j < 3; ++j)
                            for (int t = 0; t < outRows; ++t)
                                for (int f = 0; f < outCols; ++f)
                                    unfolded[size_t(c * 9 + i * 3 + j) * positions + size_t(t * outCols + f)] =
                                        h[(size_t(c) * rows + 2 * t + i) * cols + 2 * f + j];
                std::vector<float> want(size_t(out) * positions), sparse(want.size()), dense(want.size());
                denseLinearReference(w.data(), out, channels * 9, unfolded.data(), positions, b.data(), want.data());
                const ConvInput input{h.data(), channels, rows, cols};
                spmmConv3x3s2(CsrMatrix::fromDense(w.data(), out, channels * 9), input, b.data(), sparse.data());
                denseConv3x3s2(w.data(), out, input, b.data(), dense.data());
                for (size_t i = 0; i < want.size(); ++i) {
                    QVERIFY2(std::abs(sparse[i] - want[i]) < 1e-4f * (1.0f + std::abs(want[i])), "csr");
                    QVERIFY2(std::abs(dense[i] - want[i]) < 1e-4f * (1.0f + std::abs(want[i])), "dense");
                }
            }
        setComputeThreads(1);
        QVERIFY_THROWS_EXCEPTION(espalier::InputError, spmmConv3x3s2(CsrMatrix{}, ConvInput{nullptr, 2, 9, 9}, nullptr, nullptr));
    }

    void namesItsKernel()
    {
        const std::string name = spmmKernelName();
        QVERIFY2(name == "avx512" || name == "avx2" || name == "neon" || name == "portable", name.c_str());
        QCOMPARE(availableSpmmKernels().front(), name);
#if defined(__x86_64__)
        if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl"))
            QCOMPARE(name, std::string("avx512"));
        QCOMPARE(availableSpmmKernels().back(), std::string("portable"));
#endif
        QVERIFY_THROWS_EXCEPTION(espalier::InputError, spmmUsing("sve2", CsrMatrix{}, nullptr, 1, nullptr, nullptr));
    }
};

QTEST_GUILESS_MAIN(TestSpmm)
#include "test_spmm.moc"
