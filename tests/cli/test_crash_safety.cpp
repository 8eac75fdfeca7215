// Crash safety: espalier-cli is killed with SIGKILL at random moments of every command that writes
// files (training with its checkpoints, export, corpus synthesis, the demo project, devices.yaml, a
// device benchmark session), ESPALIER_CRASH_KILLS times each (default 20). After every kill each file
// must be the previous good version or a new complete one (checkpoints load, models pass their
// checksums, YAML and JSON parse, metrics lines are whole), the next run must carry on (train
// --resume, a rerun of the command), the project must open, and once a run completes no temporary is
// left behind. The kill moments come from ESPALIER_CRASH_SEED (default 1), so a failure reproduces.
#include "core/deploy/bench_result.h"
#include "core/deploy/device.h"
#include "core/project/project.h"
#include "core/runtime/error.h"
#include "core/runtime/espm.h"
#include "core/train/checkpoint.h"
#include "core/train/run_info.h"
#include "core/train/train_config.h"
#include "tests/cli/cli_runner.h"

#include <QDir>
#include <QDirIterator>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QTest>

#include <functional>
#include <map>
#include <random>
#include <set>

namespace {
using clitest::cli;
using clitest::Run;
using clitest::readAll;
using clitest::treeDigest;

void writeAll(const QString& path, const QByteArray& bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
    f.write(bytes);
}

// The hidden temporaries of the atomic writer (".<name>.tmp-<pid>-<n>") under dir.
QStringList temporariesIn(const QString& dir)
{
    QStringList out;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
    static const QRegularExpression temp(R"(^\..+\.tmp-\d+-\w+$)");
    while (it.hasNext()) {
        const QString path = it.next();
        if (temp.match(QFileInfo(path).fileName()).hasMatch())
            out << QDir(dir).relativeFilePath(path);
    }
    return out;
}

// One start of a command, killed after killAtMs unless it finished first.
struct Attempt {
    bool killed = false;
    int exitCode = 0;
    QString err;
};

Attempt runAndKill(const QStringList& args, int killAtMs)
{
    QProcess p;
    p.start(ESPALIER_CLI, args);
    Attempt a;
    if (!p.waitForStarted()) {
        a.exitCode = -3;
        a.err = "did not start";
        return a;
    }
    if (!p.waitForFinished(killAtMs)) {
        p.kill();  // SIGKILL
        p.waitForFinished(-1);
    }
    a.killed = p.exitStatus() == QProcess::CrashExit;
    a.exitCode = a.killed ? -1 : p.exitCode();
    a.err = QString::fromUtf8(p.readAllStandardError());
    return a;
}

int envInt(const char* name, int fallback)
{
    bool ok = false;
    const int v = qEnvironmentVariableIntValue(name, &ok);
    return ok ? v : fallback;
}

QString describe(const QStringList& args, int atMs) { return args.join(' ') + " killed at " + QString::number(atMs) + " ms"; }

} // namespace

class TestCrashSafety : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString corpus_;
    QString config_;     // the training config of the runs below: a checkpoint every 2 steps
    QString reference_;  // that config trained without interruption
    int steps_ = 24;
    int trainMs_ = 0;    // how long the uninterrupted run took
    int kills_ = envInt("ESPALIER_CRASH_KILLS", 20);
    std::mt19937 rng_{std::uint32_t(envInt("ESPALIER_CRASH_SEED", 1))};
    std::set<QString> goodCheckpoints_;  // "path size mtime" of checkpoints already loaded

    int randomMs(int maxMs) { return std::uniform_int_distribution<int>(0, std::max(0, maxMs))(rng_); }

    // Starts args(i) for i = 0, 1, ..., each killed at a random moment in [0, windowMs], calling
    // check() after each, until `kills_` starts were really killed (the others finished; at most
    // 3 × kills_ starts). Counts the kills in `killed`.
    void killLoop(const std::function<QStringList(int)>& args, int windowMs,
                  const std::function<void(const QString&)>& check, int& killed)
    {
        killed = 0;
        for (int i = 0; killed < kills_ && i < 3 * kills_; ++i) {
            const QStringList a = args(i);
            const int at = randomMs(windowMs);
            const Attempt attempt = runAndKill(a, at);
            const QString what = describe(a, at);
            QVERIFY2(attempt.killed || attempt.exitCode == 0,
                     qPrintable(what + ": the run failed (exit " + QString::number(attempt.exitCode) + "): " + attempt.err));
            killed += attempt.killed ? 1 : 0;
            check(what);
            if (QTest::currentTestFailed())
                return;
        }
    }

    static int timedMs(const QStringList& args)
    {
        QElapsedTimer timer;
        timer.start();
        const Run r = cli(args);
        if (r.exitCode != 0)
            qWarning("%s failed: %s", qPrintable(args.join(' ')), qPrintable(r.err));
        return r.exitCode == 0 ? int(timer.elapsed()) : -1;
    }

    // Every checkpoint of a run folder loads completely (each checked once).
    void checkCheckpoints(const QString& dir, const QString& what)
    {
        for (const QFileInfo& f : QDir(dir).entryInfoList({"*.pt"}, QDir::Files)) {
            const QString key = f.filePath() + " " + QString::number(f.size()) + " " +
                                QString::number(f.lastModified().toMSecsSinceEpoch());
            if (goodCheckpoints_.count(key))
                continue;
            try {
                (void)espalier::train::loadModelFromCheckpoint(f.filePath().toStdString());
            } catch (const std::exception& e) {
                QFAIL(qPrintable(what + ": " + f.fileName() + " does not load: " + e.what()));
            }
            goodCheckpoints_.insert(key);
        }
    }

    // A run folder after a kill: only the files a run writes, each whole.
    void checkRunFolder(const QString& run, const QString& what)
    {
        static const QRegularExpression allowed(
            R"(^(config\.yaml|units\.txt|global_cmvn\.json|metrics\.jsonl|log|run\.json|checkpoints/(step-\d{8}\.pt|best\.pt|best\.json)|results/[\w.-]+\.(json|hyp))$)");
        QDirIterator it(run, QDir::Files | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString rel = QDir(run).relativeFilePath(it.next());
            QVERIFY2(allowed.match(rel).hasMatch(), qPrintable(what + ": unexpected file " + rel));
        }
        for (const char* same : {"units.txt", "global_cmvn.json"})
            if (QFileInfo::exists(run + "/" + same))
                QVERIFY2(readAll(run + "/" + same) == readAll(reference_ + "/" + same), qPrintable(what + ": " + same + " differs"));
        if (QFileInfo::exists(run + "/config.yaml")) {
            try {
                (void)espalier::train::TrainConfig::load((run + "/config.yaml").toStdString());
            } catch (const std::exception& e) {
                QFAIL(qPrintable(what + ": config.yaml: " + e.what()));
            }
        }
        // run.json is rewritten whole at each launch and its end: it always reads, with this launch in it.
        if (QFileInfo::exists(run + "/run.json")) {
            try {
                const auto info = espalier::train::readRunInfo(run.toStdString());
                QVERIFY2(info && !info->launches.empty(), qPrintable(what + ": run.json has no launch"));
            } catch (const std::exception& e) {
                QFAIL(qPrintable(what + ": run.json: " + e.what()));
            }
        }
        // metrics.jsonl is appended line by line: whole lines, steps rising; only the last may be cut.
        const QList<QByteArray> lines = readAll(run + "/metrics.jsonl").split('\n');
        int lastStep = 0;
        std::set<QString> seen;  // a step has one line of each kind (training, dev evaluation)
        for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
            const QJsonDocument j = QJsonDocument::fromJson(lines[i]);
            const QString where = what + ": metrics.jsonl line " + QString::number(i + 1);
            QVERIFY2(j.isObject(), qPrintable(where + " is not whole"));
            const int step = j.object()["step"].toInt();
            QVERIFY2(step >= lastStep, qPrintable(where + ": the steps go back"));
            QVERIFY2(seen.insert(QString::number(step) + j.object().keys().join(',')).second,
                     qPrintable(where + ": step " + QString::number(step) + " logged twice"));
            lastStep = step;
        }
        for (const QString& json : QDir(run + "/results").entryList({"*.json"}, QDir::Files))
            QVERIFY2(QJsonDocument::fromJson(readAll(run + "/results/" + json)).isObject(), qPrintable(what + ": " + json));
        if (QFileInfo::exists(run + "/checkpoints/best.json"))
            QVERIFY2(QJsonDocument::fromJson(readAll(run + "/checkpoints/best.json")).isObject(), qPrintable(what + ": best.json"));
        checkCheckpoints(run + "/checkpoints", what);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        qputenv("OMP_NUM_THREADS", "1");
        qInfo("kills per command: %d, seed %d", kills_, envInt("ESPALIER_CRASH_SEED", 1));
        corpus_ = tmp_.filePath("demo");
        const Run synth = cli({"-q", "corpus", "synth", "--out", corpus_, "--utterances", "40", "--seed", "3"});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        // The shipped tiny config, saving a checkpoint every 2 steps, tested on one split.
        const QString first = tmp_.filePath("first");
        const Run r = cli({"-q", "--threads", "1", "train", "--config", "tiny", "--corpus", corpus_, "--out", first, "--steps", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QByteArray yaml = readAll(first + "/config.yaml");
        yaml.replace("checkpoint_every: 100", "checkpoint_every: 2").replace("steps: 1\n", "steps: " + QByteArray::number(steps_) + "\n");
        QByteArrayList kept;
        for (const QByteArray& line : yaml.split('\n'))
            if (!line.contains("test_dialect") && !line.contains("test_noisy"))
                kept << line;
        config_ = tmp_.filePath("crash.yaml");
        writeAll(config_, kept.join('\n'));
        reference_ = tmp_.filePath("reference");
        trainMs_ = timedMs({"-q", "train", "--config", config_, "--out", reference_});
        QVERIFY(trainMs_ > 0);
    }

    void trainingKilledAnywhereResumes()
    {
        // Each start asks for 2 more steps than the one before, so there is always training left.
        const QString run = tmp_.filePath("run");
        int steps = steps_;
        const auto args = [&](int i) {
            steps = steps_ + 2 * i;
            QStringList a = {"-q", "train", "--config", config_, "--out", run, "--steps", QString::number(steps)};
            if (QFileInfo::exists(run + "/config.yaml"))
                a << "--resume";
            return a;
        };
        int killed = 0;
        killLoop(args, trainMs_ / 2, [&](const QString& what) { checkRunFolder(run, what); }, killed);
        if (QTest::currentTestFailed())
            return;
        qInfo("train: %d kills survived", killed);
        QCOMPARE(killed, kills_);
        // It finishes, with every step's metrics once, and leaves no temporary behind.
        const Run done = cli({"-q", "train", "--config", config_, "--out", run, "--steps", QString::number(steps), "--resume"});
        QVERIFY2(done.exitCode == 0, qPrintable(done.err));
        checkRunFolder(run, "the completed run");
        QJsonDocument last;
        for (const QByteArray& line : readAll(run + "/metrics.jsonl").split('\n'))
            if (!line.isEmpty())
                last = QJsonDocument::fromJson(line);
        QCOMPARE(last.object()["step"].toInt(), steps);
        QVERIFY(QFileInfo::exists(run + "/results/summary.json"));
        QCOMPARE(temporariesIn(run), QStringList());
    }

    void exportKilledAnywhereLeavesOneOfTheTwoModels()
    {
        // Two versions of the same file: exports of the reference run's last two checkpoints.
        const QString a = tmp_.filePath("a.espm"), b = tmp_.filePath("b.espm"), out = tmp_.filePath("deploy/model.espm");
        const QString stepA = reference_ + QString("/checkpoints/step-%1.pt").arg(steps_, 8, 10, QChar('0'));
        const QString stepB = reference_ + QString("/checkpoints/step-%1.pt").arg(steps_ - 2, 8, 10, QChar('0'));
        const QStringList exportA = {"-q", "export", "--model", stepA, "--sparse", "dense", "--out"};
        const QStringList exportB = {"-q", "export", "--model", stepB, "--sparse", "dense", "--out"};
        const int ms = timedMs(exportA + QStringList{a});
        QVERIFY(ms > 0 && timedMs(exportB + QStringList{b}) > 0);
        QVERIFY(readAll(a) != readAll(b));
        QVERIFY(QDir().mkpath(tmp_.filePath("deploy")));
        const auto args = [&](int i) { return (i % 2 ? exportB : exportA) + QStringList{out}; };
        int killed = 0;
        killLoop(args, ms, [&](const QString& what) {
            if (!QFileInfo::exists(out))
                return;
            const QByteArray bytes = readAll(out);
            QVERIFY2(bytes == readAll(a) || bytes == readAll(b), qPrintable(what + ": model.espm is neither version"));
            QVERIFY2(QDir(tmp_.filePath("deploy")).entryList(QDir::Files).size() == 1, qPrintable(what));
        }, killed);
        if (QTest::currentTestFailed())
            return;
        qInfo("export: %d kills survived", killed);
        QCOMPARE(killed, kills_);
        QVERIFY(cli(args(0)).exitCode == 0);
        QCOMPARE(readAll(out), readAll(a));
        QCOMPARE(espalier::runtime::readEspm(out.toStdString()).tensors.size(), espalier::runtime::readEspm(a.toStdString()).tensors.size());
        QCOMPARE(temporariesIn(tmp_.filePath("deploy")), QStringList());
    }

    void corpusSynthesisKilledAnywhereLeavesOneOfTheTwoCorpora()
    {
        // The same folder synthesised with two seeds, alternately, replacing itself.
        const QString one = tmp_.filePath("seed1"), two = tmp_.filePath("seed2"), out = tmp_.filePath("synth");
        const auto synthArgs = [](const QString& dir, int seed) {
            return QStringList{"-q", "corpus", "synth", "--out", dir, "--utterances", "16", "--seed", QString::number(seed), "--overwrite"};
        };
        const int ms = timedMs(synthArgs(one, 1));
        QVERIFY(ms > 0 && timedMs(synthArgs(two, 2)) > 0);
        const auto digestOne = treeDigest(one, true), digestTwo = treeDigest(two, true);
        QVERIFY(digestOne != digestTwo);
        int killed = 0;
        killLoop([&](int i) { return synthArgs(out, 1 + i % 2); }, ms, [&](const QString& what) {
            if (!QFileInfo::exists(out))
                return;
            const auto now = treeDigest(out, true);
            QVERIFY2(now == digestOne || now == digestTwo, qPrintable(what + ": the corpus is neither version"));
            for (const QString& entry : QDir(tmp_.path()).entryList({"synth*"}, QDir::AllEntries | QDir::Hidden))
                QVERIFY2(entry == "synth" || entry == "synth.partial", qPrintable(what + ": left " + entry));
        }, killed);
        if (QTest::currentTestFailed())
            return;
        qInfo("corpus synth: %d kills survived", killed);
        QCOMPARE(killed, kills_);
        QVERIFY(cli(synthArgs(out, 1)).exitCode == 0);
        QVERIFY(treeDigest(out, true) == digestOne);
        QCOMPARE(QDir(tmp_.path()).entryList({"synth*"}, QDir::AllEntries | QDir::Hidden), QStringList{"synth"});
    }

    void demoProjectKilledAnywhereOpens()
    {
        // Each pass creates the demo project from nothing; a killed one is completed by the next.
        const QString project = tmp_.filePath("project");
        const QStringList create = {"-q", "project", "create", project, "--demo", "--utterances", "16", "--seed", "4"};
        const int ms = timedMs(create);
        QVERIFY(ms > 0);
        QDir(project).removeRecursively();
        int killed = 0;
        for (int round = 0; killed < kills_ && round < 3 * kills_; ++round) {
            const int at = randomMs(ms);
            const Attempt attempt = runAndKill(create, at);
            const QString what = describe(create, at);
            QVERIFY2(attempt.killed || attempt.exitCode == 0, qPrintable(what + ": " + attempt.err));
            if (espalier::project::Project::isProject(project.toStdString())) {
                try {
                    const auto p = espalier::project::Project::open(project.toStdString());
                    for (const auto& c : p.config().corpora)
                        QVERIFY2(QFileInfo::exists(QString::fromStdString(p.absoluteCorpusPath(c)) + "/synth.json"),
                                 qPrintable(what + ": corpus " + QString::fromStdString(c.name) + " is incomplete"));
                } catch (const std::exception& e) {
                    QFAIL(qPrintable(what + ": the project does not open: " + e.what()));
                }
            }
            if (attempt.killed) {
                ++killed;
                const Run next = cli(create);  // completes what the kill interrupted
                QVERIFY2(next.exitCode == 0, qPrintable(what + ", then: " + next.err));
                const auto p = espalier::project::Project::open(project.toStdString());
                QCOMPARE(int(p.config().corpora.size()), 1);
            }
            QDir(project).removeRecursively();
        }
        qInfo("demo project: %d kills survived", killed);
        QCOMPARE(killed, kills_);
    }

    void devicesYamlAndBenchSessionsKilledAnywhere()
    {
        const QString project = tmp_.filePath("devices");
        QCOMPARE(cli({"-q", "project", "create", project}).exitCode, 0);
        const auto addArgs = [&](int i) {
            return QStringList{"-q", "device", "add", "board", "--ssh", "user@board.local:2222", "--work-dir",
                               i % 2 ? "/data/b" : "/data/a", "--replace", "--project", project};
        };
        const QString yaml = project + "/devices.yaml";
        int ms = timedMs(addArgs(1));
        QVERIFY(ms > 0);
        const QByteArray versionB = readAll(yaml);
        QVERIFY(timedMs(addArgs(0)) > 0);
        const QByteArray versionA = readAll(yaml);
        int killed = 0;
        killLoop(addArgs, ms, [&](const QString& what) {
            const QByteArray now = readAll(yaml);
            QVERIFY2(now == versionA || now == versionB, qPrintable(what + ": devices.yaml is neither version"));
        }, killed);
        if (QTest::currentTestFailed())
            return;
        qInfo("device add: %d kills survived", killed);
        QCOMPARE(killed, kills_);
        QCOMPARE(cli(addArgs(0)).exitCode, 0);
        QCOMPARE(readAll(yaml), versionA);

        // A benchmark session on this machine: its session file and the probe it stores.
        QCOMPARE(cli({"-q", "device", "add", "here", "--local", "--project", project}).exitCode, 0);
        const QStringList bench = {"-q", "device", "bench", "here", "--model", tmp_.filePath("a.espm"), "--frames", "200",
                                   "--runs", "3", "--rounds", "1", "--warmup", "0", "--cooldown", "0", "--project", project};
        ms = timedMs(bench);
        QVERIFY(ms > 0);
        killLoop([&](int) { return bench; }, ms, [&](const QString& what) {
            try {
                const auto registry = espalier::deploy::DeviceRegistry::load(project.toStdString());
                QCOMPARE(int(registry.devices().size()), 2);
                QDir results(project + "/devices/results");
                for (const QString& f : results.entryList({"*.json"}, QDir::Files))
                    (void)espalier::deploy::parseSession(readAll(results.filePath(f)).toStdString(), f.toStdString());
            } catch (const std::exception& e) {
                QFAIL(qPrintable(what + ": " + e.what()));
            }
        }, killed);
        if (QTest::currentTestFailed())
            return;
        qInfo("device bench: %d kills survived", killed);
        QCOMPARE(killed, kills_);
        QCOMPARE(cli(bench).exitCode, 0);
        QCOMPARE(cli({"-q", "device", "results", "--project", project}).exitCode, 0);
        QCOMPARE(temporariesIn(project), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestCrashSafety)
#include "test_crash_safety.moc"
