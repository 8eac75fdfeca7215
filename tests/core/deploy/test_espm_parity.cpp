// A checkpoint exported to .espm and run by the runtime (no LibTorch) gives the LibTorch model's
// log-probabilities within 1e-4 and the same greedy transcript: Conformer and Transformer, dense and
// CSR weights, a structurally shrunk model; a model the graph cannot run is refused with the reason.
#include "core/deploy/espm_export.h"
#include "core/io/atomic_file.h"
#include "core/prune/channels.h"
#include "core/prune/shrink.h"
#include "core/runtime/asr_runtime.h"
#include "core/runtime/error.h"
#include "core/runtime/thread_pool.h"
#include "core/train/checkpoint.h"
#include "tests/core/deploy/deploy_test_util.h"

#include <QTemporaryDir>
#include <QTest>
#include <torch/torch.h>

using namespace espalier;
using deploytest::makeModel;
using deploytest::saveAsCheckpoint;

namespace {

// max |runtime - torch| over the frames, and whether greedy transcripts agree.
std::pair<double, bool> compare(model::AsrModel& m, const std::string& espmPath, int frames)
{
    runtime::AsrRuntime rt(runtime::readEspm(espmPath), espmPath);
    torch::manual_seed(11);
    const torch::Tensor features = torch::randn({1, frames, 20}) * 2.0;
    torch::Tensor expected;
    {
        torch::NoGradGuard noGrad;
        expected = m.forward(features, torch::tensor({int64_t(frames)})).logProbs[0].contiguous();
    }
    const runtime::Activations got = rt.logProbs(features.contiguous().data_ptr<float>(), frames);
    if (got.rows() != expected.size(0) || got.cols() != expected.size(1))
        return {1e9, false};
    double worst = 0.0;
    for (int t = 0; t < got.rows(); ++t)
        for (int v = 0; v < got.cols(); ++v)
            worst = std::max(worst, double(std::abs(got(t, v) - expected[t][v].item<float>())));
    // Torch's greedy path from its own log-probabilities.
    runtime::Activations torchProbs(got.rows(), got.cols());
    for (int t = 0; t < got.rows(); ++t)
        for (int v = 0; v < got.cols(); ++v)
            torchProbs(t, v) = expected[t][v].item<float>();
    return {worst, rt.greedyText(got) == rt.greedyText(torchProbs)};
}

} // namespace

class TestEspmParity : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;

private slots:
    void matchesLibTorch_data()
    {
        QTest::addColumn<int>("type");
        QTest::addColumn<QString>("policy");
        QTest::addColumn<int>("threads");
        QTest::newRow("conformer dense") << int(model::ModelType::Conformer) << "dense" << 1;
        QTest::newRow("conformer csr") << int(model::ModelType::Conformer) << "csr" << 1;
        QTest::newRow("transformer dense") << int(model::ModelType::Transformer) << "dense" << 1;
        QTest::newRow("transformer csr") << int(model::ModelType::Transformer) << "csr" << 1;
        QTest::newRow("conformer csr, 3 threads") << int(model::ModelType::Conformer) << "csr" << 3;
        QTest::newRow("transformer dense, 3 threads") << int(model::ModelType::Transformer) << "dense" << 3;
    }

    void matchesLibTorch()
    {
        QFETCH(int, type);
        QFETCH(QString, policy);
        QFETCH(int, threads);
        auto m = makeModel(model::ModelType(type), 3);
        deploytest::sparsify(*m, 0.7);  // as a pruned model's
        runtime::setComputeThreads(threads);
        const std::string ckpt = saveAsCheckpoint(*m, dir_.filePath("m.pt").toStdString());
        deploy::ExportOptions options;
        options.policy = policy == "csr" ? deploy::SparsePolicy::Csr : deploy::SparsePolicy::Dense;
        options.csrDensity = 1.0;
        const std::string out = dir_.filePath("m.espm").toStdString();
        const deploy::ExportResult r = deploy::exportEspm(ckpt, out, options);
        int sparse = 0;
        for (const auto& t : r.tensors)
            sparse += t.sparse;
        QCOMPARE(sparse > 0, policy == "csr");
        for (int frames : {7, 40, 123}) {
            const auto [worst, sameText] = compare(*m, out, frames);
            QVERIFY2(worst < 1e-4, qPrintable(QString("%1 frames: max |runtime - torch| = %2").arg(frames).arg(worst)));
            QVERIFY(sameText);
        }
        runtime::setComputeThreads(1);
    }

    void shrunkModelsRunToo()
    {
        auto m = makeModel(model::ModelType::Conformer, 5);
        const auto groups = prune::channelGroups(*m);
        prune::ChannelScores scores;
        std::map<std::string, double> fractions;
        for (const auto& g : groups) {
            scores[g.name] = torch::rand({g.channels});
            fractions[g.name] = 0.5;
        }
        const auto shrunk = prune::shrinkModel(*m, prune::keepTopChannels(groups, scores, fractions), {1});
        const std::string ckpt = saveAsCheckpoint(*shrunk.model, dir_.filePath("s.pt").toStdString());
        const std::string out = dir_.filePath("s.espm").toStdString();
        deploy::exportEspm(ckpt, out);  // auto: timed here
        const auto [worst, sameText] = compare(*shrunk.model, out, 80);
        QVERIFY2(worst < 1e-4, qPrintable(QString::number(worst)));
        QVERIFY(sameText);
    }

    void badInputIsNamed()
    {
        auto m = makeModel(model::ModelType::Conformer, 7);
        const std::string ckpt = saveAsCheckpoint(*m, dir_.filePath("b.pt").toStdString());
        const std::string out = dir_.filePath("b.espm").toStdString();
        deploy::exportEspm(ckpt, out);
        runtime::EspmModel model = runtime::readEspm(out);
        runtime::AsrRuntime rt(model, "b.espm");
        std::vector<float> few(6 * 20, 0.0f);
        QVERIFY_THROWS_EXCEPTION(InputError, rt.logProbs(few.data(), 6));
        // A tensor missing or mis-shaped: refused when the graph is built, naming it.
        model.tensors.erase(model.tensors.begin() + 3);
        try {
            runtime::AsrRuntime broken(model, "b.espm");
            QFAIL("accepted");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).startsWith("b.espm: "), e.what());
        }
    }

    // Found by fuzzing: a weight whose shape does not fit the graph (here a CSR 64 x 32832 where the
    // graph multiplies 64 x 64) passed the load-time check and read past the activations in the
    // kernel's frame packing. Every matrix's both dimensions are now checked when the graph is built.
    void misShapedMatricesAreRefusedAtLoad_data()
    {
        QTest::addColumn<QString>("tensor");
        QTest::addColumn<int>("rowFactor");
        QTest::addColumn<int>("colFactor");
        QTest::addColumn<bool>("sparse");
        QTest::newRow("query, 513x wide, CSR (the fuzzer's)") << "encoder.blocks.0.self_attn.linear_q.weight" << 1 << 513 << true;
        QTest::newRow("query, wide, dense") << "encoder.blocks.0.self_attn.linear_q.weight" << 1 << 2 << false;
        QTest::newRow("attention output, tall") << "encoder.blocks.1.self_attn.linear_out.weight" << 2 << 1 << true;
        QTest::newRow("feed-forward out, tall") << "encoder.blocks.0.feed_forward.w_2.weight" << 2 << 1 << false;
        QTest::newRow("pointwise conv, wide") << "encoder.blocks.1.conv_module.pointwise_conv1.weight" << 1 << 3 << true;
        QTest::newRow("CTC, wide") << "ctc.ctc_lo.weight" << 1 << 2 << true;
    }
    void misShapedMatricesAreRefusedAtLoad()
    {
        QFETCH(QString, tensor);
        QFETCH(int, rowFactor);
        QFETCH(int, colFactor);
        QFETCH(bool, sparse);
        auto m = makeModel(model::ModelType::Conformer, 7);
        const std::string ckpt = saveAsCheckpoint(*m, dir_.filePath("shape.pt").toStdString());
        const std::string out = dir_.filePath("shape.espm").toStdString();
        deploy::exportEspm(ckpt, out);
        runtime::EspmModel model = runtime::readEspm(out);
        runtime::EspmTensor* t = nullptr;
        for (runtime::EspmTensor& candidate : model.tensors)
            if (candidate.name == tensor.toStdString())
                t = &candidate;
        QVERIFY(t);
        const int rows = int(t->shape[0]) * rowFactor, cols = int(t->shape[1]) * colFactor;
        std::vector<float> w(size_t(rows) * size_t(cols), 0.0f);
        for (size_t i = 0; i < w.size(); i += 7)
            w[i] = 0.25f;
        t->shape = {rows, cols};
        t->sparse = sparse;
        t->csr = sparse ? runtime::CsrMatrix::fromDense(w.data(), rows, cols) : runtime::CsrMatrix{};
        t->dense = sparse ? std::vector<float>{} : w;
        // Through the file, as a device reads it: the container is well formed, the graph is not.
        const std::string bad = dir_.filePath("bad-shape.espm").toStdString();
        const std::vector<uint8_t> bytes = runtime::serializeEspm(model);
        io::writeFileAtomic(bad, bytes.data(), bytes.size());
        try {
            runtime::AsrRuntime rt(runtime::readEspm(bad), "bad-shape.espm");
            QFAIL("accepted");
        } catch (const FormatError& e) {
            const QString message = QString::fromUtf8(e.what());
            QVERIFY2(message.startsWith("bad-shape.espm: tensor " + tensor + " is "), e.what());
            QVERIFY2(message.contains("the graph needs"), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestEspmParity)
#include "test_espm_parity.moc"
