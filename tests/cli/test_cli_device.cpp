// espalier-cli device ... end to end through a real OpenSSH server on loopback: a board is added,
// probed and benchmarked — a trained run (exported on the way) against its 70 % pruned export, on
// random features and on two test sets' utterances — and the seed's CER / latency table printed and
// stored in the run; bad devices and settings exit 2 with the reason; Ctrl-C stops a benchmark
// within a second and keeps what it measured.
#include "tests/cli/cli_runner.h"
#include "tests/core/deploy/ssh_test_server.h"

#include <QDir>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <signal.h>

using clitest::cli;
using clitest::readAll;
using clitest::Run;

class TestCliDevice : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    deploytest::SshTestServer server_;
    QString project_, run_, pruned_;

private slots:
    void initTestCase()
    {
        if (!deploytest::SshTestServer::available())
            QSKIP("OpenSSH's server is not installed (scripts/setup-debian.sh installs openssh-server)");
        qputenv("OMP_NUM_THREADS", "1");
        project_ = tmp_.filePath("project");
        QCOMPARE(cli({"-q", "project", "create", project_, "--demo", "--utterances", "60", "--seed", "2"}).exitCode, 0);
        run_ = project_ + "/runs/tiny";
        const Run train = cli({"-q", "--threads", "1", "train", "--config", "tiny", "--corpus", project_ + "/corpora/demo",
                               "--out", run_, "--steps", "4"});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        QFile recipe(tmp_.filePath("u70.yaml"));
        QVERIFY(recipe.open(QIODevice::WriteOnly));
        recipe.write("espalier_recipe: 1\nstages:\n  - type: unstructured\n    scope: global\n"
                     "    schedule: {shape: constant, final_sparsity: 0.7, begin: 0, end: 1, frequency: 1}\n"
                     "    params: __ALL_PRUNABLE__\n");
        recipe.close();
        QCOMPARE(cli({"-q", "prune", "--model", run_, "--recipe", recipe.fileName(), "--out", tmp_.filePath("p70.pt")}).exitCode, 0);
        pruned_ = tmp_.filePath("p70.espm");
        QCOMPARE(cli({"-q", "export", "--model", tmp_.filePath("p70.pt"), "--out", pruned_, "--sparse", "csr"}).exitCode, 0);
        QString error;
        QVERIFY2(server_.start(&error), qPrintable(error));
    }

    void addListProbe()
    {
        const QString target = QString("%1@127.0.0.1:%2").arg(deploytest::SshTestServer::user()).arg(server_.port());
        const Run add = cli({"device", "add", "board", "--ssh", target, "--key", server_.clientKey(), "--work-dir",
                             tmp_.filePath("remote"), "--project", project_});
        QVERIFY2(add.exitCode == 0, qPrintable(add.err));
        QVERIFY(add.out.contains("ssh " + target));
        const Run bad = cli({"device", "add", "evil", "--ssh", "-oProxyCommand=touch /tmp/x", "--project", project_});
        QCOMPARE(bad.exitCode, 2);
        QVERIFY2(bad.err.contains("must not begin with '-'"), qPrintable(bad.err));
        QCOMPARE(cli({"device", "add", "board", "--local", "--project", project_}).exitCode, 2);  // taken
        QCOMPARE(cli({"device", "add", "two", "--local", "--adb", "--project", project_}).exitCode, 2);

        const Run probe = cli({"device", "probe", "board", "--project", project_});
        QVERIFY2(probe.exitCode == 0, qPrintable(probe.err));
        QVERIFY2(probe.out.contains("cluster") && probe.out.contains("taskset mask"), qPrintable(probe.out));
        const Run list = cli({"--json", "device", "list", "--project", project_});
        const QJsonArray devices = QJsonDocument::fromJson(list.out.toUtf8()).array();
        QCOMPARE(devices.size(), 1);
        QCOMPARE(devices[0].toObject()["kind"].toString(), QString("ssh"));
        QVERIFY(devices[0].toObject()["probe"].toObject()["device"].toObject()["cpus"].toInt() >= 1);
    }

    void benchmarkThroughSsh()
    {
        const Run r = cli({"device", "bench", "board", "--model", run_, "--model", pruned_, "--label", "dense", "--label",
                           "u70", "--frames", "100", "--test-set", "test_clean", "--test-set", "test_noisy",
                           "--utterances", "2", "--runs", "2", "--warmup", "1", "--rounds", "2", "--cooldown", "0.2",
                           "--cpus", "0", "--project", project_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // The seed's table: inputs down, models across, the run's CER on its test sets, ratios to dense.
        QVERIFY2(r.out.contains("test_clean") && r.out.contains("test_noisy") && r.out.contains("100 frames"), qPrintable(r.out));
        QVERIFY2(r.out.contains("CER ") && r.out.contains("x)"), qPrintable(r.out));
        QVERIFY(QFile::exists(run_ + "/export/model-board.espm"));  // auto policy timed on the board
        const QStringList stored = QDir(run_ + "/results/devices").entryList({"*.json"});
        QCOMPARE(stored.size(), 1);

        const Run results = cli({"--json", "device", "results", "board", "--project", project_});
        const QJsonObject session = QJsonDocument::fromJson(results.out.toUtf8()).object();
        QCOMPARE(session["id"].toString() + ".json", stored[0]);
        QCOMPARE(session["measurements"].toArray().size(), 2 * 3 * 2);
        QCOMPARE(session["settings"].toObject()["cpus"].toString(), QString("0"));
        for (const QJsonValue m : session["measurements"].toArray())
            QCOMPARE(m.toObject()["bench"].toObject()["affinity"].toString(), QString("0"));
        const Run table = cli({"device", "results", "--project", project_});
        QVERIFY(table.out.contains("u70"));
    }

    void exportTimedOnTheDevice()
    {
        const QString out = tmp_.filePath("board.espm");
        const Run r = cli({"--json", "export", "--model", tmp_.filePath("p70.pt"), "--out", out, "--device", "board",
                           "--project", project_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(o["timed_on"].toString(), QString("board"));
        int timed = 0;
        for (const QJsonValue t : o["tensors"].toArray())
            timed += t.toObject()["dense_us"].toDouble() > 0.0 && t.toObject()["sparse_us"].toDouble() > 0.0;
        QVERIFY(timed > 10);  // the 70 % pruned weights, each timed dense and CSR on the board
        QCOMPARE(QDir(tmp_.path()).entryList({"*candidate*"}, QDir::Files | QDir::Hidden), QStringList());
        QCOMPARE(cli({"export", "--model", run_, "--out", out, "--sparse", "dense", "--device", "board", "--project",
                      project_}).exitCode, 2);
    }

    void badBenchesAreNamed()
    {
        const Run unknown = cli({"device", "bench", "jetson", "--model", pruned_, "--project", project_});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY2(unknown.err.contains("no device 'jetson'"), qPrintable(unknown.err));
        const Run cpus = cli({"device", "bench", "board", "--model", pruned_, "--cpus", "4000", "--runs", "1",
                              "--project", project_});
        QCOMPARE(cpus.exitCode, 2);
        QVERIFY2(cpus.err.contains("asks for CPU 4000"), qPrintable(cpus.err));
        QCOMPARE(cli({"device", "bench", "board", "--model", tmp_.filePath("none.espm"), "--project", project_}).exitCode, 2);
        QCOMPARE(cli({"device", "bench", "board", "--model", pruned_, "--test-set", "test_mars", "--project", project_}).exitCode, 2);
    }

    void ctrlCStopsABenchmark()
    {
        QProcess p;
        p.start(ESPALIER_CLI, {"--json", "device", "bench", "board", "--model", pruned_, "--model", run_, "--frames", "60",
                               "--runs", "2", "--rounds", "3", "--cooldown", "3600", "--project", project_});
        QVERIFY(p.waitForStarted());
        QByteArray out;
        QTRY_VERIFY_WITH_TIMEOUT((out += p.readAllStandardOutput()).contains("\"latency_ms\""), 60000);
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));  // stopped in the hour-long cool-down, not after it
        QCOMPARE(p.exitCode(), 130);
        const Run results = cli({"--json", "device", "results", "board", "--project", project_});
        const QJsonObject session = QJsonDocument::fromJson(results.out.toUtf8()).object();
        QCOMPARE(session["complete"].toBool(), false);
        QCOMPARE(session["measurements"].toArray().size(), 1);
    }

    // A bad device is refused by name before devices.yaml changes.
    void badAddsAreNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("no host") << QStringList{"--ssh", "user@"} << "device host is missing";
        QTest::newRow("port") << QStringList{"--ssh", "a@h:99999"} << "port 99999 is not between 1 and 65535";
        QTest::newRow("option as host") << QStringList{"--ssh", "-oProxyCommand=x"} << "must not begin with '-'";
        QTest::newRow("no key file") << QStringList{"--ssh", "a@h", "--key", "/nonexistent/id_ed25519"}
                                     << "--key: no key file '/nonexistent/id_ed25519'";
    }
    void badAddsAreNamed()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const QByteArray before = readAll(project_ + "/devices.yaml");
        const Run r = cli(QStringList{"device", "add", "newboard"} + args + QStringList{"--project", project_});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QCOMPARE(readAll(project_ + "/devices.yaml"), before);
    }

    void removeDevice()
    {
        QCOMPARE(cli({"device", "remove", "board", "--project", project_}).exitCode, 0);
        QVERIFY(cli({"device", "list", "--project", project_}).out.contains("no devices"));
        QCOMPARE(cli({"device", "remove", "board", "--project", project_}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCliDevice)
#include "test_cli_device.moc"
