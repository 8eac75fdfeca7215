#include "core/model/parameter_info.h"

#include <QtTest>

using namespace espalier::model;
using Role = ParameterInfo::Role;

Q_DECLARE_METATYPE(Role)

class TestParameterInfo : public QObject {
    Q_OBJECT

private slots:
    void describe_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<int>("dims");
        QTest::addColumn<int>("block");
        QTest::addColumn<Role>("role");
        QTest::addColumn<bool>("prunable");
        // Espalier's own (WeNet-like) names.
        QTest::newRow("subsampling conv") << "encoder.embed.conv.0.weight" << 4 << -1 << Role::Subsampling << true;
        QTest::newRow("subsampling out") << "encoder.embed.out.0.weight" << 2 << -1 << Role::Subsampling << true;
        QTest::newRow("query") << "encoder.blocks.3.self_attn.linear_q.weight" << 2 << 3 << Role::AttentionQuery << true;
        QTest::newRow("query bias") << "encoder.blocks.3.self_attn.linear_q.bias" << 1 << 3 << Role::AttentionQuery << false;
        QTest::newRow("key") << "encoder.blocks.0.self_attn.linear_k.weight" << 2 << 0 << Role::AttentionKey << true;
        QTest::newRow("value") << "encoder.blocks.11.self_attn.linear_v.weight" << 2 << 11 << Role::AttentionValue << true;
        QTest::newRow("output") << "encoder.blocks.1.self_attn.linear_out.weight" << 2 << 1 << Role::AttentionOutput << true;
        QTest::newRow("position") << "encoder.blocks.1.self_attn.linear_pos.weight" << 2 << 1 << Role::AttentionPosition << true;
        QTest::newRow("position bias") << "encoder.blocks.1.self_attn.pos_bias_u" << 2 << 1 << Role::Other << false;
        QTest::newRow("ffn in") << "encoder.blocks.2.feed_forward.w_1.weight" << 2 << 2 << Role::FeedForwardIn << true;
        QTest::newRow("ffn out") << "encoder.blocks.2.feed_forward.w_2.weight" << 2 << 2 << Role::FeedForwardOut << true;
        QTest::newRow("macaron in") << "encoder.blocks.2.feed_forward_macaron.w_1.weight" << 2 << 2 << Role::MacaronIn << true;
        QTest::newRow("macaron out") << "encoder.blocks.2.feed_forward_macaron.w_2.bias" << 1 << 2 << Role::MacaronOut << false;
        QTest::newRow("pointwise in") << "encoder.blocks.4.conv_module.pointwise_conv1.weight" << 2 << 4
                                      << Role::ConvPointwiseIn << true;
        QTest::newRow("depthwise") << "encoder.blocks.4.conv_module.depthwise_conv.weight" << 3 << 4 << Role::ConvDepthwise << true;
        QTest::newRow("pointwise out") << "encoder.blocks.4.conv_module.pointwise_conv2.weight" << 2 << 4
                                       << Role::ConvPointwiseOut << true;
        QTest::newRow("conv norm") << "encoder.blocks.4.conv_module.norm.weight" << 1 << 4 << Role::Other << false;
        QTest::newRow("block norm") << "encoder.blocks.4.norm_mha.weight" << 1 << 4 << Role::Other << false;
        QTest::newRow("final norm") << "encoder.after_norm.weight" << 1 << -1 << Role::Other << false;
        QTest::newRow("head") << "ctc.ctc_lo.weight" << 2 << -1 << Role::Head << true;
        QTest::newRow("head bias") << "ctc.ctc_lo.bias" << 1 << -1 << Role::Head << false;
        // WeNet, torch.nn.TransformerEncoder and other common namings.
        QTest::newRow("wenet encoders") << "encoder.encoders.5.self_attn.linear_k.weight" << 2 << 5 << Role::AttentionKey << true;
        QTest::newRow("torch fused qkv") << "encoder.layers.1.self_attn.in_proj_weight" << 2 << 1 << Role::AttentionQkv << true;
        QTest::newRow("torch out_proj") << "encoder.layers.1.self_attn.out_proj.weight" << 2 << 1 << Role::AttentionOutput << true;
        QTest::newRow("torch linear1") << "encoder.layers.1.linear1.weight" << 2 << 1 << Role::FeedForwardIn << true;
        QTest::newRow("torch linear2") << "encoder.layers.1.linear2.weight" << 2 << 1 << Role::FeedForwardOut << true;
        QTest::newRow("q_proj") << "model.layer.7.attention.q_proj.weight" << 2 << 7 << Role::AttentionQuery << true;
        QTest::newRow("glued index") << "enc.layers_3.attn.linear_v.weight" << 2 << 3 << Role::AttentionValue << true;
        QTest::newRow("glued block") << "enc.block12.ffn.fc1.weight" << 2 << 12 << Role::FeedForwardIn << true;
        QTest::newRow("out without attention") << "encoder.blocks.0.mlp.linear_out.weight" << 2 << 0 << Role::Other << true;
        QTest::newRow("unknown matrix") << "proj.weight" << 2 << -1 << Role::Other << true;
        QTest::newRow("plain tensor") << "scale" << 0 << -1 << Role::Other << false;
    }
    void describe()
    {
        QFETCH(QString, name);
        QFETCH(int, dims);
        QFETCH(int, block);
        QFETCH(Role, role);
        QFETCH(bool, prunable);
        const std::vector<int64_t> shape(size_t(dims), 4);
        const ParameterInfo info = describeParameter(name.toStdString(), shape);
        QCOMPARE(info.name, name.toStdString());
        QCOMPARE(info.block, block);
        QCOMPARE(roleNames().name(info.role), roleNames().name(role));
        QCOMPARE(info.prunable, prunable);
        QVERIFY(info.shape == shape);
        QCOMPARE(info.numel(), dims == 0 ? qint64(1) : qint64(std::pow(4, dims)));
    }

    void layerIsTheOwningModule()
    {
        QCOMPARE(describeParameter("encoder.blocks.3.self_attn.linear_q.weight", {4, 4}).layer,
                 std::string("encoder.blocks.3.self_attn.linear_q"));
        QCOMPARE(describeParameter("scale", {}).layer, std::string());
    }

    void roleNamesRoundTrip()
    {
        QCOMPARE(int(roleNames().values().size()), int(Role::Other) + 1);
        QStringList seen;
        for (Role role : roleNames().values()) {
            const QString name = roleNames().name(role);
            QVERIFY(!seen.contains(name));
            seen << name;
            QCOMPARE(roleNames().parse(name.toStdString()), std::optional<Role>(role));
            QVERIFY(QString(roleLabel(role)).size() > 2);
        }
        QCOMPARE(QString(roleGroup(Role::MacaronOut)), QString("feed_forward"));
        QCOMPARE(QString(roleGroup(Role::AttentionPosition)), QString("attention"));
        QCOMPARE(QString(roleGroup(Role::ConvDepthwise)), QString("conv"));
        QVERIFY(!roleNames().parse("attention"));
    }
};

QTEST_GUILESS_MAIN(TestParameterInfo)
#include "test_parameter_info.moc"
