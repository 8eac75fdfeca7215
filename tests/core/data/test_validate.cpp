#include "core/data/validate.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QtTest>

using namespace espalier;
using namespace espalier::data;
using datatest::pathIn;
using datatest::writeText;

namespace {

void appendText(const std::string& path, const std::string& content)
{
    std::ofstream(path, std::ios::binary | std::ios::app) << content;
}

// a: fine, b: audio missing, c: corrupt audio, d: only punctuation, e: empty text, f: fine.
UtteranceList problemUtterances(const QTemporaryDir& dir)
{
    UtteranceList list;
    for (const char* key : {"a", "b", "c", "d", "e", "f"})
        list.push_back({key, pathIn(dir, std::string("wav/") + key + ".wav"), "你好", 0.2, "s1"});
    list[3].text = "。！ ，";
    list[4].text.clear();
    for (const auto& u : list)
        if (u.key != "b" && u.key != "c") datatest::writeTone(u.audioPath, u.duration);
    writeText(list[2].audioPath, "RIFF\x10\0\0\0WAVEjunk that is not audio");
    return list;
}

QString describe(const ValidationReport& report)
{
    QStringList out;
    for (const auto& i : report.issues) out << QString::fromStdString(i.toString());
    return out.join(" | ");
}

} // namespace

class TestValidate : public QObject {
    Q_OBJECT

private slots:
    void findsEveryProblemWithItsLine_data()
    {
        QTest::addColumn<ManifestFormat>("format");
        QTest::newRow("kaldi") << ManifestFormat::Kaldi;
        QTest::newRow("wenet") << ManifestFormat::WeNet;
        QTest::newRow("nemo") << ManifestFormat::NeMo;
    }
    void findsEveryProblemWithItsLine()
    {
        QFETCH(ManifestFormat, format);
        QTemporaryDir dir;
        const UtteranceList list = problemUtterances(dir);
        std::string path, audioFile, textFile;
        if (format == ManifestFormat::Kaldi) {
            path = pathIn(dir, "kaldi");
            writeKaldiDir(path, list);
            audioFile = path + "/wav.scp";
            textFile = path + "/text";
            appendText(audioFile, "g sox g.flac -t wav - |\n");
        } else {
            path = audioFile = textFile = pathIn(dir, format == ManifestFormat::WeNet ? "data.list" : "m.json");
            if (format == ManifestFormat::WeNet)
                writeWenetList(path, list);
            else
                writeNemoManifest(path, list);
            appendText(path, "{\"oops\n");
        }

        std::vector<std::pair<size_t, size_t>> calls;
        const ValidationReport report =
            validateManifest(path, [&](size_t done, size_t total) { calls.push_back({done, total}); });
        QCOMPARE(report.format, format);
        QCOMPARE(report.utterances, size_t(6));
        QVERIFY(!report.ok());

        struct Expected {
            std::string file;
            int line;
            std::string key, message;
        };
        const std::vector<Expected> expected = {
            {audioFile, 2, "b", "audio file not found: '" + list[1].audioPath + "'"},
            {audioFile, 3, "c", list[2].audioPath},
            {textFile, 4, "d", "transcript is empty after normalisation"},
            {textFile, 5, "e", "empty transcript"},
            {audioFile, 7, format == ManifestFormat::Kaldi ? "g" : "",
             format == ManifestFormat::Kaldi ? "piped" : "bad JSON"},
        };
        QVERIFY2(report.issues.size() == expected.size(), qPrintable(describe(report)));
        for (const auto& e : expected) {
            bool found = false;
            for (const auto& i : report.issues)
                found = found || (i.file == e.file && i.line == e.line && i.key == e.key &&
                                  i.message.find(e.message) != std::string::npos);
            QVERIFY2(found, (e.file + ":" + std::to_string(e.line) + " [" + e.key + "] " + e.message + " not in " +
                             describe(report).toStdString()).c_str());
        }
        for (size_t i = 1; i < report.issues.size(); ++i)
            QVERIFY(report.issues[i - 1].file < report.issues[i].file ||
                    (report.issues[i - 1].file == report.issues[i].file &&
                     report.issues[i - 1].line <= report.issues[i].line));

        QCOMPARE(calls.size(), size_t(7));
        for (size_t i = 0; i < calls.size(); ++i) QCOMPARE(calls[i], std::make_pair(i, size_t(6)));
    }

    void cleanManifestIsOk()
    {
        QTemporaryDir dir;
        UtteranceList list = {{"a", pathIn(dir, "a.wav"), "你好", 0.0, ""}, {"b", pathIn(dir, "b.wav"), "OK", 0.0, ""}};
        for (const auto& u : list) datatest::writeTone(u.audioPath, 0.1);
        writeWenetList(pathIn(dir, "data.list"), list);
        const ValidationReport report = validateManifest(pathIn(dir, "data.list"));
        QVERIFY2(report.ok(), qPrintable(describe(report)));
        QCOMPARE(report.utterances, size_t(2));
    }

    void validatesEverySplitOfACorpus()
    {
        QTemporaryDir dir;
        UtteranceList train = {{"t1", pathIn(dir, "audio/t1.wav"), "一", 0.0, ""},
                               {"t2", pathIn(dir, "audio/t2.wav"), "二", 0.0, ""}};
        UtteranceList dev = {{"d1", pathIn(dir, "audio/d1.wav"), "", 0.0, ""}};
        datatest::writeTone(train[0].audioPath, 0.1);
        datatest::writeTone(dev[0].audioPath, 0.1);
        writeKaldiDir(pathIn(dir, "corpus/train"), train);
        writeWenetList(pathIn(dir, "corpus/dev/data.list"), dev);
        writeText(pathIn(dir, "corpus/notes/readme.txt"), "not a split\n");
        size_t lastTotal = 0;
        const ValidationReport report =
            validateManifest(pathIn(dir, "corpus"), [&](size_t, size_t total) { lastTotal = total; });
        QCOMPARE(report.utterances, size_t(3));
        QCOMPARE(lastTotal, size_t(3));
        QVERIFY2(report.issues.size() == 2, qPrintable(describe(report)));
        QCOMPARE(report.issues[0].file, pathIn(dir, "corpus/dev/data.list"));
        QCOMPARE(report.issues[0].line, 1);
        QCOMPARE(report.issues[1].file, pathIn(dir, "corpus/train/wav.scp"));
        QCOMPARE(report.issues[1].line, 2);
        QCOMPARE(report.issues[1].key, std::string("t2"));
    }

    void aishellProblemsPointAtTheTranscript()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "aishell");
        datatest::writeTone(root + "/wav/test/S0764/BAC009S0764W0121.wav", 0.1);
        writeText(root + "/wav/test/S0764/BAC009S0764W0122.wav", "garbage");
        writeText(root + "/transcript/aishell_transcript_v0.8.txt",
                  "BAC009S0764W0121 甚至 出现\nBAC009S0764W0122 交易 几乎\n");
        const ValidationReport report = validateManifest(root);
        QCOMPARE(report.format, ManifestFormat::Aishell);
        QCOMPARE(report.utterances, size_t(2));
        QVERIFY2(report.issues.size() == 1, qPrintable(describe(report)));
        QCOMPARE(report.issues[0].file, root + "/transcript/aishell_transcript_v0.8.txt");
        QCOMPARE(report.issues[0].line, 2);
        QCOMPARE(report.issues[0].key, std::string("BAC009S0764W0122"));
    }

    void progressMayCancel()
    {
        QTemporaryDir dir;
        const UtteranceList list = problemUtterances(dir);
        writeWenetList(pathIn(dir, "data.list"), list);
        size_t calls = 0;
        QVERIFY_THROWS_EXCEPTION(CancelledError, validateManifest(pathIn(dir, "data.list"), [&](size_t done, size_t) {
                                     ++calls;
                                     if (done == 2) throw CancelledError();
                                 }));
        QCOMPARE(calls, size_t(3));
    }

    void missingPathIsInputError()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(InputError, validateManifest(pathIn(dir, "nothing")));
        QVERIFY_THROWS_EXCEPTION(InputError, validateManifest(dir.path().toStdString()));  // empty folder
    }
};

QTEST_GUILESS_MAIN(TestValidate)
#include "test_validate.moc"
