// Child processes as the deployment lab starts them: exact arguments (no shell), standard input from
// memory or a file, exit codes and signals, a time limit that kills the whole process group, cancel,
// an output cap, and a missing program named.
#include "deploy/process.h"
#include "project/job.h"
#include "runtime/error.h"

#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTest>

#include <future>

using namespace espalier;

class TestProcess : public QObject {
    Q_OBJECT
private slots:
    void argumentsAndOutput()
    {
        const deploy::ProcessResult r = deploy::runProcess({"printf", "%s|", "a b", "$(x)", "'", ""});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(QString::fromStdString(r.out), QString("a b|$(x)|'||"));
        const deploy::ProcessResult e = deploy::runProcess({"sh", "-c", "echo first >&2; echo last >&2; exit 7"});
        QCOMPARE(e.exitCode, 7);
        QCOMPARE(QString::fromStdString(e.lastErrorLine()), QString("last"));
    }

    void standardInput()
    {
        deploy::ProcessOptions o;
        o.input = std::string(300000, 'x') + "end";  // more than a pipe holds
        const deploy::ProcessResult r = deploy::runProcess({"wc", "-c"}, o);
        QCOMPARE(QString::fromStdString(r.out).trimmed(), QString::number(300003));
        QTemporaryDir dir;
        QFile f(dir.filePath("in.txt"));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write("from a file");
        f.close();
        deploy::ProcessOptions fromFile;
        fromFile.inputFile = f.fileName().toStdString();
        QCOMPARE(QString::fromStdString(deploy::runProcess({"cat"}, fromFile).out), QString("from a file"));
        fromFile.inputFile = dir.filePath("missing").toStdString();
        QVERIFY_THROWS_EXCEPTION(IoError, deploy::runProcess({"cat"}, fromFile));
        // A child that exits without reading its input is no crash (no SIGPIPE here).
        deploy::ProcessOptions unread;
        unread.input = std::string(1 << 20, 'y');
        QCOMPARE(deploy::runProcess({"true"}, unread).exitCode, 0);
    }

    void timeoutKillsTheGroup()
    {
        deploy::ProcessOptions o;
        o.timeoutSeconds = 0.5;
        QElapsedTimer clock;
        clock.start();
        // The shell's child holds the output pipe open: only killing the group ends the wait.
        const deploy::ProcessResult r = deploy::runProcess({"sh", "-c", "sleep 30 & sleep 30"}, o);
        QVERIFY(r.timedOut);
        QVERIFY(clock.elapsed() < 5000);
    }

    void aDescendantHoldingTheOutputDoesNotHoldUs()
    {
        // The shell exits at once; its background child keeps stdout open for 30 s.
        deploy::ProcessOptions o;
        o.timeoutSeconds = 20;
        QElapsedTimer clock;
        clock.start();
        const deploy::ProcessResult r = deploy::runProcess({"sh", "-c", "sleep 30 & echo done; exit 4"}, o);
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(QString::fromStdString(r.out), QString("done\n"));
        QVERIFY(clock.elapsed() < 5000);
    }

    void cancel()
    {
        project::CancellationToken token;
        deploy::ProcessOptions o;
        o.cancel = &token;
        auto pending = std::async(std::launch::async, [&] { return deploy::runProcess({"sleep", "30"}, o); });
        QTest::qWait(200);
        QElapsedTimer clock;
        clock.start();
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, pending.get());
        QVERIFY(clock.elapsed() < 1000);
    }

    void outputCapAndMissingProgram()
    {
        deploy::ProcessOptions o;
        o.outputLimit = 1 << 16;
        QVERIFY_THROWS_EXCEPTION(IoError, deploy::runProcess({"yes"}, o));
        try {
            deploy::runProcess({"espalier-no-such-program"});
            QFAIL("started");
        } catch (const IoError& e) {
            QVERIFY2(QString(e.what()).contains("espalier-no-such-program"), e.what());
        }
        QVERIFY(deploy::programExists("sh"));
        QVERIFY(!deploy::programExists("espalier-no-such-program"));
    }
};

QTEST_GUILESS_MAIN(TestProcess)
#include "test_process.moc"
