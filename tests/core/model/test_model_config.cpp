#include "core/io/atomic_file.h"
#include "core/model/model_config.h"
#include "core/model/model_config_yaml.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <functional>

using namespace espalier;
using namespace espalier::model;

namespace {

using Mutation = std::function<void(ModelConfig&)>;

std::string wenetCmvnJson(int bins, int frames)
{
    // frame_num frames of value (bin index) with variance 4: mean = i, var = 4 -> istd = 0.5.
    std::string mean = "[", var = "[";
    for (int i = 0; i < bins; ++i) {
        mean += (i ? ", " : "") + std::to_string(double(i) * frames);
        var += (i ? ", " : "") + std::to_string((double(i) * i + 4.0) * frames);
    }
    return "{\"mean_stat\": " + mean + "], \"var_stat\": " + var + "], \"frame_num\": " + std::to_string(frames) + "}";
}

} // namespace

Q_DECLARE_METATYPE(Mutation)

class TestModelConfig : public QObject {
    Q_OBJECT

private slots:
    void presets_data()
    {
        QTest::addColumn<QString>("size");
        QTest::addColumn<int>("dim");
        QTest::addColumn<int>("blocks");
        QTest::addColumn<qint64>("minParams");
        QTest::addColumn<qint64>("maxParams");
        // Encoder sizes with a 4000-unit vocabulary (a Mandarin character set).
        QTest::newRow("tiny") << "tiny" << 64 << 2 << qint64(100'000) << qint64(1'000'000);
        QTest::newRow("small") << "small" << 144 << 8 << qint64(4'000'000) << qint64(6'500'000);
        QTest::newRow("base") << "base" << 256 << 12 << qint64(28'000'000) << qint64(36'000'000);
    }
    void presets()
    {
        QFETCH(QString, size);
        QFETCH(int, dim);
        QFETCH(int, blocks);
        QFETCH(qint64, minParams);
        QFETCH(qint64, maxParams);
        const ModelConfig c = ModelConfig::preset(size.toStdString(), ModelType::Conformer, size == "tiny" ? 100 : 4000);
        QCOMPARE(c.attentionDim, dim);
        QCOMPARE(c.numBlocks, blocks);
        QCOMPARE(c.size, size.toStdString());
        QVERIFY(c.problems().empty());
        QVERIFY2(c.parameterCount() >= minParams && c.parameterCount() <= maxParams,
                 qPrintable(QString::number(c.parameterCount())));
        const ModelConfig t = ModelConfig::preset(size.toStdString(), ModelType::Transformer, 4000);
        QCOMPARE(t.positional, PositionalEncoding::Absolute);
        QVERIFY(!t.macaron);
        QVERIFY(t.parameterCount() < ModelConfig::preset(size.toStdString(), ModelType::Conformer, 4000).parameterCount());
        QVERIFY_THROWS_EXCEPTION(InputError, ModelConfig::preset("huge"));
    }

    void problems_data()
    {
        QTest::addColumn<Mutation>("mutate");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("message");
        QTest::newRow("heads do not divide") << Mutation([](ModelConfig& c) { c.heads = 5; }) << "heads"
                                             << "5 heads do not divide attention_dim 144";
        QTest::newRow("even kernel") << Mutation([](ModelConfig& c) { c.cnnKernel = 8; }) << "cnn_kernel" << "must be odd";
        QTest::newRow("vocab unset") << Mutation([](ModelConfig& c) { c.vocabSize = 0; }) << "vocab_size" << "not set";
        QTest::newRow("vocab one") << Mutation([](ModelConfig& c) { c.vocabSize = 1; }) << "vocab_size"
                                   << "must be between 2 and";
        QTest::newRow("dropout one") << Mutation([](ModelConfig& c) { c.dropout = 1.0; }) << "dropout" << "must be in [0, 1)";
        QTest::newRow("too few bins") << Mutation([](ModelConfig& c) { c.inputDim = 5; }) << "input_dim"
                                      << "needs at least 7 bins";
        QTest::newRow("no blocks") << Mutation([](ModelConfig& c) { c.numBlocks = 0; }) << "num_blocks" << "between 1 and 256";
        QTest::newRow("absurd width") << Mutation([](ModelConfig& c) { c.ffnDim = 10'000'000; }) << "ffn_dim"
                                      << "between 1 and 65536";
        QTest::newRow("cmvn size") << Mutation([](ModelConfig& c) { c.cmvn.mean = {0, 0}, c.cmvn.istd = {1, 1}; })
                                   << "cmvn" << "has 2 means and 2 inverse deviations; input_dim is 80";
        QTest::newRow("cmvn zero istd") << Mutation([](ModelConfig& c) {
            c.cmvn.mean.assign(80, 0.0f);
            c.cmvn.istd.assign(80, 1.0f);
            c.cmvn.istd[3] = 0.0f;
        }) << "cmvn" << "istd 3 must be positive";
    }
    void problems()
    {
        QFETCH(Mutation, mutate);
        QFETCH(QString, field);
        QFETCH(QString, message);
        ModelConfig c = ModelConfig::preset("small", ModelType::Conformer, 100);
        mutate(c);
        const auto p = c.problems();
        QCOMPARE(p.size(), size_t(1));
        QCOMPARE(QString::fromStdString(p[0].field), field);
        QVERIFY2(QString::fromStdString(p[0].message).contains(message), p[0].message.c_str());
        try {
            c.validate();
            QFAIL("validate accepted a bad config");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("model config: " + field + ": "), e.what());
        }
    }

    void transformerIgnoresConformerFields()
    {
        ModelConfig c = ModelConfig::preset("tiny", ModelType::Transformer, 50);
        c.cnnKernel = 4; // not used by a transformer
        QVERIFY(c.problems().empty());
        const std::string yaml = c.toYaml();
        QVERIFY(yaml.find("cnn_kernel") == std::string::npos);
        QVERIFY(yaml.find("macaron") == std::string::npos);
    }

    void subsampledLength_data()
    {
        QTest::addColumn<qint64>("frames");
        QTest::addColumn<qint64>("expected");
        QTest::newRow("too short") << qint64(6) << qint64(0);
        QTest::newRow("minimum") << qint64(7) << qint64(1);
        QTest::newRow("8") << qint64(8) << qint64(1);
        QTest::newRow("9") << qint64(9) << qint64(1);
        QTest::newRow("11") << qint64(11) << qint64(2);
        QTest::newRow("100") << qint64(100) << qint64(24);
        QTest::newRow("5 s") << qint64(498) << qint64(123);
    }
    void subsampledLength()
    {
        QFETCH(qint64, frames);
        QFETCH(qint64, expected);
        QCOMPARE(ModelConfig::subsampledLength(frames), expected);
    }

    void yamlRoundTrip()
    {
        ModelConfig c = ModelConfig::preset("tiny", ModelType::Conformer, 321);
        c.heads = 2;
        c.ffnDim = 200;
        c.dropout = 0.15;
        c.positional = PositionalEncoding::Absolute;
        c.macaron = false;
        c.inputDim = 40;
        for (int i = 0; i < 40; ++i) {
            c.cmvn.mean.push_back(0.1f * float(i) - 1.7f);
            c.cmvn.istd.push_back(1.0f / (0.3f + 0.01f * float(i)));
        }
        const std::string yaml = c.toYaml();
        QVERIFY(yaml.rfind("espalier_model: 1\n", 0) == 0);
        QVERIFY2(yaml.find("dropout: 0.15\n") != std::string::npos, yaml.c_str());
        const ModelConfig back = ModelConfig::fromYaml(yaml, "round.yaml");
        QVERIFY2(back == c, yaml.c_str());

        QTemporaryDir dir;
        const std::string path = dir.filePath("model.yaml").toStdString();
        c.save(path);
        QVERIFY(ModelConfig::load(path) == c);
    }

    void cmvnFromWenetJson()
    {
        QTemporaryDir dir;
        io::writeFileAtomic(dir.filePath("global_cmvn").toStdString(), wenetCmvnJson(80, 1000));
        const std::string path = dir.filePath("model.yaml").toStdString();
        io::writeFileAtomic(path, "type: transformer\nsize: tiny\nvocab_size: 30\ncmvn: global_cmvn\n");
        const ModelConfig c = ModelConfig::load(path);
        QCOMPARE(c.type, ModelType::Transformer);
        QCOMPARE(c.cmvn.jsonPath, std::string("global_cmvn"));
        QCOMPARE(c.cmvn.mean.size(), size_t(80));
        QCOMPARE(c.cmvn.mean[7], 7.0f);
        QVERIFY(std::abs(c.cmvn.istd[7] - 0.5f) < 1e-6f);
        // The path, not the numbers, is written back; reading it again gives the same config.
        const std::string yaml = c.toYaml();
        QVERIFY(yaml.find("cmvn: global_cmvn") != std::string::npos);
        QVERIFY(ModelConfig::fromYaml(yaml, "again.yaml", dir.path().toStdString()) == c);
    }

    void missingFieldsComeFromThePreset()
    {
        const ModelConfig c = ModelConfig::fromYaml("size: base\nvocab_size: 10\nnum_blocks: 3\n", "m.yaml");
        QCOMPARE(c.attentionDim, 256);
        QCOMPARE(c.ffnDim, 2048);
        QCOMPARE(c.numBlocks, 3);
        // No size: small's values, and no size recorded.
        const ModelConfig d = ModelConfig::fromYaml("vocab_size: 10\n", "m.yaml");
        QCOMPARE(d.attentionDim, 144);
        QVERIFY(d.size.empty());
        // vocab_size may be left for the tokenizer, but the model cannot be built without it.
        const ModelConfig e = ModelConfig::fromYaml("type: conformer\n", "m.yaml");
        QCOMPARE(e.vocabSize, 0);
        QVERIFY_THROWS_EXCEPTION(InputError, e.validate());
    }

    void malformed_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<QString>("error");
        const QString head = "espalier_model: 1\ntype: conformer\nvocab_size: 100\n";
        QTest::newRow("not a number") << head + "heads: four\n" << "bad.yaml:4: heads: expected a whole number, got 'four'";
        QTest::newRow("fraction") << head + "num_blocks: 2.5\n" << "bad.yaml:4: num_blocks: expected a whole number";
        QTest::newRow("unknown key") << head + "atention_dim: 64\n" << "bad.yaml:4: atention_dim: unknown key";
        QTest::newRow("bad type") << "type: lstm\n" << "bad.yaml:1: type: expected conformer or transformer, got 'lstm'";
        QTest::newRow("heads do not divide") << head + "attention_dim: 64\nheads: 5\n"
                                             << "bad.yaml:5: heads: 5 heads do not divide attention_dim 64";
        QTest::newRow("even kernel") << head + "cnn_kernel: 8\n" << "bad.yaml:4: cnn_kernel: must be odd";
        QTest::newRow("dropout") << head + "dropout: 1.5\n" << "bad.yaml:4: dropout: must be in [0, 1)";
        QTest::newRow("dropout text") << head + "dropout: lots\n" << "bad.yaml:4: dropout: expected a number";
        QTest::newRow("positional") << head + "positional: rotary\n"
                                    << "bad.yaml:4: positional: expected relative or absolute";
        QTest::newRow("macaron") << head + "macaron: maybe\n" << "bad.yaml:4: macaron: expected true or false";
        QTest::newRow("size") << head + "size: huge\n" << "bad.yaml:4: size: expected tiny, small, base, got 'huge'";
        QTest::newRow("subsampling") << head + "subsampling: conv1d2\n" << "bad.yaml:4: subsampling: expected conv2d4";
        QTest::newRow("cmvn file missing") << head + "cmvn: /nonexistent/global_cmvn\n" << "bad.yaml:4: cmvn: ";
        QTest::newRow("cmvn wrong size") << head + "cmvn:\n  mean: [0, 1]\n  istd: [1, 1]\n"
                                         << "bad.yaml:5: cmvn: has 2 means and 2 inverse deviations; input_dim is 80";
        QTest::newRow("cmvn half") << head + "cmvn: {mean: [0, 1]}\n" << "bad.yaml:4: cmvn: give both mean and istd";
        QTest::newRow("cmvn bad value") << head + "cmvn:\n  mean: [0, x]\n  istd: [1, 1]\n"
                                        << "bad.yaml:5: cmvn.mean: expected a number, got 'x'";
        QTest::newRow("list for a scalar") << head + "num_blocks: [1, 2]\n"
                                           << "bad.yaml:4: num_blocks: expected a whole number, got a list";
        QTest::newRow("invalid yaml") << head + "heads: [1, 2\n" << "bad.yaml:5: invalid YAML";
        QTest::newRow("newer version") << "espalier_model: 2\n" << "bad.yaml:1: espalier_model: format version 2 is newer";
        QTest::newRow("empty") << "" << "bad.yaml: expected a model config";
        QTest::newRow("a list") << "- 1\n- 2\n" << "bad.yaml:1: expected a model config";
        QTest::newRow("preset value breaks a field") << head + "attention_dim: 90\n"
                                                      << "bad.yaml:1: heads: 4 heads do not divide attention_dim 90";
    }
    void malformed()
    {
        QFETCH(QString, yaml);
        QFETCH(QString, error);
        try {
            ModelConfig::fromYaml(yaml.toStdString(), "bad.yaml");
            QFAIL("accepted a malformed config");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith(error), e.what());
        }
    }

    void embeddedSectionKeepsLines()
    {
        const std::string text = "name: run\nsteps: 100\nmodel:\n  size: tiny\n  vocab_size: 40\n  heads: 3\n";
        const YAML::Node root = YAML::Load(text);
        try {
            modelConfigFromYaml(root["model"], "train.yaml", "");
            QFAIL("accepted heads that do not divide");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith("train.yaml:6: heads: "), e.what());
        }
        YAML::Emitter out;
        writeModelConfig(out, ModelConfig::preset("tiny", ModelType::Conformer, 40));
        const ModelConfig back = modelConfigFromYaml(YAML::Load(out.c_str()), "x", "");
        QVERIFY(back == ModelConfig::preset("tiny", ModelType::Conformer, 40));
    }

    void fp32Kinds()
    {
        const std::vector<std::string> names = defaultFp32Policy();
        const std::vector<std::string> expected = {"front_end", "layer_norm", "attention_softmax", "ctc_log_softmax",
                                                   "ctc_loss"};
        QVERIFY(names == expected);
        QVERIFY(!fp32ModuleKinds().back().inModel);
    }
};

QTEST_GUILESS_MAIN(TestModelConfig)
#include "test_model_config.moc"
