#include "core/model/asr_model.h"
#include "core/model/autocast.h"
#include "core/model/encoder_layers.h"
#include "core/model/torch_setup.h"
#include "core/runtime/error.h"

#include <torch/torch.h>

#include <QtTest>

#include <fstream>
#include <set>

using namespace espalier;
using namespace espalier::model;
using Role = ParameterInfo::Role;

Q_DECLARE_METATYPE(ModelType)
Q_DECLARE_METATYPE(PositionalEncoding)

namespace {

constexpr int kVocab = 12;

ModelConfig tinyConfig(ModelType type = ModelType::Conformer, PositionalEncoding positional = PositionalEncoding::Relative,
                       bool macaron = true)
{
    ModelConfig c = ModelConfig::preset("tiny", type, kVocab);
    c.positional = positional;
    c.macaron = type == ModelType::Conformer && macaron;
    c.dropout = 0.0;
    return c;
}

// Features with a non-trivial CMVN, so the buffers matter.
ModelConfig tinyWithCmvn()
{
    ModelConfig c = tinyConfig();
    for (int i = 0; i < c.inputDim; ++i) {
        c.cmvn.mean.push_back(0.05f * float(i));
        c.cmvn.istd.push_back(1.0f + 0.01f * float(i));
    }
    return c;
}

std::unique_ptr<AsrModel> makeModel(const ModelConfig& config, uint64_t seed = 1)
{
    torch::manual_seed(seed);
    auto model = createModel(config);
    return model;
}

torch::Tensor lengthsOf(std::vector<int64_t> lengths)
{
    return torch::tensor(lengths, torch::kLong);
}

double maxAbsDiff(const torch::Tensor& a, const torch::Tensor& b)
{
    return (a.to(torch::kDouble) - b.to(torch::kDouble)).abs().max().item<double>();
}

// CTC loss of a batch (mean over utterances of the per-utterance sum, as torch's default).
torch::Tensor ctcLoss(const AsrOutput& out, const torch::Tensor& targets, const torch::Tensor& targetLengths)
{
    return torch::ctc_loss(out.logProbs.transpose(0, 1), targets, out.lengths, targetLengths, 0,
                           at::Reduction::Mean, true);
}

} // namespace

class TestCtcModel : public QObject {
    Q_OBJECT

private slots:
    // One thread: with two, libgomp's spin-waiting makes a busy 2-core machine ten times slower.
    void initTestCase() { configureTorchThreads(1); }

    void outputShapes_data()
    {
        QTest::addColumn<ModelType>("type");
        QTest::addColumn<int>("frames");
        for (int frames : {7, 8, 9, 50, 101, 203}) {
            QTest::addRow("conformer T=%d", frames) << ModelType::Conformer << frames;
            QTest::addRow("transformer T=%d", frames) << ModelType::Transformer << frames;
        }
    }
    void outputShapes()
    {
        QFETCH(ModelType, type);
        QFETCH(int, frames);
        auto model = makeModel(tinyConfig(type));
        model->train(false);
        const torch::Tensor lengths = lengthsOf({frames, std::max<int64_t>(7, frames - 5), 3});
        const AsrOutput out = model->forward(torch::randn({3, frames, 80}), lengths);
        const int64_t expected = ((frames - 1) / 2 - 1) / 2;
        QCOMPARE(out.logProbs.sizes().vec(), (std::vector<int64_t>{3, expected, kVocab}));
        QCOMPARE(out.logProbs.scalar_type(), torch::kFloat);
        QCOMPARE(out.lengths.scalar_type(), torch::kLong);
        for (int64_t b = 0; b < 3; ++b)
            QCOMPARE(out.lengths[b].item<int64_t>(), ModelConfig::subsampledLength(lengths[b].item<int64_t>()));
        // Rows are log-probabilities.
        QVERIFY(maxAbsDiff(out.logProbs.exp().sum(-1), torch::ones({3, expected})) < 1e-5);
        QVERIFY(out.blockOutputs.empty());
        const HostLogProbs host = toHost(out);
        QCOMPARE(host.batch, 3);
        QCOMPARE(host.frames, int(expected));
        QCOMPARE(host.vocab, kVocab);
        QCOMPARE(host.lengths, (std::vector<int>{int(out.lengths[0].item<int64_t>()), int(out.lengths[1].item<int64_t>()), 0}));
        if (expected > 0)
            QCOMPARE(host.utterance(1)[(expected - 1) * kVocab + 5], out.logProbs[1][expected - 1][5].item<float>());
        const AsrOutput withBlocks = model->forward(torch::randn({3, frames, 80}), lengths, {true});
        QCOMPARE(int(withBlocks.blockOutputs.size()), 2);
        QCOMPARE(withBlocks.blockOutputs[1].sizes().vec(), (std::vector<int64_t>{3, expected, 64}));
    }

    void paddingInvariance_data()
    {
        QTest::addColumn<ModelType>("type");
        QTest::addColumn<PositionalEncoding>("positional");
        QTest::addColumn<bool>("macaron");
        QTest::newRow("conformer relative") << ModelType::Conformer << PositionalEncoding::Relative << true;
        QTest::newRow("conformer absolute") << ModelType::Conformer << PositionalEncoding::Absolute << true;
        QTest::newRow("conformer without macaron") << ModelType::Conformer << PositionalEncoding::Relative << false;
        QTest::newRow("transformer absolute") << ModelType::Transformer << PositionalEncoding::Absolute << false;
        QTest::newRow("transformer relative") << ModelType::Transformer << PositionalEncoding::Relative << false;
    }
    void paddingInvariance()
    {
        QFETCH(ModelType, type);
        QFETCH(PositionalEncoding, positional);
        QFETCH(bool, macaron);
        ModelConfig config = tinyConfig(type, positional, macaron);
        config.dropout = 0.1; // eval mode must switch it off
        auto model = makeModel(config);
        model->train(false);
        torch::manual_seed(7);
        const int64_t longer = 93, shorter = 58;
        const torch::Tensor a = torch::randn({1, longer, 80});
        const torch::Tensor b = torch::randn({1, shorter, 80});
        // Padding filled with large garbage, not zeros: nothing of it may leak into valid frames.
        torch::Tensor batch = torch::randn({2, longer, 80}) * 100.0;
        batch[0].copy_(a[0]);
        batch[1].slice(0, 0, shorter).copy_(b[0]);

        const AsrOutput together = model->forward(batch, lengthsOf({longer, shorter}), {true});
        const AsrOutput aloneA = model->forward(a, lengthsOf({longer}), {true});
        const AsrOutput aloneB = model->forward(b, lengthsOf({shorter}), {true});
        const int64_t validB = ModelConfig::subsampledLength(shorter);
        QCOMPARE(together.lengths[1].item<int64_t>(), validB);
        QCOMPARE(aloneB.logProbs.size(1), validB);
        const double diffA = maxAbsDiff(together.logProbs[0], aloneA.logProbs[0]);
        const double diffB = maxAbsDiff(together.logProbs[1].slice(0, 0, validB), aloneB.logProbs[0]);
        QVERIFY2(diffA <= 1e-5, qPrintable(QString::number(diffA)));
        QVERIFY2(diffB <= 1e-5, qPrintable(QString::number(diffB)));
        for (size_t i = 0; i < together.blockOutputs.size(); ++i) {
            const double d = maxAbsDiff(together.blockOutputs[i][1].slice(0, 0, validB), aloneB.blockOutputs[i][0]);
            QVERIFY2(d <= 1e-4, qPrintable(QString("block %1: %2").arg(i).arg(d)));
        }
    }

    void registry_data()
    {
        QTest::addColumn<ModelType>("type");
        QTest::addColumn<PositionalEncoding>("positional");
        QTest::newRow("conformer") << ModelType::Conformer << PositionalEncoding::Relative;
        QTest::newRow("transformer") << ModelType::Transformer << PositionalEncoding::Absolute;
    }
    void registry()
    {
        QFETCH(ModelType, type);
        QFETCH(PositionalEncoding, positional);
        const ModelConfig config = tinyConfig(type, positional);
        auto model = makeModel(config);
        const std::vector<ParameterInfo> infos = model->parameterInfos();
        const NamedTensors params = model->namedParameters();
        QCOMPARE(infos.size(), params.size());
        std::set<std::string> names;
        std::map<int, std::set<Role>> rolesPerBlock;
        for (size_t i = 0; i < infos.size(); ++i) {
            const ParameterInfo& info = infos[i];
            QVERIFY2(names.insert(info.name).second, info.name.c_str());
            QCOMPARE(info.name, params.keys()[i]);
            QVERIFY(info.shape == params[info.name].sizes().vec());
            QVERIFY(info.block >= -1 && info.block < config.numBlocks);
            if (info.prunable) {
                QVERIFY(info.shape.size() >= 2);
                rolesPerBlock[info.block].insert(info.role);
            }
            QVERIFY2(info.role != Role::Other || !info.prunable, info.name.c_str());
        }
        std::set<Role> expected = {Role::AttentionQuery, Role::AttentionKey, Role::AttentionValue, Role::AttentionOutput,
                                   Role::FeedForwardIn, Role::FeedForwardOut};
        if (type == ModelType::Conformer)
            expected.insert({Role::MacaronIn, Role::MacaronOut, Role::ConvPointwiseIn, Role::ConvDepthwise,
                             Role::ConvPointwiseOut, Role::AttentionPosition});
        for (int b = 0; b < config.numBlocks; ++b)
            QVERIFY2(rolesPerBlock[b] == expected, qPrintable(QString("block %1").arg(b)));
        QVERIFY((rolesPerBlock[-1] == std::set<Role>{Role::Subsampling, Role::Head}));

        auto find = [&](const std::string& name) -> const ParameterInfo& {
            for (const ParameterInfo& info : infos)
                if (info.name == name)
                    return info;
            qFatal("no parameter %s", name.c_str());
        };
        const ParameterInfo& q = find("encoder.blocks.1.self_attn.linear_q.weight");
        QCOMPARE(q.block, 1);
        QCOMPARE(q.role, Role::AttentionQuery);
        QVERIFY((q.shape == std::vector<int64_t>{64, 64}));
        const ParameterInfo& ff = find("encoder.blocks.0.feed_forward.w_1.weight");
        QCOMPARE(ff.role, Role::FeedForwardIn);
        QVERIFY((ff.shape == std::vector<int64_t>{256, 64}));
        const ParameterInfo& head = find("ctc.ctc_lo.weight");
        QCOMPARE(head.role, Role::Head);
        QVERIFY((head.shape == std::vector<int64_t>{kVocab, 64}));
        QCOMPARE(find("encoder.embed.out.0.weight").shape[1], int64_t(64 * 19));
        QVERIFY(!find("encoder.after_norm.weight").prunable);
        if (type == ModelType::Conformer) {
            const ParameterInfo& dw = find("encoder.blocks.1.conv_module.depthwise_conv.weight");
            QCOMPARE(dw.role, Role::ConvDepthwise);
            QVERIFY((dw.shape == std::vector<int64_t>{64, 1, 7}));
            QCOMPARE(find("encoder.blocks.0.self_attn.pos_bias_u").role, Role::Other);
        }
        // Buffers: the CMVN statistics, saved with the weights but not trained.
        QVERIFY((model->namedBuffers().keys() == std::vector<std::string>{"encoder.global_cmvn.mean", "encoder.global_cmvn.istd"}));
    }

    void parameterCounts_data()
    {
        QTest::addColumn<QString>("size");
        QTest::addColumn<ModelType>("type");
        for (const char* size : {"tiny", "small", "base"}) {
            QTest::addRow("conformer %s", size) << size << ModelType::Conformer;
            QTest::addRow("transformer %s", size) << size << ModelType::Transformer;
        }
    }
    void parameterCounts()
    {
        QFETCH(QString, size);
        QFETCH(ModelType, type);
        const int vocab = 4000; // a Mandarin character set
        const ModelConfig config = ModelConfig::preset(size.toStdString(), type, vocab);
        auto model = createModel(config);
        QCOMPARE(model->parameterCount(), config.parameterCount());
        qInfo("%s: %lld parameters (%lld in the encoder, vocabulary %d)", model->description().c_str(),
              static_cast<long long>(model->parameterCount()),
              static_cast<long long>(model->parameterCount() - (config.attentionDim + 1) * vocab), vocab);
    }

    void saveLoadRoundTrip()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("weights.pt").toStdString();
        auto source = makeModel(tinyWithCmvn(), 1);
        source->saveWeights(path);
        auto target = makeModel(tinyConfig(), 2); // other weights, identity CMVN
        QVERIFY(!torch::equal(target->namedParameters()[0].value(), source->namedParameters()[0].value()));
        target->loadWeights(path);
        const NamedTensors a = source->stateDict(), b = target->stateDict();
        QCOMPARE(a.keys(), b.keys());
        for (const auto& item : a)
            QVERIFY2(torch::equal(item.value(), b[item.key()]), item.key().c_str());
        source->train(false);
        target->train(false);
        const torch::Tensor x = torch::randn({2, 40, 80});
        QVERIFY(torch::equal(source->forward(x, lengthsOf({40, 33})).logProbs, target->forward(x, lengthsOf({40, 33})).logProbs));
        // Nothing left beside the file.
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files), QStringList{"weights.pt"});
    }

    void mismatchedCheckpointRejected()
    {
        QTemporaryDir dir;
        const std::string path = dir.filePath("two-blocks.pt").toStdString();
        makeModel(tinyConfig())->saveWeights(path);

        ModelConfig deeper = tinyConfig();
        deeper.numBlocks = 3;
        auto model = makeModel(deeper, 3);
        const torch::Tensor before = model->namedParameters()[0].value().clone();
        try {
            model->loadWeights(path);
            QFAIL("loaded weights of another architecture");
        } catch (const FormatError& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(path) + ": the weights do not match"), e.what());
            QVERIFY2(message.contains("missing encoder.blocks.2.norm_ff_macaron.weight"), e.what());
            QVERIFY2(message.contains(" more"), e.what());
        }
        QVERIFY(torch::equal(model->namedParameters()[0].value(), before)); // unchanged

        ModelConfig wider = tinyConfig();
        wider.ffnDim = 128;
        try {
            makeModel(wider)->loadWeights(path);
            QFAIL("loaded weights of another width");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("encoder.blocks.0.feed_forward_macaron.w_1.weight is [256, 64] in the file, "
                                                "[128, 64] in the model"),
                     e.what());
        }

        const std::string garbage = dir.filePath("garbage.pt").toStdString();
        std::ofstream(garbage) << "not a zip file";
        try {
            model->loadWeights(garbage);
            QFAIL("loaded garbage");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(garbage) + ": not a weights file"), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, model->loadWeights(dir.filePath("absent.pt").toStdString()));
    }

    void gradientsReachEveryParameter()
    {
        auto model = makeModel(tinyConfig(ModelType::Conformer, PositionalEncoding::Relative));
        model->train(true);
        torch::manual_seed(3);
        const AsrOutput out = model->forward(torch::randn({2, 60, 80}), lengthsOf({60, 45}));
        const torch::Tensor targets = torch::tensor({3, 5, 5, 1, 7, 2, 9, 4}, torch::kLong).view({2, 4});
        const torch::Tensor loss = ctcLoss(out, targets, lengthsOf({4, 3}));
        loss.backward();
        for (const auto& item : model->namedParameters()) {
            const torch::Tensor grad = item.value().grad();
            QVERIFY2(grad.defined(), item.key().c_str());
            QVERIFY2(grad.abs().sum().item<double>() > 0.0, item.key().c_str());
            QVERIFY2(torch::isfinite(grad).all().item<bool>(), item.key().c_str());
        }
    }

    void adamReducesLoss()
    {
        auto model = makeModel(tinyConfig());
        model->train(true);
        torch::manual_seed(11);
        const torch::Tensor features = torch::randn({4, 80, 80});
        const torch::Tensor lengths = lengthsOf({80, 72, 64, 50});
        const torch::Tensor targets = torch::randint(1, kVocab, {4, 5}, torch::kLong);
        const torch::Tensor targetLengths = lengthsOf({5, 4, 5, 3});
        torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(3e-3));
        double first = 0.0, last = 0.0;
        for (int step = 0; step < 25; ++step) {
            adam.zero_grad();
            const torch::Tensor loss = ctcLoss(model->forward(features, lengths), targets, targetLengths);
            loss.backward();
            adam.step();
            (step == 0 ? first : last) = loss.item<double>();
        }
        qInfo("CTC loss %.3f -> %.3f after 25 Adam steps", first, last);
        QVERIFY2(last < 0.5 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
    }

    void bf16AutocastKeepsFp32Islands()
    {
        auto model = makeModel(tinyWithCmvn());
        model->train(false);
        torch::manual_seed(5);
        const torch::Tensor x = torch::randn({2, 70, 80});
        const torch::Tensor lengths = lengthsOf({70, 55});
        const AsrOutput fp32 = model->forward(x, lengths, {true});
        AsrOutput mixed;
        {
            AutocastScope autocast(torch::kCPU, torch::kBFloat16);
            mixed = model->forward(x, lengths, {true});
            // Autocast is really on: a plain linear layer computes in bf16 here.
            QCOMPARE(torch::nn::Linear(4, 4)->forward(torch::randn({1, 4})).scalar_type(), torch::kBFloat16);
        }
        QVERIFY(!at::autocast::is_cpu_enabled());
        QCOMPARE(mixed.logProbs.scalar_type(), torch::kFloat);      // ctc_log_softmax
        QCOMPARE(mixed.blockOutputs[0].scalar_type(), torch::kFloat); // float residual stream, norm_final in fp32
        const double diff = maxAbsDiff(mixed.logProbs, fp32.logProbs);
        const double agree = (mixed.logProbs.argmax(-1) == fp32.logProbs.argmax(-1)).to(torch::kFloat).mean().item<double>();
        qInfo("bf16 autocast vs fp32: max |log p| difference %.4f, argmax agreement %.3f", diff, agree);
        QVERIFY2(diff < 0.25, qPrintable(QString::number(diff)));
        QVERIFY(agree > 0.9);
        QVERIFY(diff > 0.0); // something did run in bf16

        // The islands themselves: LayerNorm and softmax in float32 under autocast, unless the policy drops them.
        auto flags = std::make_shared<layers::Fp32Flags>();
        layers::LayerNorm norm(64, flags);
        const torch::Tensor half = torch::randn({2, 5, 64}).to(torch::kBFloat16);
        AutocastScope autocast(torch::kCPU, torch::kBFloat16);
        QCOMPARE(norm->forward(half).scalar_type(), torch::kFloat);
        flags->layerNorm = false;
        QCOMPARE(norm->forward(half).scalar_type(), torch::kBFloat16);
        model->setFp32Policy({"front_end", "layer_norm", "attention_softmax"});
        QCOMPARE(model->forward(x, lengths).logProbs.scalar_type(), torch::kBFloat16);
        // A bf16 softmax gives other numbers than the float32 one.
        model->setFp32Policy({"front_end", "layer_norm", "ctc_log_softmax"});
        const torch::Tensor bf16Softmax = model->forward(x, lengths).logProbs;
        QCOMPARE(bf16Softmax.scalar_type(), torch::kFloat);
        QVERIFY(!torch::equal(bf16Softmax, mixed.logProbs));
    }

    void fp32Policy()
    {
        auto model = makeModel(tinyConfig());
        QVERIFY((model->fp32Policy()
                 == std::vector<std::string>{"front_end", "layer_norm", "attention_softmax", "ctc_log_softmax"}));
        model->setFp32Policy({"layer_norm", "ctc_loss"});
        QVERIFY((model->fp32Policy() == std::vector<std::string>{"layer_norm"}));
        try {
            model->setFp32Policy({"layer_norm", "softmax"});
            QFAIL("accepted an unknown policy entry");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("'softmax'"), e.what());
        }
        QVERIFY((model->fp32Policy() == std::vector<std::string>{"layer_norm"}));
    }

    void cloneIsDeep()
    {
        auto model = makeModel(tinyWithCmvn());
        model->train(false);
        model->setFp32Policy({"layer_norm"});
        auto copy = model->clone();
        QVERIFY(!copy->isTraining());
        QCOMPARE(copy->fp32Policy(), model->fp32Policy());
        QCOMPARE(*copy->config(), *model->config());
        const torch::Tensor x = torch::randn({1, 30, 80});
        QVERIFY(torch::equal(copy->forward(x, lengthsOf({30})).logProbs, model->forward(x, lengthsOf({30})).logProbs));
        {
            torch::NoGradGuard noGrad;
            copy->namedParameters()["ctc.ctc_lo.weight"].zero_();
        }
        QVERIFY(model->namedParameters()["ctc.ctc_lo.weight"].abs().sum().item<double>() > 0.0);
    }

    void doublePrecision()
    {
        auto model = makeModel(tinyWithCmvn());
        model->train(false);
        const torch::Tensor x = torch::randn({2, 30, 80});
        const AsrOutput single = model->forward(x, lengthsOf({30, 20}));
        model->to(torch::kDouble);
        const AsrOutput twice = model->forward(x.to(torch::kDouble), lengthsOf({30, 20}));
        QCOMPARE(twice.logProbs.scalar_type(), torch::kDouble);
        QVERIFY(maxAbsDiff(single.logProbs, twice.logProbs) < 1e-4);
    }

    void badInputs_data()
    {
        QTest::addColumn<QList<qint64>>("shape");
        QTest::addColumn<QList<qint64>>("lengths");
        QTest::addColumn<QString>("error");
        QTest::newRow("two dims") << QList<qint64>{50, 80} << QList<qint64>{50} << "features must be a float tensor [batch, frames, 80]";
        QTest::newRow("wrong bins") << QList<qint64>{1, 50, 40} << QList<qint64>{50} << "got [1, 50, 40]";
        QTest::newRow("lengths count") << QList<qint64>{2, 50, 80} << QList<qint64>{50} << "lengths must be an integer tensor [2]";
        QTest::newRow("too long") << QList<qint64>{1, 50, 80} << QList<qint64>{51} << "lengths must be within [0, 50]";
        QTest::newRow("too short") << QList<qint64>{1, 6, 80} << QList<qint64>{6} << "6 frames is too short";
    }
    void badInputs()
    {
        QFETCH(QList<qint64>, shape);
        QFETCH(QList<qint64>, lengths);
        QFETCH(QString, error);
        auto model = makeModel(tinyConfig());
        const std::vector<int64_t> dims(shape.begin(), shape.end());
        try {
            model->forward(torch::zeros(dims), lengthsOf(std::vector<int64_t>(lengths.begin(), lengths.end())));
            QFAIL("accepted bad input");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(error), e.what());
        }
    }

    void invalidConfigRejected()
    {
        ModelConfig c = tinyConfig();
        c.heads = 3;
        try {
            createModel(c);
            QFAIL("built an invalid model");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("model config: heads: "), e.what());
        }
    }
};

QTEST_GUILESS_MAIN(TestCtcModel)
#include "test_ctc_model.moc"
