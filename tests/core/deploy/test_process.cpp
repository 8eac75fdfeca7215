// Child processes as the deployment lab starts them: exact arguments (no shell), standard input from
// memory or a file, exit codes and signals, a time limit that kills the whole process group, cancel,
// an output cap, and a missing program named.
#include "core/deploy/process.h"
#include "core/job/job.h"
#include "core/runtime/error.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <future>

using namespace espalier;

namespace {

// The process id a shell wrote into path (0 while it has not).
pid_t pidIn(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? pid_t(file.readAll().trimmed().toLongLong()) : 0;
}

// Running or sleeping: not gone, and not a zombie waiting for whoever adopted it to reap it.
bool isAlive(pid_t pid)
{
    if (pid <= 0)
        return false;
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return false;
    const QByteArray text = stat.readAll();
    const int close = text.lastIndexOf(')');  // "pid (comm) state ..."
    return close > 0 && close + 2 < text.size() && text[close + 2] != 'Z';
}

} // namespace

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
        QTemporaryDir dir;
        const QString pidFile = dir.filePath("child.pid");
        // The shell's child holds the output pipe open: only killing the group ends the wait (else
        // this waits ten minutes and the suite's time limit fails it).
        const deploy::ProcessResult r = deploy::runProcess(
            {"sh", "-c", "sleep 600 & echo $! > '" + pidFile.toStdString() + "'; sleep 600"}, o);
        QVERIFY(r.timedOut);
        const pid_t child = pidIn(pidFile);
        QVERIFY(child > 0);
        QTRY_VERIFY(!isAlive(child));  // the shell's child went with the group
    }

    void aDescendantHoldingTheOutputDoesNotHoldUs()
    {
        // The shell exits at once; its background child keeps stdout open for 30 s.
        deploy::ProcessOptions o;
        o.timeoutSeconds = 600;
        QTemporaryDir dir;
        const QString pidFile = dir.filePath("child.pid");
        const deploy::ProcessResult r = deploy::runProcess(
            {"sh", "-c", "sleep 600 & echo $! > '" + pidFile.toStdString() + "'; echo done; exit 4"}, o);
        QVERIFY(!r.timedOut);
        QCOMPARE(r.exitCode, 4);
        QCOMPARE(QString::fromStdString(r.out), QString("done\n"));
        // It returned while the descendant still held the output: it did not wait for it.
        const pid_t child = pidIn(pidFile);
        QVERIFY(isAlive(child));
        ::kill(child, SIGKILL);
    }

    void cancel()
    {
        job::CancellationToken token;
        deploy::ProcessOptions o;
        o.cancel = &token;
        QTemporaryDir dir;
        const QString pidFile = dir.filePath("sleep.pid");
        auto pending = std::async(std::launch::async, [&] {
            return deploy::runProcess({"sh", "-c", "echo $$ > '" + pidFile.toStdString() + "'; exec sleep 600"}, o);
        });
        QTRY_VERIFY(pidIn(pidFile) > 0);
        token.cancel();
        QVERIFY_THROWS_EXCEPTION(CancelledError, pending.get());
        QVERIFY(!isAlive(pidIn(pidFile)));  // stopped and reaped, not left sleeping
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
