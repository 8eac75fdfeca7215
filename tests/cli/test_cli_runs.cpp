// espalier-cli runs / report / project reindex as separate processes: listing and filtering the
// store, comparing with a baseline, reports in every format, deletion that needs confirming, bad
// arguments named — and real processes tagging and reindexing one project at once losing nothing.
#include "tests/cli/cli_runner.h"
#include "tests/core/project/run_fixture.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <filesystem>

using clitest::cli;

class TestCliRuns : public QObject {
    Q_OBJECT
    QTemporaryDir dir_;
    QString project_;

    QJsonArray listJson(const QStringList& extra = {})
    {
        const auto r = cli(QStringList{"--json", "runs", "list", "--project", project_} + extra);
        if (r.exitCode != 0)
            qWarning("%s", qPrintable(r.err));
        return QJsonDocument::fromJson(r.out.toUtf8()).object().value("runs").toArray();
    }

private slots:
    void initTestCase()
    {
        project_ = dir_.filePath("p");
        QCOMPARE(cli({"project", "create", project_, "--name", "Runs"}).exitCode, 0);
        const std::string runs = project_.toStdString() + "/runs";
        runfixture::writeRun(runs, {"20261201-dense", "", 1, 0.002, 100, {{"test_clean", 0.10}, {"test_noisy", 0.25}}, 0.12});
        runfixture::writeRun(runs, {"20261202-sparse70", "recipe: r70.yaml\n", 1, 0.002, 100,
                                    {{"test_clean", 0.125}, {"test_noisy", 0.27}}, 0.14, 0.7});
        runfixture::writeRun(runs, {"20261203-paused", "", 2, 0.001, 50, {}, 0.3});
    }

    void listAndFilter()
    {
        QCOMPARE(listJson().size(), 3);
        QCOMPARE(listJson({"--kind", "prune"}).size(), 1);
        QCOMPARE(listJson({"--state", "stopped"}).first().toObject().value("id").toString(), QString("20261203-paused"));
        QCOMPARE(listJson({"--where", "optimizer.lr=0.001000"}).size(), 1);
        const auto text = cli({"runs", "list", "--project", project_});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("20261202-sparse70") && text.out.contains("70.00 %") && text.out.contains("3 runs"),
                 qPrintable(text.out));
        QVERIFY(QFile::exists(project_ + "/espalier.db"));
    }

    void compareWithABaseline()
    {
        const auto r = cli({"--json", "runs", "compare", "--project", project_, "20261201-dense", "20261202-sparse70"});
        QCOMPARE(r.exitCode, 0);
        const QJsonObject c = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(c.value("baseline").toInt(), 0);
        for (const QJsonValue& m : c.value("metrics").toArray())
            if (m.toObject().value("key") == "test_cer.test_clean")
                QVERIFY(std::fabs(m.toObject().value("deltas").toArray().at(1).toDouble() - 0.025) < 1e-9);
        QCOMPARE(c.value("differences").toObject().keys(), QStringList{"recipe"});

        const auto text = cli({"runs", "compare", "--project", project_, "20261201-dense", "20261202-sparse70", "--baseline",
                               "20261202-sparse70"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY2(text.out.contains("10.00 % (−2.50)") && text.out.contains("recipe"), qPrintable(text.out));
    }

    void reportsInEveryFormat()
    {
        for (const QString& ext : {"md", "html", "csv"}) {
            const QString out = dir_.filePath("report." + ext);
            const auto r = cli({"report", "--project", project_, "--runs", "20261201-dense", "20261202-sparse70", "--out", out});
            QVERIFY2(r.exitCode == 0, qPrintable(r.err));
            const QString text = QString::fromUtf8(clitest::readAll(out));
            QVERIFY2(text.contains("12.50"), qPrintable(ext));
            QVERIFY2(text.contains("20261202-sparse70"), qPrintable(ext));
        }
        QVERIFY(QString::fromUtf8(clitest::readAll(dir_.filePath("report.md"))).contains("| CER test_clean | 10.00 % | 12.50 % (+2.50) |"));
        const auto zh = cli({"report", "--project", project_, "--runs", "20261201-dense", "20261202-sparse70", "--language",
                             "zh_CN", "--out", dir_.filePath("zh.md")});
        QCOMPARE(zh.exitCode, 0);
        QVERIFY(QString::fromUtf8(clitest::readAll(dir_.filePath("zh.md"))).contains("## 配置差异"));
    }

    void badArgumentsAreNamed_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<QString>("message");
        QTest::newRow("unknown run") << QStringList{"runs", "show", "--project", project_, "nope"} << "no run 'nope'";
        QTest::newRow("where") << QStringList{"runs", "list", "--project", project_, "--where", "lr"} << "--where lr: expected KEY=VALUE";
        QTest::newRow("format") << QStringList{"report", "--project", project_, "--out", dir_.filePath("r.docx")}
                                << "cannot tell the report format";
        QTest::newRow("language") << QStringList{"report", "--project", project_, "--language", "fr", "--out", dir_.filePath("r.md")}
                                  << "--language: no report language 'fr'";
        QTest::newRow("baseline") << QStringList{"runs", "compare", "--project", project_, "20261201-dense", "--baseline", "x"}
                                  << "baseline 'x' is not among";
        QTest::newRow("delete unconfirmed") << QStringList{"runs", "delete", "--project", project_, "20261203-paused"}
                                            << "add --yes to confirm";
        QTest::newRow("bad tag") << QStringList{"runs", "tag", "--project", project_, "20261201-dense", "a,b"}
                                 << "without commas";
    }
    void badArgumentsAreNamed()
    {
        QFETCH(QStringList, args);
        QFETCH(QString, message);
        const auto r = cli(args);
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(message), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir_.filePath("r.docx")) && !QFile::exists(dir_.filePath("r.md")));
        QVERIFY(QFile::exists(project_ + "/runs/20261203-paused/config.yaml"));
    }

    void aMissingProjectIsNamed()
    {
        const auto r = cli({"runs", "list", "--project", dir_.filePath("none")});
        QVERIFY(r.exitCode != 0);
        QVERIFY2(r.err.contains(dir_.filePath("none")), qPrintable(r.err));
    }

    void concurrentProcessesLoseNothing()
    {
        // Two processes tag one run at the same moment, round after round, while a third rebuilds
        // the index: every tag survives and the index equals one rebuilt from the folders.
        constexpr int kRounds = 8;
        for (int round = 0; round < kRounds; ++round) {
            QProcess a, b, c;
            a.start(ESPALIER_CLI, {"runs", "tag", "--project", project_, "20261201-dense", QString("a%1").arg(round)});
            b.start(ESPALIER_CLI, {"runs", "tag", "--project", project_, "20261201-dense", QString("b%1").arg(round)});
            c.start(ESPALIER_CLI, {"project", "reindex", project_});
            for (QProcess* p : {&a, &b, &c}) {
                QVERIFY(p->waitForFinished(60000));
                QVERIFY2(p->exitCode() == 0, p->readAllStandardError().constData());
            }
        }
        const QJsonArray before = listJson({"--all"});
        QJsonArray tags;
        for (const QJsonValue& run : before)
            if (run.toObject().value("id") == "20261201-dense")
                tags = run.toObject().value("tags").toArray();
        QCOMPARE(tags.size(), 2 * kRounds);
        QCOMPARE(cli({"project", "reindex", project_}).exitCode, 0);
        QCOMPARE(listJson({"--all"}), before);
    }

    void deleteWithConfirmation()
    {
        const auto r = cli({"runs", "delete", "--project", project_, "20261203-paused", "--yes"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(!QFile::exists(project_ + "/runs/20261203-paused"));
        QCOMPARE(listJson({"--all"}).size(), 2);
        QCOMPARE(cli({"runs", "archive", "--project", project_, "20261202-sparse70"}).exitCode, 0);
        QCOMPARE(listJson().size(), 1);
        QCOMPARE(listJson({"--all"}).size(), 2);
    }
};

QTEST_GUILESS_MAIN(TestCliRuns)
#include "test_cli_runs.moc"
