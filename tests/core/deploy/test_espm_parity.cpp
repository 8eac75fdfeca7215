// A checkpoint exported to .espm and run by the runtime (no LibTorch) gives the LibTorch model's
// log-probabilities within 1e-4 and the same greedy transcript: Conformer and Transformer, dense and
// CSR weights, a structurally shrunk model; a model the graph cannot run is refused with the reason.
#include "deploy/espm_export.h"
#include "prune/channels.h"
#include "prune/shrink.h"
#include "runtime/asr_runtime.h"
#include "runtime/error.h"
#include "train/checkpoint.h"

#include <QTemporaryDir>
#include <QTest>
#include <torch/torch.h>

using namespace espalier;

namespace {

std::unique_ptr<model::AsrModel> makeModel(model::ModelType type, std::uint64_t seed)
{
    torch::manual_seed(seed);
    model::ModelConfig c = model::ModelConfig::preset("tiny", type, 12);
    c.inputDim = 20;
    c.dropout = 0.0;
    c.cmvn.mean.assign(20, 0.3f);
    c.cmvn.istd.assign(20, 0.8f);
    auto m = model::createModel(c);
    m->train(false);
    return m;
}

std::string saveAsCheckpoint(const model::AsrModel& m, const std::string& path)
{
    train::CheckpointMeta meta;
    meta.modelConfigYaml = m.config()->toYaml();
    meta.units = "<blank> 0\n<unk> 1\n";
    const char* chars[] = {"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"};
    for (int i = 0; i < 10; ++i)
        meta.units += std::string(chars[i]) + " " + std::to_string(i + 2) + "\n";
    meta.fbank.numMelBins = 20;
    train::saveCheckpoint(path, m, nullptr, meta);
    return path;
}

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
        QTest::newRow("conformer dense") << int(model::ModelType::Conformer) << "dense";
        QTest::newRow("conformer csr") << int(model::ModelType::Conformer) << "csr";
        QTest::newRow("transformer dense") << int(model::ModelType::Transformer) << "dense";
        QTest::newRow("transformer csr") << int(model::ModelType::Transformer) << "csr";
    }

    void matchesLibTorch()
    {
        QFETCH(int, type);
        QFETCH(QString, policy);
        auto m = makeModel(model::ModelType(type), 3);
        {
            // 70 % of every weight matrix zero, as a pruned model's.
            torch::NoGradGuard noGrad;
            for (const auto& item : m->namedParameters())
                if (item.value().dim() == 2 && item.key().find("embed") == std::string::npos)
                    item.value().masked_fill_(torch::rand(item.value().sizes()) < 0.7, 0.0);
        }
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
};

QTEST_GUILESS_MAIN(TestEspmParity)
#include "test_espm_parity.moc"
