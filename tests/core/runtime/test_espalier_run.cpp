// espalier-run end to end, run as a separate process: output, JSON, exit codes and error lines.
#include <QtTest>

namespace {

struct Result {
    int exitCode = -1;
    QByteArray out;
    QByteArray err;
};

Result runRunner(const QStringList& args)
{
    QProcess p;
    p.start(QStringLiteral(ESPALIER_RUN), args);
    Result r;
    if (!p.waitForFinished(60000) || p.exitStatus() != QProcess::NormalExit)
        return r;
    r.exitCode = p.exitCode();
    r.out = p.readAllStandardOutput();
    r.err = p.readAllStandardError();
    return r;
}

const QString kWav16k = QStringLiteral(ESPALIER_FIXTURES_DIR "/fbank/chirp16k_80.wav");
const QString kWav8k = QStringLiteral(ESPALIER_FIXTURES_DIR "/fbank/chirp8k_40.wav");

} // namespace

class TestEspalierRun : public QObject {
    Q_OBJECT

private slots:
    void version()
    {
        const Result r = runRunner({"--version"});
        QCOMPARE(r.exitCode, 0);
        QCOMPARE(r.out.trimmed(), QByteArray("espalier-run " ESPALIER_EXPECTED_VERSION));
    }

    void help()
    {
        const Result r = runRunner({"--help"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("espalier-run fbank WAV"));
    }

    void fbankText()
    {
        const Result r = runRunner({"fbank", kWav16k, "--runs", "3"});
        QCOMPARE(r.exitCode, 0);
        QVERIFY2(r.out.contains("148 frames x 80 bins"), r.out.constData());
        QVERIFY2(r.out.contains("x real time"), r.out.constData());
        QVERIFY(r.err.isEmpty());
    }

    void fbankJson_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("rate");
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("bins");
        QTest::addColumn<int>("runs");
        QTest::newRow("16 kHz default") << QStringList{"fbank", kWav16k, "--json"} << 16000 << 148 << 80 << 10;
        QTest::newRow("16 kHz, 40 bins") << QStringList{"fbank", "--bins=40", kWav16k, "--json", "--runs", "2"}
                                         << 16000 << 148 << 40 << 2;
        QTest::newRow("8 kHz with --rate") << QStringList{"fbank", kWav8k, "--rate", "8000", "--json", "--runs=1"}
                                           << 8000 << 98 << 80 << 1;
    }

    void fbankJson()
    {
        QFETCH(QStringList, args);
        QFETCH(int, rate);
        QFETCH(int, frames);
        QFETCH(int, bins);
        QFETCH(int, runs);
        const Result r = runRunner(args);
        QCOMPARE(r.exitCode, 0);
        QJsonParseError error;
        const QJsonDocument doc = QJsonDocument::fromJson(r.out, &error);
        QVERIFY2(error.error == QJsonParseError::NoError && doc.isObject(), r.out.constData());
        const QJsonObject o = doc.object();
        QCOMPARE(o["sample_rate"].toInt(), rate);
        QCOMPARE(o["frames"].toInt(), frames);
        QCOMPARE(o["bins"].toInt(), bins);
        QCOMPARE(o["runs"].toInt(), runs);
        QCOMPARE(o["file"].toString(), args[args.indexOf(QRegularExpression(".*\\.wav"))]);
        QVERIFY(o["median_ms"].toDouble() > 0.0);
        QVERIFY(o["x_realtime"].toDouble() > 0.0);
        QCOMPARE(r.out.count('\n'), 1);
    }

    void badInput_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::addColumn<int>("exitCode");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no arguments") << QStringList{} << 2 << "Usage";
        QTest::newRow("unknown subcommand") << QStringList{"transmogrify"} << 2 << "unknown subcommand";
        QTest::newRow("unknown option") << QStringList{"fbank", kWav16k, "--frobnicate"} << 2 << "--frobnicate";
        QTest::newRow("missing WAV") << QStringList{"fbank"} << 2 << "missing WAV";
        QTest::newRow("two WAVs") << QStringList{"fbank", kWav16k, kWav8k} << 2 << "second";
        QTest::newRow("bins too few") << QStringList{"fbank", kWav16k, "--bins", "2"} << 2 << "--bins";
        QTest::newRow("bins not a number") << QStringList{"fbank", kWav16k, "--bins", "80x"} << 2 << "'80x'";
        QTest::newRow("runs zero") << QStringList{"fbank", kWav16k, "--runs", "0"} << 2 << "--runs";
        QTest::newRow("runs without value") << QStringList{"fbank", kWav16k, "--runs"} << 2 << "needs a value";
        QTest::newRow("8 kHz without --rate") << QStringList{"fbank", kWav8k} << 2 << "--rate 8000";
        QTest::newRow("rate mismatch") << QStringList{"fbank", kWav16k, "--rate", "8000"} << 2 << "cannot resample";
        QTest::newRow("not a WAV") << QStringList{"fbank", ESPALIER_FIXTURES_DIR "/fbank/chirp8k_40.txt"} << 2
                                   << "not a supported WAV file";
        QTest::newRow("missing file") << QStringList{"fbank", "/nonexistent/espalier.wav"} << 1 << "cannot open";
    }

    void badInput()
    {
        QFETCH(QStringList, args);
        QFETCH(int, exitCode);
        QFETCH(QString, expected);
        const Result r = runRunner(args);
        QCOMPARE(r.exitCode, exitCode);
        QVERIFY(r.out.isEmpty());
        QVERIFY2(QString::fromUtf8(r.err).contains(expected), r.err.constData());
        if (!args.isEmpty())  // a bare call prints the help text instead of one line
            QCOMPARE(r.err.count('\n'), 1);
    }
};

QTEST_GUILESS_MAIN(TestEspalierRun)
#include "test_espalier_run.moc"
