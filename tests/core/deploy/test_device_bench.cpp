// The benchmark protocol on real devices of this machine — the local one and, where qemu-user is
// installed, the emulated aarch64 one — with real exported models: every (round, input, model)
// measured, the models' order reversed every other round, latency samples streamed as metric points,
// the session saved in the project and in the model's run and read back, the seed's table built from
// it; cancelling keeps what was measured; bad settings are named before anything runs.
#include "core/audio/audio_file.h"
#include "core/deploy/bench_inputs.h"
#include "core/deploy/bench_job.h"
#include "core/deploy/latency_table.h"
#include "core/deploy/process.h"
#include "core/job/shell_quote.h"
#include "core/job/job.h"
#include "core/runtime/error.h"
#include "tests/core/deploy/deploy_test_util.h"

#include <QDir>
#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <cmath>
#include <fstream>
#include <future>
#include <mutex>

using namespace espalier;

namespace {

class Collector : public job::JobObserver {
public:
    void onMetric(const job::MetricPoint& p) override
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (p.series == "latency_ms")
            latencies.push_back(p);
    }
    std::mutex mutex_;
    std::vector<job::MetricPoint> latencies;
};

// A Kaldi-style test split of tone sweeps: dir/<name>/{wav.scp,text}.
std::string writeSplit(const std::string& dir, const std::string& name, int count)
{
    QDir().mkpath(QString::fromStdString(dir + "/" + name));
    std::ofstream scp(dir + "/" + name + "/wav.scp"), text(dir + "/" + name + "/text");
    for (int u = 0; u < count; ++u) {
        audio::Audio a;
        a.sampleRate = 16000;
        const int n = 16000 * (u + 1) / 2;
        for (int i = 0; i < n; ++i)
            a.samples.push_back(float(0.3 * std::sin(2.0 * M_PI * (200.0 + 3000.0 * i / n) * i / 16000.0)));
        const std::string wav = dir + "/" + name + "/u" + std::to_string(u) + ".wav";
        audio::writeWav(wav, a);
        scp << "u" << u << " " << wav << "\n";
        text << "u" << u << " 一二\n";
    }
    return dir + "/" + name;
}

} // namespace

class TestDeviceBench : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    std::string project_, dense_, sparse_, run_;

    deploy::BenchSettings settings(std::vector<deploy::BenchInput> inputs) const
    {
        deploy::BenchSettings s;
        s.inputs = std::move(inputs);
        s.warmup = 1;
        s.runs = 3;
        s.rounds = 2;
        s.cooldownSeconds = 0.1;
        return s;
    }

private slots:
    void initTestCase()
    {
        project_ = dir_.path().toStdString();
        dense_ = deploytest::exportTinyModel(project_, "dense", false);
        sparse_ = deploytest::exportTinyModel(project_, "sparse", true);
        // A run folder holding the sparse model's checkpoint: the job exports it, timed on the device.
        run_ = project_ + "/runs/sparse-run";
        QDir().mkpath(QString::fromStdString(run_ + "/checkpoints"));
        QVERIFY(QFile::copy(QString::fromStdString(project_ + "/sparse.pt"), QString::fromStdString(run_ + "/checkpoints/best.pt")));
        deploy::DeviceRegistry r = deploy::DeviceRegistry::load(project_);
        deploy::DeviceSpec local;
        local.name = "here";
        r.add(local);
        deploy::DeviceSpec emu;
        emu.name = "emu";
        emu.kind = deploy::DeviceKind::Emulated;
        r.add(emu);
        r.save();
    }

    void localDeviceBenchmark()
    {
        const std::string split = writeSplit(project_ + "/corpus", "test_clean", 3);
        const deploy::BenchInput wavs = deploy::testSetInput(split, 2);
        QCOMPARE(QString::fromStdString(wavs.name), QString("test_clean"));
        QVERIFY(wavs.wavs.empty());  // picked when the benchmark runs
        deploy::DeviceBenchJob job(project_, "here", {{dense_, "dense"}, {run_, "pruned"}},
                                   settings({deploy::featuresInput(60), wavs}), deploy::exportForDevice);
        QCOMPARE(QString::fromStdString(job::shellJoin(job.cliCommand())).contains("--test-set"), true);
        Collector collector;
        job::CancellationToken token;
        const job::JobResult result = job::runJob(job, &collector, token);
        QVERIFY2(result.outcome == job::JobOutcome::Succeeded, result.message.c_str());
        const deploy::BenchSession& s = job.session();
        QVERIFY(s.complete);
        QCOMPARE(s.settings.inputs[1].wavs.size(), size_t(2));  // the shortest and the longest utterance
        QVERIFY(QFileInfo(QString::fromStdString(s.settings.inputs[1].wavs[1])).fileName().startsWith("u2-"));
        QCOMPARE(s.measurements.size(), size_t(2 * 2 * 2));
        // Round 0: dense then pruned; round 1 reversed — per input.
        QCOMPARE(QString::fromStdString(s.measurements[0].model), QString("dense"));
        QCOMPARE(QString::fromStdString(s.measurements[1].model), QString("pruned"));
        QCOMPARE(QString::fromStdString(s.measurements[4].model), QString("pruned"));
        QCOMPARE(QString::fromStdString(s.measurements[5].model), QString("dense"));
        for (const deploy::BenchMeasurement& m : s.measurements) {
            const size_t expected = m.input == "test_clean" ? 3 * 2 : 3;  // runs x utterances
            QCOMPARE(m.result.latenciesMs.size(), expected);
            QVERIFY(m.result.summary.median > 0.0 && m.result.peakRssKb > 0 && m.result.bytesPerInference > 0);
            QVERIFY(!m.result.layersMs.empty() && m.result.layersMs.front().first == (m.input == "test_clean" ? "fbank" : "embed"));
            QCOMPARE(m.result.utterances.size(), size_t(m.input == "test_clean" ? 2 : 0));
        }
        QCOMPARE(collector.latencies.size(), size_t(2 * 2 * (3 + 6)));
        QCOMPARE(QString::fromStdString(collector.latencies.front().tags.at("model")), QString("dense"));
        // The run was exported for this device, dense or CSR per weight as the device's runner timed them.
        QCOMPARE(QString::fromStdString(s.models[1].espm), QString::fromStdString(run_ + "/export/model-here.espm"));
        QCOMPARE(s.models[1].tensors, s.models[0].tensors);
        QVERIFY(s.models[1].storedValues <= s.models[1].values);
        QCOMPARE(s.models[0].csrTensors, 0);

        // Saved in the project and in the run, and read back whole.
        QCOMPARE(job.savedTo().size(), size_t(2));
        QVERIFY(QFile::exists(QString::fromStdString(run_ + "/results/devices/" + s.id + ".json")));
        const std::vector<deploy::BenchSession> listed = deploy::listSessions(project_);
        QCOMPARE(listed.size(), size_t(1));
        QCOMPARE(listed[0].measurements.size(), s.measurements.size());
        QCOMPARE(listed[0].summary("pruned", "test_clean").median, s.summary("pruned", "test_clean").median);
        QCOMPARE(listed[0].layerProfile("dense", "60 frames").size(), s.layerProfile("dense", "60 frames").size());
        QCOMPARE(QString::fromStdString(listed[0].probe.info.arch), QString::fromStdString(s.probe.info.arch));

        const deploy::LatencyTable t = deploy::buildLatencyTable(listed[0], {{"pruned", {{"test_clean", 0.125}}}});
        QCOMPARE(t.inputs.size(), size_t(2));
        QCOMPARE(*t.cells[1][0].ratio, 1.0);
        QVERIFY(t.cells[1][1].ratio && *t.cells[1][1].ratio > 0.0);
        QCOMPARE(*t.cells[1][1].cer, 0.125);
        QVERIFY(!t.cells[0][1].cer);
        QVERIFY(QString::fromStdString(deploy::formatLatencyTable(t)).contains("CER 12.50 %"));
    }

    void cancelKeepsWhatWasMeasured()
    {
        deploy::BenchSettings s = settings({deploy::featuresInput(40)});
        s.cooldownSeconds = 3600;  // an uninterrupted cool-down would outlast the suite's time limit
        deploy::DeviceBenchJob job(project_, "here", {{dense_, "a"}, {sparse_, "b"}}, s);
        job::CancellationToken token;
        Collector collector;
        auto pending = std::async(std::launch::async, [&] { return job::runJob(job, &collector, token); });
        QTRY_VERIFY_WITH_TIMEOUT([&] { std::lock_guard<std::mutex> l(collector.mutex_); return !collector.latencies.empty(); }(),
                                 60000);
        token.cancel();
        const job::JobResult r = pending.get();
        QVERIFY(r.outcome == job::JobOutcome::Cancelled);
        QCOMPARE(job.session().measurements.size(), size_t(1));
        QVERIFY(!job.session().complete);
        bool found = false;
        for (const deploy::BenchSession& saved : deploy::listSessions(project_))
            found = found || (saved.id == job.session().id && !saved.complete);
        QVERIFY(found);
    }

    void emulatedAarch64Device()
    {
        if (!deploy::programExists("qemu-aarch64"))
            QSKIP("qemu-user is not installed");
        deploy::BenchSettings s = settings({deploy::featuresInput(30)});
        s.runs = 1;
        s.rounds = 1;
        s.cooldownSeconds = 0;
        s.cpus = "big";
        deploy::DeviceBenchJob job(project_, "emu", {{sparse_, "sparse"}}, s);
        job::CancellationToken token;
        const job::JobResult r = job::runJob(job, nullptr, token);
        QVERIFY2(r.outcome == job::JobOutcome::Succeeded, r.message.c_str());
        QCOMPARE(QString::fromStdString(job.session().probe.info.arch), QString("aarch64"));
        QCOMPARE(QString::fromStdString(job.session().probe.kernel), QString("neon"));
        const deploy::RunnerBench& b = job.session().measurements.at(0).result;
        QCOMPARE(QString::fromStdString(b.kernel), QString("neon"));
        QCOMPARE(QString::fromStdString(b.affinity), QString::fromStdString(job.session().settings.cpus));
    }

    void badSettingsAreNamed()
    {
        QVERIFY_THROWS_EXCEPTION(InputError, deploy::DeviceBenchJob(project_, "here", {}, settings({deploy::featuresInput(40)})));
        QVERIFY_THROWS_EXCEPTION(InputError, deploy::DeviceBenchJob(project_, "here", {{dense_, "x"}, {sparse_, "x"}},
                                                                    settings({deploy::featuresInput(40)})));
        deploy::BenchSettings s = settings({deploy::featuresInput(40)});
        s.rounds = 0;
        QVERIFY_THROWS_EXCEPTION(InputError, deploy::validateBenchSettings(s));
        s = settings({deploy::featuresInput(3)});
        QVERIFY_THROWS_EXCEPTION(InputError, deploy::validateBenchSettings(s));
        s = settings({deploy::featuresInput(40)});
        s.cpus = "0-4095";
        deploy::DeviceBenchJob tooMany(project_, "here", {{dense_, "d"}}, s);
        job::CancellationToken token;
        const job::JobResult r = job::runJob(tooMany, nullptr, token);
        QVERIFY(r.outcome == job::JobOutcome::Failed && r.inputError);
        QVERIFY2(QString::fromStdString(r.message).contains("asks for CPU 4095"), r.message.c_str());
        deploy::DeviceBenchJob unknown(project_, "jetson", {{dense_, "d"}}, settings({deploy::featuresInput(40)}));
        const job::JobResult u = job::runJob(unknown, nullptr, token);
        QVERIFY2(QString::fromStdString(u.message).contains("no device 'jetson'"), u.message.c_str());
        runtime::DeviceInfo phone;
        phone.cpuCount = 8;
        phone.clusters = {{{0, 1, 2, 3}, 1800000, "Cortex-A55"}, {{4, 5, 6, 7}, 2400000, "Cortex-A76"}};
        QCOMPARE(QString::fromStdString(deploy::resolveCpus("big", phone, "p")), QString("4-7"));
        QCOMPARE(QString::fromStdString(deploy::resolveCpus("little", phone, "p")), QString("0-3"));
        QCOMPARE(QString::fromStdString(deploy::resolveCpus("", phone, "p")), QString());
    }
};

QTEST_GUILESS_MAIN(TestDeviceBench)
#include "test_device_bench.moc"
