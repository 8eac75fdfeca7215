#include "core/model/asr_model.h"
#include "core/model/scripted_asr_model.h"
#include "core/prune/gradual_pruning.h"
#include "core/runtime/error.h"

#include <torch/script.h>
#include <torch/torch.h>

#include <QtTest>

#include <fstream>

using namespace espalier;
using namespace espalier::model;
using Role = ParameterInfo::Role;

namespace {

constexpr int64_t kBins = 40;
constexpr int64_t kDim = 16;
constexpr int64_t kHidden = 24;
constexpr int64_t kVocab = 9;

// Each TorchScript class needs its own name.
int classCounter = 0;

torch::jit::Module module(const std::string& kind)
{
    torch::jit::Module m("Tiny" + kind + std::to_string(classCounter++));
    m.register_attribute("training", c10::BoolType::get(), true);
    return m;
}

torch::jit::Module linear(int64_t out, int64_t in)
{
    torch::jit::Module m = module("Linear");
    m.register_parameter("weight", torch::randn({out, in}) * (1.0 / std::sqrt(double(in))), false);
    m.register_parameter("bias", torch::zeros({out}), false);
    return m;
}

// A small CTC model in TorchScript, named like a user's PyTorch model: embed, two residual
// blocks (a query-like projection and a feed-forward), a CTC head. Frames are halved.
// returns: "plain" (log_probs, lengths), "blocks" (+ block outputs), "logits" (no log_softmax),
// "tensor" (only log_probs), "one-input" (forward(feats)), "list-lengths" (lens: List[int]).
torch::jit::Module tinyScript(const std::string& returns)
{
    torch::manual_seed(4);
    torch::jit::Module top = module("Model");
    top.register_attribute("input_dim", c10::IntType::get(), int64_t(kBins));
    torch::jit::Module encoder = module("Encoder");
    torch::jit::Module embed = module("Embed");
    embed.register_parameter("weight", torch::randn({kDim, kBins}) * 0.2, false);
    encoder.register_module("embed", embed);
    encoder.register_buffer("scale", torch::ones({kDim}));
    for (int b = 0; b < 2; ++b) {
        torch::jit::Module block = module("Block");
        torch::jit::Module attn = module("Attention");
        attn.register_module("linear_q", linear(kDim, kDim));
        block.register_module("self_attn", attn);
        torch::jit::Module ff = module("FeedForward");
        ff.register_module("w_1", linear(kHidden, kDim));
        ff.register_module("w_2", linear(kDim, kHidden));
        block.register_module("feed_forward", ff);
        encoder.register_module("layers_" + std::to_string(b), block);
    }
    top.register_module("encoder", encoder);
    torch::jit::Module ctc = module("Ctc");
    ctc.register_module("ctc_lo", linear(kVocab, kDim));
    top.register_module("ctc", ctc);

    std::string signature = "def forward(self, feats, lens):\n";
    if (returns == "one-input")
        signature = "def forward(self, feats):\n    lens = torch.full([feats.size(0)], feats.size(1))\n";
    if (returns == "list-lengths")
        signature = "def forward(self, feats, lens: List[int]):\n";
    std::string body = R"(
    x = torch.matmul(feats, self.encoder.embed.weight.t()) * self.encoder.scale
    x = x[:, ::2, :]
    out_lens = torch.div(lens + 1, 2, rounding_mode='floor')
    q = self.encoder.layers_0.self_attn.linear_q
    x0 = x + torch.tanh(torch.matmul(x, q.weight.t()) + q.bias)
    f = self.encoder.layers_0.feed_forward
    x0 = x0 + torch.matmul(torch.relu(torch.matmul(x0, f.w_1.weight.t()) + f.w_1.bias), f.w_2.weight.t()) + f.w_2.bias
    q1 = self.encoder.layers_1.self_attn.linear_q
    x1 = x0 + torch.tanh(torch.matmul(x0, q1.weight.t()) + q1.bias)
    f1 = self.encoder.layers_1.feed_forward
    x1 = x1 + torch.matmul(torch.relu(torch.matmul(x1, f1.w_1.weight.t()) + f1.w_1.bias), f1.w_2.weight.t()) + f1.w_2.bias
    logits = torch.matmul(x1, self.ctc.ctc_lo.weight.t()) + self.ctc.ctc_lo.bias
)";
    if (returns == "list-lengths")
        body.replace(body.find("torch.div(lens + 1"), std::string("torch.div(lens + 1").size(),
                     "torch.div(torch.tensor(lens) + 1");
    std::string ret = "    return torch.log_softmax(logits, -1), out_lens\n";
    if (returns == "blocks")
        ret = "    return torch.log_softmax(logits, -1), out_lens, [x0, x1]\n";
    if (returns == "logits")
        ret = "    return logits, out_lens\n";
    if (returns == "tensor")
        ret = "    return torch.log_softmax(logits, -1)\n";
    top.define(signature + body + ret);
    return top;
}

std::string saveScript(const QTemporaryDir& dir, const std::string& returns)
{
    const std::string path = dir.filePath(QString::fromStdString(returns + ".pt")).toStdString();
    tinyScript(returns).save(path);
    return path;
}

torch::Tensor lengthsOf(std::vector<int64_t> lengths)
{
    return torch::tensor(lengths, torch::kLong);
}

} // namespace

class TestScriptedAsrModel : public QObject {
    Q_OBJECT

private slots:
    void loadsAndRuns()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "plain"));
        QVERIFY(model->config() == nullptr);
        QCOMPARE(model->inputDim(), int(kBins));
        QCOMPARE(model->vocabularySize(), int(kVocab)); // from ctc.ctc_lo's rows
        QCOMPARE(model->numBlocks(), 2);
        QVERIFY(!model->providesBlockOutputs());
        QVERIFY(model->fp32Policy().empty());
        model->setFp32Policy(defaultFp32Policy()); // ignored, not an error
        QVERIFY2(QString::fromStdString(model->description()).contains("plain.pt"), model->description().c_str());

        const AsrOutput out = model->forward(torch::randn({2, 21, kBins}), lengthsOf({21, 14}));
        QCOMPARE(out.logProbs.sizes().vec(), (std::vector<int64_t>{2, 11, kVocab}));
        QCOMPARE(out.lengths.scalar_type(), torch::kLong);
        QCOMPARE(out.lengths[1].item<int64_t>(), int64_t(7));
        QVERIFY(out.blockOutputs.empty());
    }

    void registryFromNames()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "plain"));
        const std::vector<ParameterInfo> infos = model->parameterInfos();
        QCOMPARE(infos.size(), model->namedParameters().size());
        std::map<std::string, ParameterInfo> byName;
        for (const ParameterInfo& info : infos)
            byName[info.name] = info;
        const ParameterInfo& q = byName.at("encoder.layers_1.self_attn.linear_q.weight");
        QCOMPARE(q.block, 1);
        QCOMPARE(q.role, Role::AttentionQuery);
        QVERIFY(q.prunable);
        QVERIFY((q.shape == std::vector<int64_t>{kDim, kDim}));
        QCOMPARE(byName.at("encoder.layers_0.feed_forward.w_2.weight").role, Role::FeedForwardOut);
        QCOMPARE(byName.at("encoder.layers_0.feed_forward.w_1.bias").prunable, false);
        QCOMPARE(byName.at("encoder.embed.weight").role, Role::Subsampling);
        QCOMPARE(byName.at("ctc.ctc_lo.weight").role, Role::Head);
        QCOMPARE(byName.at("ctc.ctc_lo.weight").block, -1);
        QVERIFY((model->namedBuffers().keys() == std::vector<std::string>{"encoder.scale"}));
    }

    void finetunesThroughTheAdapter()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "plain"));
        model->train(true);
        QVERIFY(model->isTraining());
        torch::manual_seed(2);
        const torch::Tensor features = torch::randn({3, 30, kBins});
        const torch::Tensor lengths = lengthsOf({30, 26, 20});
        const torch::Tensor targets = torch::randint(1, kVocab, {3, 4}, torch::kLong);
        torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-2));
        double first = 0.0, last = 0.0;
        for (int step = 0; step < 20; ++step) {
            adam.zero_grad();
            const AsrOutput out = model->forward(features, lengths);
            const torch::Tensor loss =
                torch::ctc_loss(out.logProbs.transpose(0, 1), targets, out.lengths, lengthsOf({4, 4, 3}), 0,
                                at::Reduction::Mean, true);
            loss.backward();
            if (step == 0)
                for (const auto& item : model->namedParameters())
                    QVERIFY2(item.value().grad().defined() && item.value().grad().abs().sum().item<double>() > 0.0,
                             item.key().c_str());
            adam.step();
            (step == 0 ? first : last) = loss.item<double>();
        }
        QVERIFY2(last < 0.7 * first, qPrintable(QString("%1 -> %2").arg(first).arg(last)));
        model->train(false);
        QVERIFY(!model->isTraining());
    }

    void prunesThroughTheAdapter()
    {
        // A user's TorchScript model is pruned like a reference model: its registry says what is prunable.
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "plain"));
        const prune::Recipe recipe = prune::Recipe::fromYaml(
            "espalier_recipe: 1\nstages:\n  - type: unstructured\n"
            "    schedule: {shape: constant, final_sparsity: 0.5, begin: 0, end: 0, frequency: 1}\n"
            "    exclude: [\"re:.*embed.*\"]\n",
            "recipe.yaml");
        prune::GradualPruning pruning(recipe, *model, 1.0);
        QVERIFY(pruning.isUpdate(0));
        const prune::MaskMap masks = pruning.update(*model, 0, {});
        QVERIFY(masks.count("encoder.layers_1.self_attn.linear_q.weight") == 1);
        QVERIFY(masks.count("encoder.embed.weight") == 0);
        QVERIFY(masks.count("encoder.layers_0.feed_forward.w_1.bias") == 0);
        const auto parameters = prune::namedTensors(model->namedParameters());
        prune::applyMasksToWeights(parameters, masks);

        model->train(true);
        torch::optim::Adam adam(model->parameters(), torch::optim::AdamOptions(1e-2));
        const torch::Tensor features = torch::randn({2, 30, kBins});
        const torch::Tensor targets = torch::randint(1, kVocab, {2, 4}, torch::kLong);
        for (int step = 0; step < 3; ++step) {
            adam.zero_grad();
            const AsrOutput out = model->forward(features, lengthsOf({30, 24}));
            torch::ctc_loss(out.logProbs.transpose(0, 1), targets, out.lengths, lengthsOf({4, 4}), 0).backward();
            prune::applyMasksToGradients(parameters, masks);
            adam.step();
            prune::applyMasksToWeights(parameters, masks);
        }
        int64_t total = 0, zeros = 0;
        for (const prune::TensorSparsity& t : prune::measureSparsity(parameters)) {
            if (!masks.count(t.name))
                continue;
            total += t.numel;
            zeros += t.numel - t.nonzeros;
        }
        QCOMPARE(zeros, prune::prunedCount(0.5, total));
    }

    void weightsRoundTripAndClone()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "plain"));
        const std::string weights = dir.filePath("weights.pt").toStdString();
        model->saveWeights(weights);
        const torch::Tensor x = torch::randn({1, 12, kBins});
        const torch::Tensor before = model->forward(x, lengthsOf({12})).logProbs;

        auto copy = model->clone();
        {
            torch::NoGradGuard noGrad;
            for (const auto& item : model->namedParameters())
                item.value().mul_(0.5);
        }
        QVERIFY(torch::equal(copy->forward(x, lengthsOf({12})).logProbs, before)); // the clone is independent
        QVERIFY(!torch::equal(model->forward(x, lengthsOf({12})).logProbs, before));
        model->loadWeights(weights);
        QVERIFY(torch::equal(model->forward(x, lengthsOf({12})).logProbs, before));

        // A reference model's weights do not fit, and the error says which names.
        try {
            ModelConfig tiny = ModelConfig::preset("tiny", ModelType::Conformer, 10);
            createModel(tiny)->saveWeights(weights);
            model->loadWeights(weights);
            QFAIL("loaded another model's weights");
        } catch (const FormatError& e) {
            QVERIFY2(QString(e.what()).contains("missing encoder.embed.weight"), e.what());
            QVERIFY2(QString(e.what()).contains("unexpected encoder.embed.conv.0.weight"), e.what());
        }
    }

    void blockOutputs()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "blocks"));
        QVERIFY(model->providesBlockOutputs());
        const AsrOutput out = model->forward(torch::randn({2, 10, kBins}), lengthsOf({10, 8}), {true});
        QCOMPARE(int(out.blockOutputs.size()), 2);
        QCOMPARE(out.blockOutputs[1].sizes().vec(), (std::vector<int64_t>{2, 5, kDim}));
        QVERIFY(model->forward(torch::randn({2, 10, kBins}), lengthsOf({10, 8})).blockOutputs.empty());
    }

    void rejected_data()
    {
        QTest::addColumn<QString>("returns");
        QTest::addColumn<QString>("error");
        QTest::newRow("one input") << "one-input" << "forward(feats: Tensor) -> Tuple[Tensor, Tensor] does not fit";
        QTest::newRow("list lengths") << "list-lengths" << "lens: List[int]";
        QTest::newRow("a tensor") << "tensor" << "-> Tensor does not fit";
    }
    void rejected()
    {
        QFETCH(QString, returns);
        QFETCH(QString, error);
        QTemporaryDir dir;
        const std::string path = saveScript(dir, returns.toStdString());
        try {
            loadTorchScriptModel(path);
            QFAIL("accepted a model with another forward");
        } catch (const FormatError& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(path) + ": "), e.what());
            QVERIFY2(message.contains(error), e.what());
            QVERIFY2(message.contains("Espalier needs forward(features"), e.what());
        }
    }

    void logitsRejectedAtFirstForward()
    {
        QTemporaryDir dir;
        auto model = loadTorchScriptModel(saveScript(dir, "logits"));
        try {
            model->forward(torch::randn({1, 10, kBins}), lengthsOf({10}));
            QFAIL("accepted raw logits");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("not log-probabilities"), e.what());
        }
    }

    void torchErrorsGetContext()
    {
        QTemporaryDir dir;
        const std::string path = saveScript(dir, "plain");
        auto model = loadTorchScriptModel(path);
        try {
            model->forward(torch::randn({1, 10, kBins + 1}), lengthsOf({10}));
            QFAIL("ran with the wrong feature size");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString::fromStdString(path) + ": forward failed: "), e.what());
            QVERIFY2(!message.contains("Exception raised from"), e.what()); // no C++ backtrace
            QVERIFY2(message.contains("RuntimeError: "), e.what()); // the interpreter's final line
        }
    }

    void notTorchScript()
    {
        QTemporaryDir dir;
        const std::string text = dir.filePath("model.txt").toStdString();
        std::ofstream(text) << "hello";
        const std::string weights = dir.filePath("weights.pt").toStdString();
        createModel(ModelConfig::preset("tiny", ModelType::Conformer, 10))->saveWeights(weights);
        for (const std::string& path : {text, weights}) {
            try {
                loadTorchScriptModel(path);
                QFAIL("loaded a file that is not TorchScript");
            } catch (const FormatError& e) {
                QVERIFY2(QString(e.what()).startsWith(QString::fromStdString(path) + ": not a TorchScript model"), e.what());
            }
        }
        QVERIFY_THROWS_EXCEPTION(IoError, loadTorchScriptModel(dir.filePath("absent.pt").toStdString()));
    }
};

QTEST_GUILESS_MAIN(TestScriptedAsrModel)
#include "test_scripted_asr_model.moc"
