// espalier-cli augment as a user runs it: preview writes the augmented WAV, two PNGs and the ops
// JSON with the right content; stats over a synthesised corpus; presets; bad pipelines exit 2 with
// file:line: field.
#include "core/audio/audio_file.h"
#include "tests/cli/cli_runner.h"

#include <QDir>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {
using clitest::cli;
using clitest::Run;
using clitest::readAll;

void writeText(const QString& path, const QByteArray& text)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(text);
}

// Width and height from a PNG's IHDR, or (0, 0) when it is not a PNG.
QSize pngSize(const QByteArray& png)
{
    if (!png.startsWith(QByteArray("\x89PNG\r\n\x1a\n", 8)) || png.mid(12, 4) != "IHDR")
        return {};
    auto u32 = [&png](int at) {
        return int((uchar(png[at]) << 24) | (uchar(png[at + 1]) << 16) | (uchar(png[at + 2]) << 8) | uchar(png[at + 3]));
    };
    return {u32(16), u32(20)};
}
} // namespace

class TestCliAugment : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    QString corpus_;
    QString wav_;

private slots:
    void initTestCase()
    {
        QVERIFY(tmp_.isValid());
        corpus_ = tmp_.filePath("demo");
        const Run r = cli({"-q", "corpus", "synth", "--out", corpus_, "--utterances", "16", "--seed", "5"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        wav_ = corpus_ + "/wav/" + QDir(corpus_ + "/wav").entryList({"*.wav"}).first();
    }

    void help_data()
    {
        QTest::addColumn<QStringList>("args");
        QTest::newRow("augment") << QStringList{"augment", "--help"};
        QTest::newRow("preview") << QStringList{"augment", "preview", "--help"};
        QTest::newRow("stats") << QStringList{"augment", "stats", "--help"};
        QTest::newRow("presets") << QStringList{"augment", "presets", "--help"};
    }
    void help()
    {
        QFETCH(QStringList, args);
        const Run r = cli(args);
        QCOMPARE(r.exitCode, 0);
        QVERIFY(r.out.contains("Usage"));
    }

    void presetsListAndShow()
    {
        const Run r = cli({"augment", "presets"});
        QCOMPARE(r.exitCode, 0);
        for (const char* name : {"wenet-aishell", "espnet-nemo", "wenet-aishell+speed", "seed-full"})
            QVERIFY2(r.out.contains(name), qPrintable(r.out));
        QVERIFY(r.out.contains("speed -> spec_augment"));

        const Run j = cli({"--json", "augment", "presets"});
        const QJsonArray list = QJsonDocument::fromJson(j.out.toUtf8()).object()["presets"].toArray();
        QCOMPARE(list.size(), 4);
        QCOMPARE(list[2].toObject()["name"].toString(), QString("wenet-aishell+speed"));

        // --show prints a file the loader accepts: feed it back as --pipeline.
        const Run show = cli({"augment", "presets", "--show", "espnet-nemo"});
        QCOMPARE(show.exitCode, 0);
        QVERIFY(show.out.startsWith("espalier_augment: 1\n"));
        QVERIFY(show.out.contains("freq_width: 27"));
        QVERIFY(show.out.contains("time_width_ratio: 0.05"));
        const QString file = tmp_.filePath("espnet.yaml");
        writeText(file, show.out.toUtf8());
        const Run preview = cli({"-q", "augment", "preview", wav_, "--pipeline", file, "--out", tmp_.filePath("p0")});
        QVERIFY2(preview.exitCode == 0, qPrintable(preview.err));

        const Run unknown = cli({"augment", "presets", "--show", "kaldi"});
        QCOMPARE(unknown.exitCode, 2);
        QVERIFY(unknown.err.contains("seed-full"));
    }

    void previewWritesAllFour()
    {
        const QString out = tmp_.filePath("preview");
        const Run r = cli({"--json", "augment", "preview", wav_, "--preset", "wenet-aishell+speed", "--seed", "9",
                           "--out", out});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QJsonObject printed = QJsonDocument::fromJson(r.out.toUtf8()).object();
        QCOMPARE(printed["pipeline"].toString(), QString("wenet-aishell+speed"));

        const QJsonObject doc = QJsonDocument::fromJson(readAll(out + "/ops.json")).object();
        const QJsonArray ops = doc["ops"].toArray();
        QCOMPARE(ops.size(), 2);
        QCOMPARE(printed["ops"].toArray(), ops);
        const QJsonObject speed = ops[0].toObject();
        QCOMPARE(speed["type"].toString(), QString("speed"));
        QCOMPARE(speed["index"].toInt(), 0);
        QVERIFY(speed["applied"].toBool());
        const double factor = speed["values"].toObject()["factor"].toDouble();
        QVERIFY2(factor == 0.9 || factor == 1.0 || factor == 1.1, qPrintable(QString::number(factor)));
        const QJsonObject spec = ops[1].toObject();
        QCOMPARE(spec["type"].toString(), QString("spec_augment"));
        const QJsonArray masks = spec["masks"].toArray();
        QCOMPARE(masks.size(), 4);
        int frequency = 0;
        for (const auto& m : masks) {
            const QJsonObject o = m.toObject();
            frequency += o["axis"].toString() == "frequency";
            QVERIFY(o["width"].toInt() >= 0 && o["width"].toInt() <= (o["axis"].toString() == "time" ? 50 : 10));
            QVERIFY(o["start"].toInt() >= 0);
        }
        QCOMPARE(frequency, 2);

        // The WAV is the input at the speed factor; frames follow from its length.
        const auto input = espalier::audio::readAudio(wav_.toStdString(), 16000);
        const auto augmented = espalier::audio::readAudio((out + "/augmented.wav").toStdString());
        QCOMPARE(augmented.sampleRate, 16000);
        QVERIFY(std::abs(augmented.duration() - input.duration() / factor) < 0.01);
        QCOMPARE(doc["output_duration_s"].toDouble(), augmented.duration());
        QCOMPARE(doc["frames_after"].toInt(), 1 + (int(augmented.samples.size()) - 400) / 160);

        // Two PNGs: the same height (bins), widths proportional to the frame counts.
        const QSize before = pngSize(readAll(out + "/before.png"));
        const QSize after = pngSize(readAll(out + "/after.png"));
        QVERIFY(before.height() >= 240 && before.height() == after.height());
        QVERIFY(before.width() >= doc["frames_before"].toInt());
        QVERIFY(after.width() >= doc["frames_after"].toInt());
        QVERIFY(readAll(out + "/before.png") != readAll(out + "/after.png"));

        // Same seed: the same files; another seed: other draws.
        const QString again = tmp_.filePath("again");
        QCOMPARE(cli({"-q", "augment", "preview", wav_, "--preset", "wenet-aishell+speed", "--seed", "9", "--out", again})
                     .exitCode,
                 0);
        QCOMPARE(readAll(again + "/augmented.wav"), readAll(out + "/augmented.wav"));
        QCOMPARE(readAll(again + "/after.png"), readAll(out + "/after.png"));
        QCOMPARE(readAll(again + "/ops.json"), readAll(out + "/ops.json"));
        const QString other = tmp_.filePath("other");
        QCOMPARE(cli({"-q", "augment", "preview", wav_, "--preset", "wenet-aishell+speed", "--seed", "10", "--out", other})
                     .exitCode,
                 0);
        QVERIFY(readAll(other + "/after.png") != readAll(out + "/after.png"));
    }

    void previewPrintsTheOps()
    {
        const Run r = cli({"augment", "preview", wav_, "--preset", "seed-full", "--out", tmp_.filePath("full")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        for (const char* op : {"1. speed", "2. crop", "3. gain", "4. noise", "5. reverb", "6. spec_augment"})
            QVERIFY2(r.out.contains(op), qPrintable(r.out));
    }

    void statsJson()
    {
        const Run r = cli({"--json", "augment", "stats", corpus_ + "/train", "--preset", "wenet-aishell+speed", "--seed",
                           "2"});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        const QStringList lines = r.out.trimmed().split('\n');
        const QJsonObject o = QJsonDocument::fromJson(lines.last().toUtf8()).object();
        QCOMPARE(o["event"].toString(), QString("augment_stats"));
        const int n = o["utterances"].toInt();
        QVERIFY(n > 5);
        const QJsonObject ratio = o["duration_ratio"].toObject();
        QCOMPARE(ratio["count"].toInt(), n);
        QVERIFY(ratio["min"].toDouble() > 1 / 1.1 - 0.01 && ratio["max"].toDouble() < 1 / 0.9 + 0.01);
        QVERIFY(o["masked_frame_fraction"].toObject()["mean"].toDouble() > 0);
        QVERIFY(o["masked_bin_fraction"].toObject()["max"].toDouble() <= 20.0 / 80.0);
        QCOMPARE(o["snr_db"].toObject()["count"].toInt(), 0);
        const QJsonArray ops = o["ops"].toArray();
        QCOMPARE(ops.size(), 2);
        QCOMPARE(ops[0].toObject()["applied"].toInt(), n);
        // Progress came as JSON-lines events before the result.
        QVERIFY(lines.size() >= 3);
        QVERIFY(r.out.contains("\"event\":\"progress\""));

        const Run limited = cli({"--json", "augment", "stats", corpus_, "--preset", "seed-full", "--limit", "4"});
        QCOMPARE(limited.exitCode, 0);
        const QJsonObject l = QJsonDocument::fromJson(limited.out.trimmed().split('\n').last().toUtf8()).object();
        QCOMPARE(l["utterances"].toInt(), 4);

        const Run text = cli({"-q", "augment", "stats", corpus_ + "/dev", "--preset", "seed-full"});
        QCOMPARE(text.exitCode, 0);
        QVERIFY(text.out.contains("duration"));
        QVERIFY(text.out.contains("masked"));
        QVERIFY(text.out.contains("spec_augment"));
    }

    void badPipelineExit2_data()
    {
        QTest::addColumn<QByteArray>("yaml");
        QTest::addColumn<QString>("expected");
        QTest::newRow("waveform after features")
            << QByteArray("espalier_augment: 1\nops:\n  - {type: spec_augment}\n  - {type: speed}\n") << "bad.yaml:4: op 2 (speed)";
        QTest::newRow("negative width")
            << QByteArray("espalier_augment: 1\nops:\n  - {type: spec_augment, time_width: -5}\n") << "bad.yaml:3: op 1 (spec_augment): 'time_width'";
        QTest::newRow("syntax") << QByteArray("espalier_augment: 1\nops: [\n") << "invalid YAML";
    }
    void badPipelineExit2()
    {
        QFETCH(QByteArray, yaml);
        QFETCH(QString, expected);
        const QString file = tmp_.filePath("bad.yaml");
        writeText(file, yaml);
        for (const QStringList& args : {QStringList{"augment", "preview", wav_, "--pipeline", file, "--out", tmp_.filePath("x")},
                                        QStringList{"augment", "stats", corpus_ + "/dev", "--pipeline", file}}) {
            const Run r = cli(args);
            QCOMPARE(r.exitCode, 2);
            QVERIFY2(r.err.contains(expected), qPrintable(r.err));
            QVERIFY2(r.err.contains(file + ":"), qPrintable(r.err));  // file and line
            QCOMPARE(r.err.trimmed().count('\n'), 0);
        }
        QVERIFY(!QFile::exists(tmp_.filePath("x/ops.json")));

        const Run both = cli({"augment", "stats", corpus_, "--pipeline", file, "--preset", "seed-full"});
        QCOMPARE(both.exitCode, 2);
        const Run neither = cli({"augment", "stats", corpus_});
        QCOMPARE(neither.exitCode, 2);
        QVERIFY(neither.err.contains("--preset"));
    }
};

QTEST_GUILESS_MAIN(TestCliAugment)
#include "test_cli_augment.moc"
