// The cross-built aarch64 espalier-run, run under qemu-aarch64 (correctness, not timing): its NEON
// kernels pass the self-check on one and several threads; it reads the same models; on the same WAV
// its log-probabilities equal LibTorch's within 1e-4 and the host runner's, with identical greedy
// transcripts, dense and CSR; its bench JSON is whole; a damaged model is exit 2, as on the host.
#include "core/audio/audio_file.h"
#include "core/runtime/fbank.h"
#include "core/runtime/wav_reader.h"
#include "tests/core/deploy/deploy_test_util.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <cstring>

using namespace espalier;

namespace {

struct Run {
    int exitCode = -1;
    QByteArray out, err;
};

Run runProgram(const QStringList& command, int timeoutMs = 180000)
{
    QProcess p;
    p.start(command.first(), command.mid(1));
    Run r;
    if (!p.waitForFinished(timeoutMs) || p.exitStatus() != QProcess::NormalExit)
        return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

QStringList aarch64(const QStringList& args)
{
    return QStringList{ESPALIER_QEMU_AARCH64, ESPALIER_AARCH64_RUNNER} + args;
}

QStringList host(const QStringList& args)
{
    return QStringList{ESPALIER_RUN} + args;
}

std::vector<float> readFloats(const QString& path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return {};
    const QByteArray bytes = f.readAll();
    std::vector<float> v(size_t(bytes.size()) / sizeof(float));
    std::memcpy(v.data(), bytes.constData(), v.size() * sizeof(float));
    return v;
}

double maxAbsDiff(const std::vector<float>& a, const std::vector<float>& b)
{
    if (a.size() != b.size() || a.empty())
        return 1e9;
    double worst = 0.0;
    for (size_t i = 0; i < a.size(); ++i)
        worst = std::max(worst, double(std::abs(a[i] - b[i])));
    return worst;
}

} // namespace

class TestAarch64Runner : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString wav_;

private slots:
    void initTestCase()
    {
        audio::Audio a;
        a.sampleRate = 16000;
        for (int i = 0; i < 16000; ++i)
            a.samples.push_back(float(0.3 * std::sin(2.0 * M_PI * (150.0 + 2500.0 * i / 16000.0) * i / 16000.0)));
        wav_ = dir_.filePath("sweep.wav");
        audio::writeWav(wav_.toStdString(), a);
    }

    void selfcheckOnNeon()
    {
        const Run r = runProgram(aarch64({"selfcheck"}));
        QVERIFY2(r.exitCode == 0, r.out.constData());
        QVERIFY2(r.out.contains("ok:") && r.out.contains("neon"), r.out.constData());
        const Run device = runProgram(aarch64({"device", "--json"}));
        QCOMPARE(QJsonDocument::fromJson(device.out).object()["device"].toObject()["arch"].toString(), QString("aarch64"));
    }

    void logProbabilitiesMatch_data()
    {
        QTest::addColumn<bool>("sparse");
        QTest::addColumn<QString>("threads");
        QTest::newRow("dense") << false << "1";
        QTest::newRow("csr") << true << "1";
        QTest::newRow("csr, 3 threads") << true << "3";
    }

    void logProbabilitiesMatch()
    {
        QFETCH(bool, sparse);
        QFETCH(QString, threads);
        auto m = deploytest::makeModel(model::ModelType::Conformer, 21);
        if (sparse)
            deploytest::sparsify(*m, 0.7);
        const std::string name = sparse ? "sparse" : "dense";
        const std::string ckpt = deploytest::saveAsCheckpoint(*m, dir_.filePath(QString::fromStdString(name) + ".pt").toStdString());
        deploy::ExportOptions options;
        options.policy = sparse ? deploy::SparsePolicy::Csr : deploy::SparsePolicy::Dense;
        const QString espm = dir_.filePath(QString::fromStdString(name) + ".espm");
        deploy::exportEspm(ckpt, espm.toStdString(), options);

        const QString armOut = dir_.filePath("arm.f32"), hostOut = dir_.filePath("host.f32");
        const Run arm = runProgram(aarch64({"transcribe", espm, wav_, "--threads", threads, "--logprobs", armOut, "--json"}));
        QVERIFY2(arm.exitCode == 0, arm.err.constData());
        const Run native = runProgram(host({"transcribe", espm, wav_, "--logprobs", hostOut, "--json"}));
        QVERIFY2(native.exitCode == 0, native.err.constData());
        const QJsonObject a = QJsonDocument::fromJson(arm.out).object(), h = QJsonDocument::fromJson(native.out).object();
        QCOMPARE(a["text"].toString(), h["text"].toString());
        QCOMPARE(a["frames"].toInt(), h["frames"].toInt());

        // LibTorch on the same features (the runtime's fbank with the model's front end).
        const runtime::WavData wav = runtime::readWav(wav_.toStdString());
        runtime::FbankOptions fo;
        fo.numMelBins = deploytest::kBins;
        runtime::Fbank fbank(fo);
        const runtime::FeatureMatrix f = fbank.compute(wav.samples);
        torch::Tensor logProbs;
        {
            torch::NoGradGuard noGrad;
            const torch::Tensor x = torch::from_blob(const_cast<float*>(f.data.data()), {1, f.frames, f.bins}).clone();
            logProbs = m->forward(x, torch::tensor({int64_t(f.frames)})).logProbs[0].contiguous();
        }
        const std::vector<float> reference(logProbs.data_ptr<float>(), logProbs.data_ptr<float>() + logProbs.numel());
        const std::vector<float> armProbs = readFloats(armOut);
        QVERIFY2(maxAbsDiff(armProbs, reference) < 1e-4, qPrintable(QString::number(maxAbsDiff(armProbs, reference))));
        QVERIFY2(maxAbsDiff(armProbs, readFloats(hostOut)) < 1e-4, "aarch64 and host runners differ");
    }

    void benchAndDamage()
    {
        const QString espm = dir_.filePath("sparse.espm");
        const Run bench = runProgram(aarch64({"bench", espm, "--frames", "40", "--runs", "2", "--warmup", "0", "--json"}));
        QVERIFY2(bench.exitCode == 0, bench.err.constData());
        const QJsonObject o = QJsonDocument::fromJson(bench.out).object();
        QCOMPARE(o["kernel"].toString(), QString("neon"));
        QCOMPARE(o["latencies_ms"].toArray().size(), 2);
        QVERIFY(o["layers_ms"].toObject().contains("blocks.0.attention"));
        QVERIFY(o["bytes_per_inference"].toDouble() > 0);
        QFile::copy(espm, dir_.filePath("cut.espm"));
        QFile cut(dir_.filePath("cut.espm"));
        QVERIFY(cut.open(QIODevice::ReadWrite));
        cut.resize(cut.size() - 100);
        cut.close();
        const Run damaged = runProgram(aarch64({"info", dir_.filePath("cut.espm")}));
        QCOMPARE(damaged.exitCode, 2);
        QVERIFY2(damaged.err.contains("cut.espm"), damaged.err.constData());
    }
};

QTEST_GUILESS_MAIN(TestAarch64Runner)
#include "test_aarch64_runner.moc"
