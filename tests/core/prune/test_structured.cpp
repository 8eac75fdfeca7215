// Structured and layer pruning on the reference models: feature-map importance, channel masks, and
// physical removal that keeps the masked model's outputs while the shapes shrink.
#include "core/prune/channels.h"
#include "core/prune/gradual_pruning.h"
#include "core/prune/shrink.h"
#include "core/runtime/error.h"

#include <QTest>
#include <torch/torch.h>

using namespace espalier;

namespace {

std::unique_ptr<model::AsrModel> makeModel(model::ModelType type, std::uint64_t seed)
{
    torch::manual_seed(seed);
    model::ModelConfig c = model::ModelConfig::preset("tiny", type, 12);
    c.inputDim = 20;
    c.numBlocks = 3;
    c.dropout = 0.0;
    auto m = model::createModel(c);
    m->train(false);
    return m;
}

prune::CalibrationBatch batch(std::uint64_t seed)
{
    torch::manual_seed(seed);
    prune::CalibrationBatch b;
    b.features = torch::randn({3, 61, 20});
    b.lengths = torch::tensor({61L, 40L, 23L});
    return b;
}

torch::Tensor logProbs(model::AsrModel& m, const prune::CalibrationBatch& b)
{
    torch::NoGradGuard noGrad;
    return m.forward(b.features, b.lengths).logProbs;
}

// Max |a - b| over the valid frames of each row.
double maxDiff(const torch::Tensor& a, const torch::Tensor& b, const torch::Tensor& lengths)
{
    double d = 0.0;
    const auto valid = torch::clamp_min(torch::div(torch::div(lengths - 1, 2, "floor") - 1, 2, "floor"), 0);
    for (int64_t i = 0; i < a.size(0); ++i) {
        const int64_t t = valid[i].item<int64_t>();
        d = std::max(d, (a[i].narrow(0, 0, t) - b[i].narrow(0, 0, t)).abs().max().item<double>());
    }
    return d;
}

} // namespace

class TestStructured : public QObject {
    Q_OBJECT
private slots:
    void groupsCoverFeedForwardAndHeads()
    {
        auto m = makeModel(model::ModelType::Conformer, 1);
        const auto groups = prune::channelGroups(*m);
        QCOMPARE(groups.size(), size_t(11));  // two subsampling convolutions; macaron FFN, attention, FFN per block
        QCOMPARE(groups[0].name, std::string("encoder.embed.conv.0"));
        QCOMPARE(groups[1].kind, prune::ChannelKind::Subsampling);
        QCOMPARE(groups[1].channels, int64_t(64));
        QCOMPARE(groups[2].name, std::string("encoder.blocks.0.feed_forward_macaron"));
        QCOMPARE(groups[3].kind, prune::ChannelKind::Heads);
        QCOMPARE(groups[3].channels, int64_t(4));
        QCOMPARE(groups[4].channels, int64_t(256));
        const auto params = m->namedParameters();
        for (const auto& g : groups)
            for (const auto& s : g.slices) {
                QVERIFY2(params.find(s.parameter), s.parameter.c_str());
                QCOMPARE(params[s.parameter].size(s.dim), g.channels * s.unit);
            }
    }

    void importanceIsFeatureMapNorm()
    {
        auto m = makeModel(model::ModelType::Conformer, 2);
        const auto scores = prune::featureMapImportance(*m, {batch(3)});
        QCOMPARE(scores.at("encoder.blocks.1.feed_forward").numel(), int64_t(256));
        QCOMPARE(scores.at("encoder.blocks.1.self_attn").numel(), int64_t(4));
        QCOMPARE(scores.at("encoder.embed.conv.2").numel(), int64_t(64));
        QVERIFY((scores.at("encoder.embed.conv.0") >= 0).all().item<bool>());
        QVERIFY((scores.at("encoder.blocks.1.feed_forward") > 0).all().item<bool>());
        // A channel whose w_1 row and bias are zero produces silu(0) = 0: importance 0.
        {
            torch::NoGradGuard noGrad;
            m->namedParameters()["encoder.blocks.1.feed_forward.w_1.weight"][7].zero_();
            m->namedParameters()["encoder.blocks.1.feed_forward.w_1.bias"][7].zero_();
        }
        const auto after = prune::featureMapImportance(*m, {batch(3)});
        QCOMPARE(after.at("encoder.blocks.1.feed_forward")[7].item<float>(), 0.0f);
        const torch::Tensor old = scores.at("encoder.blocks.0.feed_forward");
        QVERIFY(torch::allclose(after.at("encoder.blocks.0.feed_forward"), old));  // earlier blocks unchanged
    }

    void keepTopChannelsDropsTheWeakest()
    {
        auto m = makeModel(model::ModelType::Conformer, 4);
        const auto groups = prune::channelGroups(*m);
        prune::ChannelScores scores;
        for (const auto& g : groups)
            scores[g.name] = torch::arange(g.channels, torch::kFloat).flip(0);  // channel 0 strongest
        const auto keep = prune::keepTopChannels(groups, scores, {{"encoder.blocks.0.feed_forward", 0.5},
                                                                  {"encoder.blocks.0.self_attn", 0.99}});
        const torch::Tensor ffn = keep.at("encoder.blocks.0.feed_forward");
        QCOMPARE(ffn.sum().item<int64_t>(), int64_t(128));
        QVERIFY(ffn.narrow(0, 0, 128).all().item<bool>());
        QCOMPARE(keep.at("encoder.blocks.0.self_attn").sum().item<int64_t>(), int64_t(1));  // one head always stays
        QVERIFY(keep.at("encoder.blocks.1.feed_forward").all().item<bool>());
        const auto fractions = prune::removedFractions(groups, keep);
        QCOMPARE(fractions.at("ffn"), 128.0 / (6 * 256));
        QCOMPARE(fractions.at("conv"), 0.0);
    }

    void shrinkKeepsMaskedOutputs_data()
    {
        QTest::addColumn<int>("type");
        QTest::newRow("conformer") << int(model::ModelType::Conformer);
        QTest::newRow("transformer") << int(model::ModelType::Transformer);
    }

    void shrinkKeepsMaskedOutputs()
    {
        QFETCH(int, type);
        auto m = makeModel(model::ModelType(type), 5);
        const auto groups = prune::channelGroups(*m);
        const auto scores = prune::featureMapImportance(*m, {batch(6)});
        std::map<std::string, double> fractions;
        for (const auto& g : groups)
            fractions[g.name] = 0.5;
        const auto keep = prune::keepTopChannels(groups, scores, fractions);
        const prune::MaskMap masks = prune::channelMasks(*m, groups, keep);
        prune::applyMasksToWeights(prune::namedTensors(m->namedParameters()), masks);

        // What shrinking keeps is read back from the weights.
        const auto live = prune::liveChannels(*m, groups);
        for (const auto& g : groups)
            QVERIFY2(torch::equal(live.at(g.name), keep.at(g.name)), g.name.c_str());

        const prune::ShrinkResult shrunk = prune::shrinkModel(*m, live);
        const model::ModelConfig& c = *shrunk.model->config();
        QCOMPARE(c.blockShape(0).ffnDim, 128);
        QCOMPARE(c.blockShape(0).heads, 2);
        QCOMPARE(c.subsamplingWidth(0), 32);
        QCOMPARE(c.subsamplingWidth(1), 32);
        QCOMPARE(shrunk.model->namedParameters()["encoder.embed.out.0.weight"].size(1), int64_t(32 * 4));  // 32 x F' 4
        QVERIFY(shrunk.parametersAfter < shrunk.parametersBefore);
        QCOMPARE(shrunk.model->parameterCount(), c.parameterCount());
        QCOMPARE(shrunk.model->namedParameters()["encoder.blocks.2.feed_forward.w_1.weight"].size(0), int64_t(128));
        QCOMPARE(shrunk.model->namedParameters()["encoder.blocks.2.self_attn.linear_out.weight"].size(1), int64_t(32));

        const prune::CalibrationBatch b = batch(7);
        const double d = maxDiff(logProbs(*m, b), logProbs(*shrunk.model, b), b.lengths);
        QVERIFY2(d < 1e-4, qPrintable(QString("max |masked - shrunk| = %1").arg(d)));

        // The shrunk config round-trips through YAML (checkpoints store it).
        const model::ModelConfig back = model::ModelConfig::fromYaml(c.toYaml(), "shrunk.yaml");
        QVERIFY(back == c);
    }

    void unstructuredMasksFollowTheShrink()
    {
        auto m = makeModel(model::ModelType::Conformer, 8);
        const auto groups = prune::channelGroups(*m);
        prune::ChannelKeep keep;
        keep["encoder.blocks.1.feed_forward"] = torch::arange(256) % 4 != 0;  // remove every fourth unit
        const std::string w2 = "encoder.blocks.1.feed_forward.w_2.weight";
        prune::MaskMap masks = {{w2, (torch::rand({64, 256}) > 0.5).to(torch::kFloat)}};
        const auto shrunk = prune::shrinkModel(*m, keep, {}, masks);
        const torch::Tensor expected = masks.at(w2).index_select(1, (torch::arange(256) % 4 != 0).nonzero().flatten());
        QVERIFY(torch::equal(shrunk.masks.at(w2), expected));
        QCOMPARE(shrunk.model->config()->blockShape(1).ffnDim, 192);
        QCOMPARE(shrunk.model->config()->blockShape(0).ffnDim, 256);
    }

    void droppedBlockIsIdentity()
    {
        auto m = makeModel(model::ModelType::Conformer, 9);
        const auto shrunk = prune::shrinkModel(*m, {}, {1});
        QCOMPARE(shrunk.model->numBlocks(), 2);
        // Block 2's weights now live at index 1.
        QVERIFY(torch::equal(shrunk.model->namedParameters()["encoder.blocks.1.feed_forward.w_1.weight"],
                             m->namedParameters()["encoder.blocks.2.feed_forward.w_1.weight"]));
        // Blocks before the dropped one compute the same; the output changes.
        const prune::CalibrationBatch b = batch(10);
        model::ForwardOptions o;
        o.blockOutputs = true;
        torch::NoGradGuard noGrad;
        const auto full = m->forward(b.features, b.lengths, o);
        const auto cut = shrunk.model->forward(b.features, b.lengths, o);
        QVERIFY(torch::allclose(full.blockOutputs[0], cut.blockOutputs[0]));
        QCOMPARE(cut.blockOutputs.size(), size_t(2));
        QVERIFY(!torch::allclose(full.logProbs, cut.logProbs));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::shrinkModel(*m, {}, {0, 1, 2}));
        QVERIFY_THROWS_EXCEPTION(InputError, prune::shrinkModel(*m, {}, {7}));
    }
};

QTEST_GUILESS_MAIN(TestStructured)
#include "test_structured.moc"
