// Pipelines: presets carry reference.md's numbers, runs are reproducible per seed and per op
// (locking and editing one op leaves the others' draws alone), YAML round-trips, malformed files are
// rejected at load with file, line and field, and editing keeps waveform ops before feature ops.
#include "core/augment/op_registry.h"
#include "core/augment/ops/spec_augment.h"
#include "core/augment/pipeline.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <QDir>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>

using namespace espalier;
using namespace espalier::augment;

namespace {

Signal makeSignal(double seconds, int rate = 16000)
{
    Signal s;
    s.sampleRate = rate;
    const size_t n = size_t(seconds * rate);
    runtime::SeededRandom random(3);
    for (size_t i = 0; i < n; ++i) {
        const double t = double(i) / rate;
        s.samples.push_back(float(0.3 * std::sin(2 * M_PI * (180 + 60 * t) * t) * (0.6 + 0.4 * std::sin(2 * M_PI * 3 * t))
                                  + 0.01 * random.normal()));
    }
    return s;
}

const SpecAugmentOp& specAugment(const Pipeline& p)
{
    for (size_t i = 0; i < p.size(); ++i)
        if (const auto* op = dynamic_cast<const SpecAugmentOp*>(&p.op(i)))
            return *op;
    throw std::logic_error("no spec_augment op");
}

bool sameRecord(const AppliedOp& a, const AppliedOp& b)
{
    return a.type == b.type && a.index == b.index && a.applied == b.applied && a.values == b.values
           && a.labels == b.labels && a.masks == b.masks;
}

// The drawn part of a record: values not named *_measured, labels and masks.
bool sameDraw(const AppliedOp& a, const AppliedOp& b)
{
    auto drawn = [](const AppliedOp& r) {
        std::vector<std::pair<std::string, double>> v;
        for (const auto& e : r.values)
            if (e.first.find("_measured") == std::string::npos)
                v.push_back(e);
        return v;
    };
    return a.applied == b.applied && drawn(a) == drawn(b) && a.labels == b.labels && a.masks == b.masks;
}

const char* kMixed = "espalier_augment: 1\n"
                     "name: mixed\n"
                     "ops:\n"
                     "  - {type: gain, p: 1, db: [-6, 6]}\n"
                     "  - {type: noise, p: 1, snr_db: [5, 20], source: [white, pink]}\n"
                     "  - {type: spec_augment, p: 1, freq_masks: 2, freq_width: 10, time_masks: 3, time_width: 20}\n";

} // namespace

class TestPipeline : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;

private slots:
    void presetsHaveReferenceNumbers()
    {
        QCOMPARE(Pipeline::presetNames(),
                 (std::vector<std::string>{"wenet-aishell", "espnet-nemo", "wenet-aishell+speed", "seed-full"}));
        const auto wenet = specAugment(Pipeline::preset("wenet-aishell")).config();
        QCOMPARE(wenet.freqMasks, 2);
        QCOMPARE(wenet.freqWidth, 10);
        QCOMPARE(wenet.timeMasks, 2);
        QCOMPARE(wenet.timeWidth, 50);
        QVERIFY(!wenet.useRatio);
        QCOMPARE(wenet.timeWarp, 0);
        QVERIFY(wenet.fill == SpecAugmentOp::Fill::Zero);

        const auto espnet = specAugment(Pipeline::preset("espnet-nemo")).config();
        QCOMPARE(espnet.freqMasks, 2);
        QCOMPARE(espnet.freqWidth, 27);
        QCOMPARE(espnet.timeMasks, 10);
        QVERIFY(espnet.useRatio);
        QCOMPARE(espnet.timeWidthRatio, 0.05);
        QCOMPARE(espnet.timeWarp, 5);

        const Pipeline speed = Pipeline::preset("wenet-aishell+speed");
        QCOMPARE(speed.size(), size_t(2));
        QCOMPARE(speed.op(0).type(), std::string("speed"));
        QCOMPARE(std::get<std::vector<double>>(speed.op(0).params().at("factors")), (std::vector<double>{0.9, 1.0, 1.1}));
        QCOMPARE(specAugment(speed).config().freqWidth, 10);
        QCOMPARE(speed.fbankOptions().numMelBins, 80);
        QCOMPARE(speed.fbankOptions().dither, 0.0f);

        const Pipeline full = Pipeline::preset("seed-full");
        std::vector<std::string> types;
        for (size_t i = 0; i < full.size(); ++i)
            types.push_back(full.op(i).type());
        QCOMPARE(types, (std::vector<std::string>{"speed", "crop", "gain", "noise", "reverb", "spec_augment"}));
        QCOMPARE(std::get<std::vector<double>>(full.op(3).params().at("snr_db")), (std::vector<double>{0, 20}));
        QCOMPARE(full.op(4).probability(), 0.5);

        try {
            Pipeline::preset("kaldi");
            QFAIL("unknown preset accepted");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("wenet-aishell+speed"));
        }
    }

    void sameSeedSameOutputOtherSeedDiffers()
    {
        const Pipeline p = Pipeline::preset("seed-full");
        const Signal in = makeSignal(1.5);
        const PipelineResult a = p.run(in, 42);
        const PipelineResult b = p.run(in, 42);
        QCOMPARE(a.output.samples, b.output.samples);
        QCOMPARE(a.output.features.data, b.output.features.data);
        QCOMPARE(a.applied.size(), p.size());
        for (size_t i = 0; i < p.size(); ++i) {
            QVERIFY(sameRecord(a.applied[i], b.applied[i]));
            QCOMPARE(a.applied[i].index, int(i));
        }
        int differing = 0;
        for (std::uint64_t seed = 43; seed < 48; ++seed) {
            const PipelineResult c = p.run(in, seed);
            differing += c.output.features.data != a.output.features.data;
        }
        QCOMPARE(differing, 5);
        QCOMPARE(in.samples, makeSignal(1.5).samples);  // the input is not touched
    }

    void featuresComputedWithThePipelinesFbank()
    {
        Pipeline p = Pipeline::fromYaml("espalier_augment: 1\nfeatures: {num_mel_bins: 40}\n"
                                        "ops:\n  - {type: gain, db: [3, 3]}\n",
                                        "f.yaml");
        const Signal in = makeSignal(1.0);
        const PipelineResult r = p.run(in, 1);
        QCOMPARE(r.output.features.bins, 40);
        runtime::Fbank fbank(p.fbankOptions());
        const runtime::FeatureMatrix expected = fbank.compute(r.output.samples);
        QCOMPARE(r.output.features.frames, expected.frames);
        QCOMPARE(r.output.features.data, expected.data);  // at the end, of the augmented waveform

        // Input at another rate is resampled to the pipeline's rate first.
        const PipelineResult r8 = p.run(makeSignal(1.0, 8000), 1);
        QCOMPARE(r8.output.sampleRate, 16000);
        QVERIFY(std::abs(int(r8.output.samples.size()) - 16000) <= 2);
    }

    void lockingOneOpKeepsItsDraw()
    {
        const Pipeline p = Pipeline::fromYaml(kMixed, "mixed.yaml");
        const Signal in = makeSignal(2.0);
        const PipelineResult base = p.run(in, 7);
        for (size_t locked = 0; locked < p.size(); ++locked) {
            for (std::uint64_t seed = 100; seed < 104; ++seed) {
                const PipelineResult r = p.run(in, seed, {{locked, base.applied[locked]}});
                QVERIFY(sameDraw(r.applied[locked], base.applied[locked]));
                for (size_t other = 0; other < p.size(); ++other)
                    if (other != locked)
                        QVERIFY2(!sameDraw(r.applied[other], base.applied[other]), qPrintable(QString::number(other)));
            }
        }
        // Locking every op reproduces the run exactly, whatever the seed.
        std::map<size_t, AppliedOp> all;
        for (size_t i = 0; i < p.size(); ++i)
            all[i] = base.applied[i];
        const PipelineResult replay = p.run(in, 999, all);
        QCOMPARE(replay.output.samples, base.output.samples);
        QCOMPARE(replay.output.features.data, base.output.features.data);
    }

    void changingOneOpLeavesOthersDrawsUnchanged()
    {
        const Pipeline a = Pipeline::fromYaml(kMixed, "mixed.yaml");
        Pipeline b = a;
        b.replace(0, {{"db", std::vector<double>{-1, 1}}}, 0.7);
        QCOMPARE(b.op(0).probability(), 0.7);
        QCOMPARE(a.op(0).probability(), 1.0);  // the copy is deep
        const Signal in = makeSignal(1.0);
        for (std::uint64_t seed = 1; seed < 6; ++seed) {
            const PipelineResult ra = a.run(in, seed);
            const PipelineResult rb = b.run(in, seed);
            QVERIFY(sameDraw(ra.applied[1], rb.applied[1]));
            QVERIFY(sameDraw(ra.applied[2], rb.applied[2]));
            QVERIFY(!ra.applied[2].masks.empty());
        }
    }

    void probabilitySkipsAreRecorded()
    {
        const Pipeline p = Pipeline::fromYaml(
            "espalier_augment: 1\nops:\n  - {type: gain, p: 0.3, db: [-6, 6]}\n  - {type: spec_augment, p: 0}\n", "p.yaml");
        const Signal in = makeSignal(0.5);
        int applied = 0;
        for (std::uint64_t seed = 0; seed < 200; ++seed) {
            const PipelineResult r = p.run(in, seed);
            QVERIFY(!r.applied[1].applied);
            QVERIFY(r.applied[1].masks.empty());
            if (r.applied[0].applied) {
                ++applied;
                QVERIFY(r.applied[0].hasValue("gain_db"));
            } else {
                QVERIFY(r.applied[0].values.empty());
                QCOMPARE(r.output.samples, in.samples);
            }
        }
        QVERIFY2(applied > 40 && applied < 80, qPrintable(QString::number(applied)));
    }

    void yamlRoundTrip()
    {
        for (const std::string& name : Pipeline::presetNames()) {
            const Pipeline p = Pipeline::preset(name);
            const std::string yaml = p.toYaml();
            const Pipeline q = Pipeline::fromYaml(yaml, "again.yaml");
            QCOMPARE(q.toYaml(), yaml);
            QCOMPARE(q.name(), name);
            QCOMPARE(q.size(), p.size());
            for (size_t i = 0; i < p.size(); ++i) {
                QVERIFY(q.op(i).params() == p.op(i).params());
                QCOMPARE(q.op(i).probability(), p.op(i).probability());
            }
        }
        // Numbers that have no short decimal form come back bit for bit; odd names are quoted.
        Pipeline p;
        p.setName("my: \"pipeline\" #1");
        runtime::FbankOptions f;
        f.numMelBins = 64;
        f.dither = 0.1f;
        f.lowFreq = 33.3f;
        f.snipEdges = false;
        p.setFbankOptions(f);
        p.insert(0, "gain", {{"db", std::vector<double>{-1.0 / 3.0, 2e-7}}}, 1.0 / 7.0);
        p.insert(1, "spec_augment", {{"time_width_ratio", 0.1 + 0.2}, {"freq_width", 64.0}}, 0.9);
        const std::string yaml = p.toYaml();
        const Pipeline q = Pipeline::fromYaml(yaml, "odd.yaml");
        QCOMPARE(q.name(), p.name());
        QCOMPARE(q.op(0).probability(), 1.0 / 7.0);
        QVERIFY(q.op(0).params() == p.op(0).params());
        QVERIFY(q.op(1).params() == p.op(1).params());
        QCOMPARE(q.fbankOptions().numMelBins, 64);
        QCOMPARE(q.fbankOptions().dither, 0.1f);
        QCOMPARE(q.fbankOptions().lowFreq, 33.3f);
        QCOMPARE(q.fbankOptions().snipEdges, false);
        QCOMPARE(q.toYaml(), yaml);

        // save() and load() through a file; relative paths resolve against its folder.
        const std::string path = QDir(tmp_.path()).filePath("sub/p.yaml").toStdString();
        QDir().mkpath(tmp_.filePath("sub"));
        p.save(path);
        const Pipeline loaded = Pipeline::load(path);
        QCOMPARE(loaded.toYaml(), yaml);
        QCOMPARE(QDir(QString::fromStdString(loaded.baseDir())).absolutePath(), QDir(tmp_.filePath("sub")).absolutePath());
    }

    void malformedPipelinesRejected_data()
    {
        QTest::addColumn<QString>("yaml");
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("expected");
        const QString head = "espalier_augment: 1\nname: bad\nops:\n";
        QTest::newRow("negative width") << head + "  - {type: spec_augment, freq_width: -3}\n" << 4 << "'freq_width'";
        QTest::newRow("negative time width")
            << head + "  - {type: gain}\n  - type: spec_augment\n    time_width: -5\n" << 6 << "'time_width'";
        QTest::newRow("snr nan") << head + "  - {type: noise, snr_db: .nan}\n" << 4 << "'snr_db'";
        QTest::newRow("masks wider than bins")
            << "espalier_augment: 1\nfeatures: {num_mel_bins: 40}\nops:\n  - {type: spec_augment, freq_width: 50}\n" << 4
            << "only 40 mel bins";
        QTest::newRow("missing noise file")
            << head + "  - {type: noise, source: [file], noise_manifest: no-such-noise.list}\n" << 4 << "no-such-noise.list";
        QTest::newRow("unknown op") << head + "  - {type: speed}\n  - {type: warp}\n" << 5 << "unknown op type 'warp'";
        QTest::newRow("unknown op lists known") << head + "  - {type: warp}\n" << 4 << "spec_augment";
        QTest::newRow("unknown top key") << "espalier_augment: 1\nops: []\nopts: 3\n" << 3 << "opts";
        QTest::newRow("unknown op param") << head + "  - {type: gain, dbs: 3}\n" << 4 << "unknown parameter 'dbs'";
        QTest::newRow("p above 1") << head + "  - {type: gain, p: 1.5}\n" << 4 << "[0, 1]";
        QTest::newRow("p not a number") << head + "  - {type: gain, p: often}\n" << 4 << "op 1 (gain): 'p' must be a probability";
        QTest::newRow("waveform after spec_augment")
            << head + "  - {type: spec_augment}\n  - {type: speed}\n" << 5 << "put every waveform op before";
        QTest::newRow("bad yaml syntax") << head + "  - {type: gain, db: [1, 2}\n" << 4 << "invalid YAML";
        QTest::newRow("bad indentation") << "espalier_augment: 1\nops:\n  - type: gain\n   db: 3\n" << 4 << "invalid YAML";
        QTest::newRow("newer format") << "espalier_augment: 2\nops: []\n" << 1 << "newer than this Espalier reads";
        QTest::newRow("missing version") << "name: x\nops: []\n" << 1 << "espalier_augment: missing";
        QTest::newRow("missing type") << head + "  - {p: 0.5}\n" << 4 << "'type' is missing";
        QTest::newRow("op not a map") << head + "  - speed\n" << 4 << "expected a map";
        QTest::newRow("bad fbank option") << "espalier_augment: 1\nfeatures: {num_mel_bin: 80}\nops: []\n" << 2
                                          << "features.num_mel_bin";
        QTest::newRow("bad fbank value") << "espalier_augment: 1\nfeatures:\n  num_mel_bins: -4\nops: []\n" << 3
                                         << "features";
        QTest::newRow("block op: line of the field")
            << head + "  - type: noise\n    p: 0.5\n    snr_db: [5, .nan]\n" << 6 << "op 1 (noise): 'snr_db'";
        QTest::newRow("block op: p line") << head + "  - type: gain\n    db: 3\n    p: -1\n" << 6 << "'p' must be within";
        QTest::newRow("map as value") << head + "  - {type: gain, db: {lo: 1}}\n" << 4 << "'db' must be a number";
        QTest::newRow("bad factor") << head + "  - {type: speed, factors: [0.9, fast]}\n" << 4 << "'factors'";
    }
    void malformedPipelinesRejected()
    {
        QFETCH(QString, yaml);
        QFETCH(int, line);
        QFETCH(QString, expected);
        try {
            Pipeline::fromYaml(yaml.toStdString(), "bad.yaml", tmp_.path().toStdString());
            QFAIL("accepted");
        } catch (const InputError& e) {
            const QString message = e.what();
            QVERIFY2(message.startsWith(QString("bad.yaml:%1: ").arg(line)), e.what());
            QVERIFY2(message.contains(expected), e.what());
            QVERIFY2(!message.contains('\n'), e.what());
        }
    }

    void loadNamesTheFile()
    {
        const QString path = tmp_.filePath("broken.yaml");
        io::writeFileAtomic(path.toStdString(), "espalier_augment: 1\nops:\n  - {type: gain, p: 2}\n");
        try {
            Pipeline::load(path.toStdString());
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).startsWith(path + ":3: "), e.what());
        }
        QVERIFY_THROWS_EXCEPTION(IoError, Pipeline::load(tmp_.filePath("absent.yaml").toStdString()));
    }

    void editingKeepsWaveformOpsFirst()
    {
        Pipeline p = Pipeline::preset("wenet-aishell+speed");
        const std::string before = p.toYaml();
        QVERIFY_THROWS_EXCEPTION(InputError, p.insert(2, "gain", {}));
        QVERIFY_THROWS_EXCEPTION(InputError, p.move(0, 1));
        QVERIFY_THROWS_EXCEPTION(InputError, p.insert(0, "no_such_op", {}));
        QVERIFY_THROWS_EXCEPTION(InputError, p.insert(0, "gain", {}, 1.5));
        QVERIFY_THROWS_EXCEPTION(InputError, p.replace(1, {{"freq_width", -1.0}}, 1.0));
        QCOMPARE(p.toYaml(), before);  // failed edits change nothing

        p.insert(1, "gain", {{"db", std::vector<double>{-3, 3}}});
        QCOMPARE(p.op(1).type(), std::string("gain"));
        p.move(1, 0);
        QCOMPARE(p.op(0).type(), std::string("gain"));
        QCOMPARE(p.op(1).type(), std::string("speed"));
        p.remove(0);
        QCOMPARE(p.toYaml(), before);

        // Fewer bins than a mask is wide: rejected, pipeline unchanged.
        runtime::FbankOptions small = p.fbankOptions();
        small.numMelBins = 8;
        QVERIFY_THROWS_EXCEPTION(InputError, p.setFbankOptions(small));
        QCOMPARE(p.fbankOptions().numMelBins, 80);
    }

    void registryListsEveryType()
    {
        std::vector<std::string> names;
        for (const auto& t : opTypes()) {
            names.push_back(t.name);
            QVERIFY(!t.description.empty());
            QVERIFY(!opParamSpecs(t.name).empty());
        }
        QCOMPARE(names, (std::vector<std::string>{"speed", "tempo", "crop", "gain", "noise", "reverb", "spec_augment"}));
        QVERIFY(opTypes().back().domain == Domain::Features);
        QVERIFY_THROWS_EXCEPTION(InputError, opParamSpecs("warp"));
        OpContext context;
        const auto op = createOp("spec_augment", {}, context);
        QCOMPARE(op->type(), std::string("spec_augment"));
    }

    void utteranceSeedsDiffer()
    {
        QVERIFY(Pipeline::utteranceSeed(1, 0) != Pipeline::utteranceSeed(1, 1));
        QVERIFY(Pipeline::utteranceSeed(1, 0) != Pipeline::utteranceSeed(2, 0));
        QCOMPARE(Pipeline::utteranceSeed(5, 9), Pipeline::utteranceSeed(5, 9));
    }
};

QTEST_GUILESS_MAIN(TestPipeline)
#include "test_pipeline.moc"
