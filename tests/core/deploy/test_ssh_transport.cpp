// The SSH transport against a real OpenSSH server on loopback: arguments arrive exactly as given
// (no shell injection through any of them), files are pushed whole and atomically, the host key is
// pinned on first use and a changed one refused, a wrong key, a closed port, a timeout and a dropped
// connection are each a clear error, and a probe pushes the runner once and reports this machine.
#include "core/deploy/device_session.h"
#include "core/deploy/transport.h"
#include "core/job/job.h"
#include "core/runtime/error.h"
#include "tests/core/deploy/ssh_test_server.h"

#include <QTemporaryDir>
#include <QTest>

#include <future>
#include <random>

using namespace espalier;

class TestSshTransport : public QObject {
    Q_OBJECT
    deploytest::SshTestServer server_;
    QTemporaryDir project_;

    deploy::DeviceSpec device(const QString& name = "board") const
    {
        deploy::DeviceSpec d;
        d.name = name.toStdString();
        d.kind = deploy::DeviceKind::Ssh;
        d.host = "127.0.0.1";
        d.port = server_.port();
        d.user = deploytest::SshTestServer::user().toStdString();
        d.keyFile = server_.clientKey().toStdString();
        d.workDir = project_.filePath("remote-work").toStdString();
        return d;
    }

    deploy::DeviceRegistry registry() const { return deploy::DeviceRegistry::load(project_.path().toStdString()); }

    static deploy::ProcessOptions within(double seconds)
    {
        deploy::ProcessOptions o;
        o.timeoutSeconds = seconds;
        return o;
    }

private slots:
    void initTestCase()
    {
        if (!deploytest::SshTestServer::available())
            QSKIP("OpenSSH's server is not installed (scripts/setup-debian.sh installs openssh-server)");
        QString error;
        QVERIFY2(server_.start(&error), qPrintable(error));
    }

    void argumentsArriveExactly()
    {
        auto t = deploy::openTransport(device(), registry());
        const QString marker = project_.filePath("injected");
        const std::vector<std::string> words = {"plain", "two words", "it's", "\"double\"", "$(touch " + marker.toStdString() + ")",
                                                "`touch " + marker.toStdString() + "`", "; touch " + marker.toStdString(),
                                                "*", "~", "back\\slash", "new\nline", "$HOME", "-n", ""};
        std::vector<std::string> argv = {"printf", "<%s>\\n"};
        argv.insert(argv.end(), words.begin(), words.end());
        const deploy::ProcessResult r = t->run(argv, within(30));
        QCOMPARE(r.exitCode, 0);
        std::string expected;
        for (const std::string& w : words)
            expected += "<" + w + ">\n";
        QCOMPARE(QString::fromStdString(r.out), QString::fromStdString(expected));
        QVERIFY(!QFile::exists(marker));
        // A program's own failure is its exit code, not a transport error.
        QCOMPARE(t->run({"sh", "-c", "exit 3"}, within(30)).exitCode, 3);
        QCOMPARE(QString::fromStdString(t->architecture(within(30))), normalizedHostArch());
    }

    void pushIsWholeAndAtomic()
    {
        auto t = deploy::openTransport(device(), registry());
        QByteArray bytes(3 << 20, '\0');
        std::mt19937 rng(5);
        for (char& c : bytes)
            c = char(rng());
        const QString local = project_.filePath("blob.bin");
        QFile f(local);
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(bytes);
        f.close();
        const std::string remote = project_.filePath("remote-work/deep/dir/it's here.bin").toStdString();
        t->push(local.toStdString(), remote, true, within(60));
        QFile back(QString::fromStdString(remote));
        QVERIFY(back.open(QIODevice::ReadOnly));
        QVERIFY(back.readAll() == bytes);
        QVERIFY(back.permissions() & QFileDevice::ExeOwner);
        for (const QString& f : QDir(QFileInfo(QString::fromStdString(remote)).path()).entryList(QDir::Files))
            QVERIFY2(!f.contains(".partial"), qPrintable(f));
    }

    void timeoutIsAClearError()
    {
        // A remote command of ten minutes: without the time limit, the suite's own limit fails this.
        auto t = deploy::openTransport(device(), registry());
        try {
            t->run({"sleep", "600"}, within(1.5));
            QFAIL("no timeout");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("timed out") && QString(e.what()).contains("board"), e.what());
        }
    }

    void cancelStopsARemoteCommand()
    {
        auto t = deploy::openTransport(device(), registry());
        job::CancellationToken token;
        deploy::ProcessOptions o = within(600);
        o.cancel = &token;
        auto pending = std::async(std::launch::async, [&] { return t->run({"sleep", "600"}, o); });
        QTest::qWait(500);
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, pending.get());  // not ten minutes later
    }

    void droppedConnectionIsAClearError()
    {
        auto t = deploy::openTransport(device(), registry());
        auto pending = std::async(std::launch::async, [&] { return t->run({"sleep", "20"}, within(60)); });
        QTest::qWait(1500);
        server_.killConnections();
        try {
            pending.get();
            QFAIL("no error");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("lost") || QString(e.what()).contains("closed"), e.what());
        }
    }

    void probePushesTheRunnerOnce()
    {
        const deploy::DeviceRegistry reg = registry();
        deploy::DeviceSession session(device(), reg);
        const deploy::DeviceProbe p = session.probe();
        QCOMPARE(QString::fromStdString(p.info.arch), normalizedHostArch());
        QVERIFY(p.info.cpuCount >= 1 && !p.info.clusters.empty());
        QVERIFY(QString::fromStdString(p.runner).startsWith("espalier-run "));
        const QStringList pushed = QDir(project_.filePath("remote-work/bin")).entryList(QDir::Files);
        QCOMPARE(pushed.size(), 1);
        const QDateTime when = QFileInfo(project_.filePath("remote-work/bin/" + pushed[0])).lastModified();
        QTest::qWait(1100);
        deploy::DeviceSession again(device(), reg);
        again.probe();
        QCOMPARE(QFileInfo(project_.filePath("remote-work/bin/" + pushed[0])).lastModified(), when);
        // The runner's own bad-input error comes back as one: exit 2, its message, the device named.
        try {
            again.runRunner({"bench", "/nonexistent/model.espm", "--frames", "3"}, 30);
            QFAIL("accepted");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains("board") && QString(e.what()).contains("--frames"), e.what());
        }
    }

    void wrongKeyAndClosedPortAreNamed()
    {
        deploy::DeviceSpec d = device();
        d.keyFile = server_.path("host_key").toStdString();  // a key the server does not accept
        try {
            deploy::openTransport(d, registry())->run({"true"}, within(30));
            QFAIL("logged in");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("refused the login"), e.what());
        }
        deploy::DeviceSpec closed = device();
        QTcpServer spare;
        spare.listen(QHostAddress::LocalHost, 0);
        closed.port = spare.serverPort();
        spare.close();
        try {
            deploy::openTransport(closed, registry())->run({"true"}, within(30));
            QFAIL("connected");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("cannot connect"), e.what());
        }
    }

    void hostKeyIsPinnedOnFirstUse()
    {
        // Every test above connected: the key is in the project's known_hosts.
        QFile known(QString::fromStdString(registry().knownHostsFile()));
        QVERIFY(known.open(QIODevice::ReadOnly));
        QVERIFY(known.readAll().contains(QString("[127.0.0.1]:%1").arg(server_.port()).toUtf8()));
        known.close();
        QString error;
        QVERIFY2(server_.restartWithNewHostKey(&error), qPrintable(error));
        try {
            deploy::openTransport(device(), registry())->run({"true"}, within(30));
            QFAIL("a changed host key was accepted");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("host key") && QString(e.what()).contains("known_hosts"), e.what());
        }
    }

private:
    static QString normalizedHostArch()
    {
        return QSysInfo::currentCpuArchitecture() == "arm64" ? "aarch64" : QSysInfo::currentCpuArchitecture();
    }
};

QTEST_GUILESS_MAIN(TestSshTransport)
#include "test_ssh_transport.moc"
