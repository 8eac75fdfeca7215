// espalier-cli as a user runs it: synthesise a tiny corpus, validate it, break it, compute features,
// exit codes 0/1/2, --json output, --help on every subcommand.
#include "core/io/npy.h"
#include "tests/cli/cli_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using clitest::cli;
using clitest::Run;

class TestCli : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString corpus_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        corpus_ = tmp_.filePath("demo");
        const Run r = cli({"corpus", "synth", "--out", corpus_, "--utterances", "24", "--seed", "7"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(QFile::exists(corpus_ + "/train/data.list"));
        QVERIFY(QFile::exists(corpus_ + "/test_noisy/wav.scp"));
    }

    void version()
    {
        const Run r = cli({"--version"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.startsWith("espalier-cli "));
    }

    void helpForEverySubcommand_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("top") << QStringList{"--help"};
        QTest::newRow("features") << QStringList{"features", "--help"};
        QTest::newRow("cmvn") << QStringList{"cmvn", "--help"};
        QTest::newRow("corpus") << QStringList{"corpus", "--help"};
        QTest::newRow("corpus validate") << QStringList{"corpus", "validate", "--help"};
        QTest::newRow("corpus synth") << QStringList{"corpus", "synth", "--help"};
        QTest::newRow("corpus stats") << QStringList{"corpus", "stats", "--help"};
        QTest::newRow("corpus convert") << QStringList{"corpus", "convert", "--help"};
        QTest::newRow("train") << QStringList{"train", "--help"};
        QTest::newRow("eval") << QStringList{"eval", "--help"};
        QTest::newRow("runs") << QStringList{"runs", "--help"};
        QTest::newRow("model stats") << QStringList{"model", "stats", "--help"};
        QTest::newRow("recipe check") << QStringList{"recipe", "check", "--help"};
        QTest::newRow("prune") << QStringList{"prune", "--help"};
        QTest::newRow("recipe convert") << QStringList{"recipe", "convert", "--help"};
        QTest::newRow("project create") << QStringList{"project", "create", "--help"};
        QTest::newRow("project info") << QStringList{"project", "info", "--help"};
    }
    void helpForEverySubcommand()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Usage") || r.out.contains("usage"));
    }

    void badArgumentsExit2_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("no subcommand") << QStringList{};
        QTest::newRow("unknown subcommand") << QStringList{"frobnicate"};
        QTest::newRow("missing option") << QStringList{"features", "x.wav"};
        QTest::newRow("missing file") << QStringList{"features", "/nonexistent.wav", "--out", "/tmp/x.npy"};
        QTest::newRow("bad format") << QStringList{"corpus", "convert", "x", "--to", "mp3", "--out", "y"};
    }
    void badArgumentsExit2()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args);
        QVERIFY2(r.exitCode == 2 || (args.size() > 1 && args[1] == "/nonexistent.wav" && r.exitCode == 1),
                 qPrintable(QString::number(r.exitCode) + r.err));
        QVERIFY(!r.err.trimmed().isEmpty());
        QVERIFY(r.err.trimmed().count('\n') <= 2);  // one clear line (plus a usage hint)
    }

    void convertRefusesAFormatItCannotWrite()
    {
        // aishell and auto are formats it reads, not ones it writes: refused by name, nothing written.
        const QString out = tmp_.filePath("converted-aishell");
        const Run r = cli({"corpus", "convert", corpus_, "--to", "aishell", "--out", out});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains("--to: cannot write manifests in format 'aishell'"), qPrintable(r.err));
        QVERIFY(!QFileInfo::exists(out));
    }

    void aRunFolderWithoutACheckpointIsNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("eval") << QStringList{"eval", "--data", "x.json", "--model"};
        QTest::newRow("export") << QStringList{"export", "--out", "x.espm", "--model"};
        QTest::newRow("model stats") << QStringList{"model", "stats"};
    }
    void aRunFolderWithoutACheckpointIsNamed()
    {
        // A run killed before its first checkpoint: a config, no checkpoints/.
        QFETCH(QStringList, args);
        const QString run = tmp_.filePath("run-without-checkpoint");
        QVERIFY(QDir().mkpath(run));
        QFile config(run + "/config.yaml");
        QVERIFY(config.open(QIODevice::WriteOnly));
        config.write("steps: 10\n");
        config.close();
        const Run r = cli(args + QStringList{run});
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(run + ": no checkpoint here"), qPrintable(r.err));
    }

    void validateCleanCorpus()
    {
        const Run r = cli({"corpus", "validate", corpus_});
        QVERIFY2(r.exitCode == 0, qPrintable(r.out + r.err));
        QVERIFY(r.out.contains("0 problems"));
    }

    void validateReportsBadLines()
    {
        // A WeNet list with a missing file, an empty transcript, a corrupt WAV and a duplicate key.
        const QString dir = tmp_.filePath("broken");
        QDir().mkpath(dir);
        QFile corrupt(dir + "/corrupt.wav");
        QVERIFY(corrupt.open(QIODevice::WriteOnly));
        corrupt.write("RIFF\x10\x00\x00\x00WAVEjunkjunk");
        corrupt.close();
        QFile::copy(corpus_ + "/wav/" + QDir(corpus_ + "/wav").entryList({"*.wav"}).first(), dir + "/good.wav");
        QFile list(dir + "/data.list");
        QVERIFY(list.open(QIODevice::WriteOnly));
        list.write("{\"key\": \"a\", \"wav\": \"good.wav\", \"txt\": \"打开空调\"}\n"
                   "{\"key\": \"b\", \"wav\": \"missing.wav\", \"txt\": \"你好\"}\n"
                   "{\"key\": \"c\", \"wav\": \"good.wav\", \"txt\": \"\"}\n"
                   "{\"key\": \"d\", \"wav\": \"corrupt.wav\", \"txt\": \"你好\"}\n"
                   "{\"key\": \"a\", \"wav\": \"good.wav\", \"txt\": \"重复\"}\n"
                   "not json\n");
        list.close();
        const Run r = cli({"corpus", "validate", dir + "/data.list"});
        QCOMPARE(r.exitCode, 2);
        for (const char* where : {"data.list:2", "data.list:3", "data.list:4", "data.list:5", "data.list:6"})
            QVERIFY2(r.out.contains(where), qPrintable(QString(where) + "\n" + r.out));
        QVERIFY(!r.out.contains("data.list:1:"));

        const Run j = cli({"--json", "corpus", "validate", dir + "/data.list"});
        QCOMPARE(j.exitCode, 2);
        const QJsonObject o = QJsonDocument::fromJson(j.out.toUtf8()).object();
        QCOMPARE(o["ok"].toBool(), false);
        QVERIFY(o["issues"].toArray().size() >= 5);
    }

    void statsJson()
    {
        const Run r = cli({"--json", "corpus", "stats", corpus_});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const QJsonArray splits = o["splits"].toArray();
        QCOMPARE(splits.size(), 5);
        QCOMPARE(o["total"].toObject()["utterances"].toInt(), 24);
        QVERIFY(o["total"].toObject()["hours"].toDouble() > 0);
        QVERIFY(o["total"].toObject()["vocabulary"].toInt() > 10);
    }

    void featuresWritesNpy()
    {
        const QString wav = corpus_ + "/wav/" + QDir(corpus_ + "/wav").entryList({"*.wav"}).first();
        const QString out = tmp_.filePath("f.npy");
        const Run r = cli({"--json", "features", wav, "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject o = QJsonDocument::fromJson(r.out.toUtf8()).object();
        const auto npy = espalier::io::readNpy(out.toStdString());
        QCOMPARE(npy.shape.size(), size_t(2));
        QCOMPARE(int(npy.shape[0]), o["frames"].toInt());
        QCOMPARE(int(npy.shape[1]), 80);
        // frames = 1 + (samples - 400) / 160 for a 16 kHz file.
        QCOMPARE(o["frames"].toInt(), 1 + (qRound(o["duration_s"].toDouble() * 16000) - 400) / 160);
    }

    void cmvnOverManifest()
    {
        const QString out = tmp_.filePath("cmvn.json");
        const Run r = cli({"-q", "cmvn", corpus_ + "/dev", "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QFile f(out);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QJsonObject o = QJsonDocument::fromJson(f.readAll()).object();
        QCOMPARE(o["mean_stat"].toArray().size(), 80);
        QVERIFY(o["frame_num"].toInt() > 50);
    }

    void synthRefusesExistingFolder()
    {
        const Run r = cli({"corpus", "synth", "--out", corpus_, "--utterances", "10"});
        QCOMPARE(r.exitCode, 2);
        QVERIFY(r.err.contains(corpus_));
    }

    void synthJsonLinesEvents()
    {
        const Run r = cli({"--json", "corpus", "synth", "--out", tmp_.filePath("j"), "--utterances", "10"});
        QCOMPARE(r.exitCode, 0);
        const QStringList lines = r.out.trimmed().split('\n');
        QVERIFY(lines.size() > 2);
        bool sawProgress = false;
        for (const QString& line : lines) {
            const QJsonObject o = QJsonDocument::fromJson(line.toUtf8()).object();
            QVERIFY2(o.contains("event"), qPrintable(line));
            sawProgress = sawProgress || o["event"].toString() == "progress";
        }
        QVERIFY(sawProgress);
        QCOMPARE(QJsonDocument::fromJson(lines.last().toUtf8()).object()["outcome"].toString(), QString("succeeded"));
    }

    void projectCreateAndInfo()
    {
        const QString dir = tmp_.filePath("proj");
        QCOMPARE(cli({"project", "create", dir, "--name", "P"}).exitCode, 0);
        const Run info = cli({"--json", "project", "info", dir});
        QCOMPARE(info.exitCode, 0);
        QCOMPARE(QJsonDocument::fromJson(info.out.toUtf8()).object()["name"].toString(), QString("P"));
        QCOMPARE(cli({"project", "create", dir}).exitCode, 2);
    }
};

QTEST_GUILESS_MAIN(TestCli)
#include "test_cli.moc"
