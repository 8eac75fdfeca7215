// A full disk and a read-only folder, for real: each case runs espalier-cli in a private mount
// namespace (unshare) on a small tmpfs holding the previous good files, filled up or remounted
// read-only. The command must fail with a clear error naming the file and the reason, exit 1, and
// leave the previous files byte for byte and no temporary behind. Skipped where the machine allows
// no private mount namespace.
#include "tests/cli/cli_runner.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <map>

namespace {
using clitest::cli;
using clitest::Run;
using clitest::readAll;
using clitest::treeDigest;

QString quoted(const QString& s) { return "'" + QString(s).replace("'", "'\\''") + "'"; }

enum class Disk { Full, ReadOnly };

// What one case left: the command's exit code and stderr, and a copy of the tmpfs afterwards.
struct Outcome {
    int exitCode = -1;
    QString err;
    QString after;  // folder with the tmpfs's files after the command
};

} // namespace

class TestDiskErrors : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString corpus_, run_, model_;
    int cases_ = 0;

    // Runs espalier-cli args with `disk` mounted as a tmpfs of 32 MiB holding a copy of `seed` (a
    // folder), then filled to `freeKb` KiB free, or remounted read-only. Paths in args use "$D".
    Outcome runOnDisk(const QString& seed, Disk kind, int freeKb, const QStringList& args)
    {
        const QString id = QString::number(++cases_);
        const QString disk = tmp_.filePath("disk" + id), out = tmp_.filePath("out" + id);
        QDir().mkpath(disk);
        QDir().mkpath(out + "/after");
        QString command;
        for (const QString& a : args)
            command += " " + (a.contains("$D") ? "\"" + QString(a).replace("\"", "\\\"") + "\"" : quoted(a));
        QString script = "set -u\nD=" + quoted(disk) + "\nO=" + quoted(out) + "\n"
                         "mount -t tmpfs -o size=32m tmpfs \"$D\" || exit 97\n"
                         "cp -a " + quoted(seed) + "/. \"$D\"/\n";
        if (kind == Disk::Full)
            script += "avail=$(df --output=avail -k \"$D\" | tail -n 1)\n"
                      "fallocate -l $(( (avail - " + QString::number(freeKb) + ") * 1024 )) \"$D/zz-filler\"\n";
        else
            script += "mount -o remount,ro \"$D\"\n";
        script += QString(ESPALIER_CLI).prepend("'").append("'") + command + " >/dev/null 2>\"$O/err\"\n"
                  "echo $? > \"$O/rc\"\n"
                  "cp -a \"$D\"/. \"$O/after\"/\n";
        QProcess p;
        p.start("unshare", {"-rm", "bash", "-c", script});
        p.waitForFinished(600000);
        Outcome o;
        o.exitCode = p.exitCode() == 0 ? readAll(out + "/rc").trimmed().toInt() : -(p.exitCode());
        o.err = QString::fromUtf8(readAll(out + "/err"));
        if (p.exitCode() != 0)
            o.err += QString::fromUtf8(p.readAllStandardError());
        o.after = out + "/after";
        return o;
    }

    // Exit 1 and, as the last line, "espalier-cli: ..." naming the file and the reason.
    static void expectCleanFailure(const Outcome& o, const QString& file, const QString& reason)
    {
        QVERIFY2(o.exitCode == 1, qPrintable("exit " + QString::number(o.exitCode) + ": " + o.err));
        const QString last = o.err.trimmed().section('\n', -1);
        QVERIFY2(last.startsWith("espalier-cli: "), qPrintable("no error line: " + o.err));
        QVERIFY2(last.contains(file), qPrintable("the error does not name " + file + ": " + last));
        QVERIFY2(last.contains(reason), qPrintable("the error does not say '" + reason + "': " + last));
        qInfo("%s", qPrintable(last));
    }

    static void fullAndReadOnly()
    {
        QTest::addColumn<int>("disk");
        QTest::newRow("full") << int(Disk::Full);
        QTest::newRow("read-only") << int(Disk::ReadOnly);
    }

    static QStringList leftovers(const QString& dir)
    {
        QStringList out;
        QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString name = QFileInfo(it.next()).fileName();
            if (name.contains(".tmp") || name.endsWith(".partial"))
                out << name;
        }
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        QProcess probe;
        probe.start("unshare", {"-rm", "bash", "-c", "mount -t tmpfs -o size=1m tmpfs " + quoted(tmp_.path())});
        if (!probe.waitForFinished(30000) || probe.exitStatus() != QProcess::NormalExit || probe.exitCode() != 0)
            QSKIP(qPrintable("no private mount namespace here (unshare -rm; mount -t tmpfs): "
                             + QString::fromUtf8(probe.readAllStandardError()).trimmed()));
        qputenv("OMP_NUM_THREADS", "1");
        corpus_ = tmp_.filePath("seed-corpus/corpus");
        const Run synth = cli({"-q", "corpus", "synth", "--out", corpus_, "--utterances", "30", "--seed", "5"});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
        run_ = tmp_.filePath("seed-run/run");
        const Run train = cli({"-q", "--threads", "1", "train", "--config", "tiny", "--corpus", corpus_, "--out", run_, "--steps", "2"});
        QVERIFY2(train.exitCode == 0, qPrintable(train.err));
        model_ = tmp_.filePath("seed-model/model.espm");
        QDir().mkpath(tmp_.filePath("seed-model"));
        QCOMPARE(cli({"-q", "export", "--model", run_, "--out", model_}).exitCode, 0);
        QCOMPARE(cli({"-q", "project", "create", tmp_.filePath("seed-project"), "--name", "disk"}).exitCode, 0);
        QCOMPARE(cli({"-q", "device", "add", "board", "--ssh", "user@board:22", "--project", tmp_.filePath("seed-project")}).exitCode, 0);
    }

    void exportOnAFullDisk_data() { fullAndReadOnly(); }
    void exportOnAFullDisk()
    {
        QFETCH(int, disk);
        const QString seed = tmp_.filePath("seed-model");
        const Outcome o = runOnDisk(seed, Disk(disk), 64, {"-q", "export", "--model", run_, "--sparse", "csr", "--out", "$D/model.espm"});
        expectCleanFailure(o, "model.espm", Disk(disk) == Disk::Full ? "No space left on device" : "Read-only file system");
        QVERIFY(treeDigest(o.after, false, "zz-filler") == treeDigest(seed, false));
        QCOMPARE(leftovers(o.after), QStringList());
    }

    void trainingCheckpointOnAFullDisk()
    {
        // Room for the metrics, not for the next checkpoint: the run stops with the checkpoint's
        // path and the reason; the checkpoints it had are untouched and it resumes once there is room.
        const QString seed = tmp_.filePath("seed-run");
        const Outcome o = runOnDisk(seed, Disk::Full, 512,
                                    {"-q", "--threads", "1", "train", "--out", "$D/run", "--resume", "--steps", "4"});
        expectCleanFailure(o, "step-00000004.pt", "No space left on device");
        for (const char* kept : {"checkpoints/step-00000002.pt", "checkpoints/best.pt", "units.txt", "global_cmvn.json"})
            QVERIFY2(readAll(o.after + "/run/" + kept) == readAll(run_ + "/" + kept), kept);
        QCOMPARE(leftovers(o.after), QStringList());
        const Run resumed = cli({"-q", "--threads", "1", "train", "--out", o.after + "/run", "--resume", "--steps", "4"});
        QVERIFY2(resumed.exitCode == 0, qPrintable(resumed.err));
    }

    void corpusSynthesisOnAFullDisk()
    {
        const QString seed = tmp_.filePath("seed-corpus");
        const Outcome o = runOnDisk(seed, Disk::Full, 256,
                                    {"-q", "corpus", "synth", "--out", "$D/corpus", "--utterances", "60", "--seed", "6", "--overwrite"});
        expectCleanFailure(o, "corpus", "No space left on device");
        QVERIFY(treeDigest(o.after, false, "zz-filler") == treeDigest(seed, false));
        QCOMPARE(leftovers(o.after), QStringList());
    }

    void devicesYamlOnAFullOrReadOnlyDisk_data() { fullAndReadOnly(); }
    void devicesYamlOnAFullOrReadOnlyDisk()
    {
        QFETCH(int, disk);
        const QString seed = tmp_.filePath("seed-project");
        const Outcome o = runOnDisk(seed, Disk(disk), 0,
                                    {"-q", "device", "add", "phone", "--adb", "--project", "$D"});
        expectCleanFailure(o, "devices.yaml", Disk(disk) == Disk::Full ? "No space left on device" : "Read-only file system");
        QVERIFY(treeDigest(o.after, false, "zz-filler") == treeDigest(seed, false));
        QCOMPARE(leftovers(o.after), QStringList());
    }
};

QTEST_GUILESS_MAIN(TestDiskErrors)
#include "test_disk_errors.moc"
