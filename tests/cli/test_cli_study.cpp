// espalier-cli study as a user runs it: a grid of real (tiny) training runs created, run one cell,
// interrupted with Ctrl-C in the middle of a cell, continued, and reported. Each cell runs once: the
// interrupted one resumes from its checkpoint, the finished ones are never run again.
#include "core/io/file_lock.h"
#include "tests/cli/cli_runner.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QThread>
#include <QtTest>

#include <csignal>
#include <optional>

using namespace clitest;

namespace {

QJsonObject lastJson(const Run& r)
{
    return QJsonDocument::fromJson(r.out.trimmed().split('\n').last().toUtf8()).object();
}

int lineCount(const QString& path)
{
    return int(readAll(path).count('\n'));
}

} // namespace

class TestCliStudy : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString project_;

    // Cell states by run id, from `study status --json`.
    std::map<QString, QString> states()
    {
        const Run r = cli({"--json", "study", "status", "seeds", "--project", project_});
        std::map<QString, QString> out;
        for (const QJsonValue& c : lastJson(r)["cells"].toArray())
            out[c.toObject()["run"].toString()] = c.toObject()["state"].toString();
        return out;
    }
    QJsonArray launches(const QString& run)
    {
        return QJsonDocument::fromJson(readAll(project_ + "/runs/" + run + "/run.json")).object()["launches"].toArray();
    }

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        qputenv("OMP_NUM_THREADS", "1");
        project_ = tmp_.filePath("project");
        QCOMPARE(cli({"-q", "project", "create", project_, "--name", "studies"}).exitCode, 0);
        const Run synth = cli({"-q", "corpus", "synth", "--out", project_ + "/corpus", "--utterances", "40", "--seed", "5"});
        QVERIFY2(synth.exitCode == 0, qPrintable(synth.err));
    }

    void createWritesTheGrid()
    {
        const Run r = cli({"--json", "study", "create", "seeds", "--project", project_, "--base", "tiny", "--corpus", "corpus",
                           "--set", "steps=24", "--set", "log_every=1", "--set", "eval_every=0", "--set", "threads=1",
                           "--axis", "seed=1,2,3"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(lastJson(r)["cells"].toArray().size(), 3);
        QVERIFY(readAll(project_ + "/studies/seeds/study.yaml").contains("seed"));
        const Run list = cli({"study", "list", "--project", project_});
        QVERIFY2(list.out.contains("seeds") && list.out.contains("3"), qPrintable(list.out));
    }

    void badInputIsRefused()
    {
        const Run axis = cli({"study", "create", "bad", "--project", project_, "--base", "tiny", "--corpus", "corpus",
                              "--axis", "optimizer.lr=0.1,fast"});
        QCOMPARE(axis.exitCode, 2);
        QVERIFY2(axis.err.contains("cell bad-fast") && axis.err.contains("optimizer.lr"), qPrintable(axis.err));
        QVERIFY(!QFileInfo::exists(project_ + "/studies/bad"));
        const Run none = cli({"study", "run", "nonesuch", "--project", project_});
        QCOMPARE(none.exitCode, 2);
        QVERIFY2(none.err.contains("no study 'nonesuch'") && none.err.contains("seeds"), qPrintable(none.err));
    }

    void runOneCell()
    {
        const Run r = cli({"--json", "study", "run", "seeds", "--project", project_, "--max-cells", "1"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(lastJson(r)["ran"].toInt(), 1);
        const auto s = states();
        QCOMPARE(s.at("seeds-seed1"), QString("done"));
        QCOMPARE(s.at("seeds-seed2"), QString("queued"));
    }

    void interruptInTheMiddleOfACell()
    {
        QProcess p;
        p.start(ESPALIER_CLI, {"-q", "study", "run", "seeds", "--project", project_});
        QVERIFY(p.waitForStarted());
        const QString metrics = project_ + "/runs/seeds-seed2/metrics.jsonl";
        QElapsedTimer clock;
        clock.start();
        while (lineCount(metrics) < 3 && clock.elapsed() < 120000 && p.state() == QProcess::Running)
            QThread::msleep(20);
        QVERIFY2(p.state() == QProcess::Running, "the study finished before it could be interrupted");
        QCOMPARE(states().at("seeds-seed2"), QString("running"));  // its lock is held
        ::kill(pid_t(p.processId()), SIGINT);
        QVERIFY(p.waitForFinished(120000));
        QCOMPARE(p.exitCode(), 130);
        const auto s = states();
        QCOMPARE(s.at("seeds-seed1"), QString("done"));
        QCOMPARE(s.at("seeds-seed2"), QString("interrupted"));
        QCOMPARE(s.at("seeds-seed3"), QString("queued"));
    }

    void continueRunsWhatIsLeftOnce()
    {
        const Run r = cli({"--json", "study", "run", "seeds", "--project", project_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err + r.out));
        QCOMPARE(lastJson(r)["ran"].toInt(), 2);
        QCOMPARE(lastJson(r)["already_done"].toInt(), 1);
        for (const auto& [id, state] : states())
            QCOMPARE(state, QString("done"));
        QCOMPARE(launches("seeds-seed1").size(), 1);
        QCOMPARE(launches("seeds-seed3").size(), 1);
        const QJsonArray second = launches("seeds-seed2");
        QCOMPARE(second.size(), 2);  // stopped, then resumed to the end
        QCOMPARE(second[0].toObject()["status"].toString(), QString("stopped"));
        QVERIFY(second[0].toObject()["steps"].toInt() < 24);
        QCOMPARE(second[1].toObject()["steps"].toInt(), 24);
        QVERIFY(QJsonDocument::fromJson(readAll(project_ + "/runs/seeds-seed2/run.json")).object()["command"].toString().contains("--resume"));

        // Again, with its report: nothing is trained twice, and the report comes out.
        const QString html = tmp_.filePath("seeds.html");
        QCOMPARE(cli({"study", "run", "seeds", "--project", project_, "--report", tmp_.filePath("seeds.docx")}).exitCode, 2);
        const Run again = cli({"--json", "study", "run", "seeds", "--project", project_, "--report", html, "--language", "zh_CN"});
        QCOMPARE(again.exitCode, 0);
        QCOMPARE(lastJson(again)["ran"].toInt(), 0);
        QCOMPARE(launches("seeds-seed1").size(), 1);
        QVERIFY(QString::fromUtf8(readAll(html)).contains("seeds-seed2"));

        // A run folder being trained refuses a second trainer, and its cell reads as running.
        const QString run = project_ + "/runs/seeds-seed1";
        std::optional<espalier::io::FileLock> trainer = espalier::io::FileLock::tryLock((run + "/.lock").toStdString());
        QVERIFY(trainer);
        const Run busy = cli({"-q", "train", "--out", run, "--resume", "--steps", "30"});
        QCOMPARE(busy.exitCode, 2);
        QVERIFY2(busy.err.contains("is being trained by another process"), qPrintable(busy.err));
        QCOMPARE(states().at("seeds-seed1"), QString("running"));
        trainer.reset();
        QCOMPARE(states().at("seeds-seed1"), QString("done"));
    }

    void reportTheStudy()
    {
        const Run compare = cli({"--json", "runs", "compare", "--project", project_, "--study", "seeds"});
        QVERIFY2(compare.exitCode == 0, qPrintable(compare.err));
        const QJsonArray columns = lastJson(compare)["columns"].toArray();
        QCOMPARE(columns.size(), 3);
        QCOMPARE(columns[0].toObject()["label"].toString().contains("seed1"), true);
        const QString md = tmp_.filePath("seeds.md");
        const Run report = cli({"report", "--project", project_, "--study", "seeds", "--group-seeds", "--out", md});
        QVERIFY2(report.exitCode == 0, qPrintable(report.err));
        const QString text = QString::fromUtf8(readAll(md));
        QVERIFY2(text.contains("±"), qPrintable(text));  // three seeds folded into mean ± spread
        QVERIFY(text.contains("seeds-seed3"));
    }
};

QTEST_GUILESS_MAIN(TestCliStudy)
#include "test_cli_study.moc"
