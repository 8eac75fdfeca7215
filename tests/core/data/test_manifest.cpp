#include "core/data/manifest.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QtTest>

#include <filesystem>
#include <random>

using namespace espalier;
using namespace espalier::data;
using datatest::pathIn;
using datatest::writeText;

namespace {

std::string readAll(const std::string& path)
{
    std::ifstream in(path, std::ios::binary);
    return std::string((std::istreambuf_iterator<char>(in)), {});
}

// Three utterances with audio under dir/wav, speakers and durations set.
UtteranceList sampleUtterances(const QTemporaryDir& dir)
{
    UtteranceList list = {
        {"utt_b", pathIn(dir, "wav/utt_b.wav"), "hello world 你好", 0.5, "spk1"},
        {"utt_a", pathIn(dir, "wav/utt_a.wav"), "甲乙丙", 1.25, "spk2"},
        {"utt_c", pathIn(dir, "wav/sub/utt_c.wav"), "x", 0.25, "spk1"},
    };
    for (const auto& u : list) datatest::writeTone(u.audioPath, u.duration);
    return list;
}

QString describe(const std::vector<ManifestIssue>& issues)
{
    QStringList out;
    for (const auto& i : issues) out << QString::fromStdString(i.toString());
    return out.join(" | ");
}

} // namespace

class TestManifest : public QObject {
    Q_OBJECT

private slots:
    void formatNames()
    {
        for (auto f : {ManifestFormat::Auto, ManifestFormat::Kaldi, ManifestFormat::WeNet, ManifestFormat::NeMo,
                       ManifestFormat::Aishell})
            QCOMPARE(parseManifestFormat(manifestFormatNames().name(f)), f);
        QCOMPARE(parseManifestFormat("WeNet"), ManifestFormat::WeNet);
        try {
            parseManifestFormat("espnet");
            QFAIL("no exception");
        } catch (const InputError& e) {
            QVERIFY(QString(e.what()).contains("expected auto, kaldi, wenet, nemo or aishell, got 'espnet'"));
        }
    }

    void issueToString()
    {
        QCOMPARE(ManifestIssue({"a/text", 3, "u1", "empty transcript"}).toString(),
                 std::string("a/text:3: [u1] empty transcript"));
        QCOMPARE(ManifestIssue({"a/text", 0, "", "missing"}).toString(), std::string("a/text: missing"));
    }

    void roundTrip_data()
    {
        QTest::addColumn<ManifestFormat>("format");
        QTest::newRow("kaldi") << ManifestFormat::Kaldi;
        QTest::newRow("wenet") << ManifestFormat::WeNet;
        QTest::newRow("nemo") << ManifestFormat::NeMo;
    }
    void roundTrip()
    {
        QFETCH(ManifestFormat, format);
        QTemporaryDir dir, elsewhere;
        UtteranceList list = sampleUtterances(dir);
        list.push_back({"utt_out", pathIn(elsewhere, "utt_out.wav"), "外面", 0.75, "spk3"});
        datatest::writeTone(list.back().audioPath, 0.75);

        std::string path, listing;
        switch (format) {
        case ManifestFormat::Kaldi:
            path = pathIn(dir, "kaldi");
            writeKaldiDir(path, list);
            listing = readAll(path + "/wav.scp");
            break;
        case ManifestFormat::WeNet:
            path = pathIn(dir, "data.list");
            writeWenetList(path, list);
            listing = readAll(path);
            break;
        default:
            path = pathIn(dir, "manifest.json");
            writeNemoManifest(path, list);
            listing = readAll(path);
            break;
        }
        QCOMPARE(detectManifestFormat(path), format);

        // Paths inside the output folder are written relative to it, others stay absolute.
        if (format == ManifestFormat::Kaldi) {
            QVERIFY(listing.find("utt_b ../wav/utt_b.wav") == std::string::npos);
            QVERIFY(listing.find("utt_b " + pathIn(dir, "wav/utt_b.wav")) != std::string::npos);
        } else {
            QVERIFY2(listing.find("\"wav/sub/utt_c.wav\"") != std::string::npos, listing.c_str());
            QVERIFY(listing.find("你好") != std::string::npos || format == ManifestFormat::NeMo);
        }
        QVERIFY(listing.find(list.back().audioPath) != std::string::npos);

        const ManifestReadResult back = readManifest(path);
        QVERIFY2(back.issues.empty(), qPrintable(describe(back.issues)));
        QCOMPARE(back.utterances.size(), list.size());
        QCOMPARE(back.audioLines, (std::vector<int>{1, 2, 3, 4}));
        for (size_t i = 0; i < list.size(); ++i) {
            const Utterance& a = list[i];
            const Utterance& b = back.utterances[i];
            QCOMPARE(b.key, a.key);
            QCOMPARE(b.audioPath, a.audioPath);
            QCOMPARE(b.text, a.text);
            if (format != ManifestFormat::WeNet) QCOMPARE(b.duration, a.duration);
            if (format == ManifestFormat::Kaldi) QCOMPARE(b.speaker, a.speaker);
        }
        QCOMPARE(loadManifest(path).size(), list.size());
    }

    void kaldiWritesKaldiFiles()
    {
        QTemporaryDir dir;
        UtteranceList list = sampleUtterances(dir);
        list[1].speaker.clear();
        list[2].duration = 0.0;
        const std::string out = pathIn(dir, "data/train");
        writeText(out + "/utt2dur", "stale 1.0\n");
        writeKaldiDir(out, list);
        QCOMPARE(QString::fromStdString(readAll(out + "/wav.scp")),
                 QString("utt_b ../../wav/utt_b.wav\nutt_a ../../wav/utt_a.wav\nutt_c ../../wav/sub/utt_c.wav\n")
                     .replace("../../", QString::fromStdString(pathIn(dir, ""))));
        QCOMPARE(QString::fromStdString(readAll(out + "/text")),
                 QString("utt_b hello world 你好\nutt_a 甲乙丙\nutt_c x\n"));
        QCOMPARE(QString::fromStdString(readAll(out + "/utt2spk")), QString("utt_b spk1\nutt_a utt_a\nutt_c spk1\n"));
        QVERIFY(!std::filesystem::exists(out + "/utt2dur"));  // not every duration known
    }

    void writersRejectWhatTheFormatCannotHold()
    {
        QTemporaryDir dir;
        UtteranceList spaced = {{"a b", "/x.wav", "t", 0.0, ""}};
        QVERIFY_THROWS_EXCEPTION(InputError, writeKaldiDir(pathIn(dir, "k"), spaced));
        UtteranceList twice = {{"a", "/x.wav", "t", 0.0, ""}, {"a", "/y.wav", "u", 0.0, ""}};
        QVERIFY_THROWS_EXCEPTION(InputError, writeKaldiDir(pathIn(dir, "k"), twice));
        QVERIFY_THROWS_EXCEPTION(InputError, writeWenetList(pathIn(dir, "d.list"), twice));
        UtteranceList newline = {{"a", "/x.wav", "line\nbreak", 0.0, ""}};
        QVERIFY_THROWS_EXCEPTION(InputError, writeWenetList(pathIn(dir, "d.list"), newline));
        QVERIFY(!std::filesystem::exists(pathIn(dir, "d.list")));
    }

    void detectsFormats()
    {
        QTemporaryDir dir;
        writeText(pathIn(dir, "kaldi/wav.scp"), "a a.wav\n");
        writeText(pathIn(dir, "wenetdir/data.list"), "{\"key\":\"a\",\"wav\":\"a.wav\",\"txt\":\"x\"}\n");
        writeText(pathIn(dir, "nemo.json"), "\n\xEF\xBB\xBF{\"audio_filepath\":\"a.wav\",\"duration\":1,\"text\":\"x\"}\n");
        writeText(pathIn(dir, "aishell/transcript/aishell_transcript_v0.8.txt"), "A 一\n");
        writeText(pathIn(dir, "other/readme.txt"), "hi\n");
        writeText(pathIn(dir, "notjson.txt"), "a a.wav\n");
        writeText(pathIn(dir, "wrongkeys.json"), "{\"path\":\"a.wav\"}\n");
        writeText(pathIn(dir, "empty.json"), "\n\n");
        QCOMPARE(detectManifestFormat(pathIn(dir, "kaldi")), ManifestFormat::Kaldi);
        QCOMPARE(detectManifestFormat(pathIn(dir, "kaldi/wav.scp")), ManifestFormat::Kaldi);
        QCOMPARE(detectManifestFormat(pathIn(dir, "wenetdir")), ManifestFormat::WeNet);
        QCOMPARE(detectManifestFormat(pathIn(dir, "wenetdir/data.list")), ManifestFormat::WeNet);
        QCOMPARE(detectManifestFormat(pathIn(dir, "nemo.json")), ManifestFormat::NeMo);
        QCOMPARE(detectManifestFormat(pathIn(dir, "aishell")), ManifestFormat::Aishell);
        for (const char* bad : {"other", "notjson.txt", "wrongkeys.json", "empty.json", "missing"}) {
            try {
                detectManifestFormat(pathIn(dir, bad));
                QFAIL(bad);
            } catch (const InputError& e) {
                QVERIFY2(QString(e.what()).contains(QString::fromStdString(pathIn(dir, bad))), e.what());
            }
        }
        // A folder with data.list reads that file.
        QCOMPARE(readManifest(pathIn(dir, "wenetdir")).utterances.size(), size_t(1));
    }

    void reportsMalformedLines_data()
    {
        QTest::addColumn<ManifestFormat>("format");
        QTest::addColumn<QByteArray>("content");  // data.list, NeMo manifest, or wav.scp (text: a, b)
        QTest::addColumn<int>("line");
        QTest::addColumn<QString>("message");
        QTest::addColumn<int>("good");
        const QByteArray w1 = "{\"key\":\"a\",\"wav\":\"a.wav\",\"txt\":\"一\"}\n";
        const QByteArray n1 = "{\"audio_filepath\":\"a.wav\",\"duration\":1.5,\"text\":\"一\"}\n";
        QTest::newRow("wenet bad json") << ManifestFormat::WeNet << w1 + "{\"key\": \"b\", \"wav\": \n{\"key\":\"c\",\"wav\":\"c.wav\",\"txt\":\"三\"}\n"
                                        << 2 << "bad JSON at column" << 2;
        QTest::newRow("wenet not an object") << ManifestFormat::WeNet << w1 + "[1, 2]\n" << 2 << "expected a JSON object, found an array" << 1;
        QTest::newRow("wenet missing txt") << ManifestFormat::WeNet << w1 + "\n{\"key\":\"b\",\"wav\":\"b.wav\"}\n" << 3 << "missing field \"txt\"" << 1;
        QTest::newRow("wenet missing key") << ManifestFormat::WeNet << w1 + "{\"wav\":\"b.wav\",\"txt\":\"x\"}\n" << 2 << "missing field \"key\"" << 1;
        QTest::newRow("wenet txt wrong type") << ManifestFormat::WeNet << w1 + "{\"key\":\"b\",\"wav\":\"b.wav\",\"txt\":5}\n" << 2 << "field \"txt\" must be a string, found a number" << 1;
        QTest::newRow("wenet key wrong type") << ManifestFormat::WeNet << w1 + "{\"key\":null,\"wav\":\"b.wav\",\"txt\":\"x\"}\n" << 2 << "field \"key\" must be a string, found null" << 1;
        QTest::newRow("wenet empty key") << ManifestFormat::WeNet << w1 + "{\"key\":\"\",\"wav\":\"b.wav\",\"txt\":\"x\"}\n" << 2 << "empty \"key\"" << 1;
        QTest::newRow("wenet empty wav") << ManifestFormat::WeNet << w1 + "{\"key\":\"b\",\"wav\":\"\",\"txt\":\"x\"}\n" << 2 << "empty \"wav\"" << 1;
        QTest::newRow("wenet duplicate key") << ManifestFormat::WeNet << w1 + "{\"key\":\"b\",\"wav\":\"b.wav\",\"txt\":\"x\"}\n" + w1 << 3 << "duplicate key 'a' (first on line 1)" << 2;
        QTest::newRow("wenet invalid utf-8") << ManifestFormat::WeNet << w1 + "{\"key\":\"b\",\"wav\":\"b.wav\",\"txt\":\"\xFF\"}\n" << 2 << "bad JSON" << 1;
        QTest::newRow("nemo bad json") << ManifestFormat::NeMo << n1 + "{audio_filepath: 1}\n" << 2 << "bad JSON" << 1;
        QTest::newRow("nemo missing duration") << ManifestFormat::NeMo << n1 + "{\"audio_filepath\":\"b.wav\",\"text\":\"x\"}\n" << 2 << "missing field \"duration\"" << 1;
        QTest::newRow("nemo duration string") << ManifestFormat::NeMo << n1 + "{\"audio_filepath\":\"b.wav\",\"duration\":\"2\",\"text\":\"x\"}\n" << 2 << "field \"duration\" must be a number, found a string" << 1;
        QTest::newRow("nemo negative duration") << ManifestFormat::NeMo << n1 + "{\"audio_filepath\":\"b.wav\",\"duration\":-1,\"text\":\"x\"}\n" << 2 << "must not be negative" << 1;
        QTest::newRow("nemo text wrong type") << ManifestFormat::NeMo << n1 + "{\"audio_filepath\":\"b.wav\",\"duration\":1,\"text\":[]}\n" << 2 << "field \"text\" must be a string, found an array" << 1;
        QTest::newRow("nemo empty path") << ManifestFormat::NeMo << n1 + "{\"audio_filepath\":\"\",\"duration\":1,\"text\":\"x\"}\n" << 2 << "empty \"audio_filepath\"" << 1;
        QTest::newRow("kaldi piped") << ManifestFormat::Kaldi << QByteArray("a a.wav\nb sox b.flac -t wav - |\n") << 2 << "piped wav.scp entries are not supported" << 1;
        QTest::newRow("kaldi no path") << ManifestFormat::Kaldi << QByteArray("a a.wav\n\nb\n") << 3 << "no audio path" << 1;
        QTest::newRow("kaldi duplicate key") << ManifestFormat::Kaldi << QByteArray("a a.wav\nb b.wav\na c.wav\n") << 3 << "duplicate key 'a' (first on line 1)" << 2;
    }
    void reportsMalformedLines()
    {
        QFETCH(ManifestFormat, format);
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, message);
        QFETCH(int, good);
        QTemporaryDir dir;
        std::string path, file;
        if (format == ManifestFormat::Kaldi) {
            path = pathIn(dir, "kaldi");
            file = path + "/wav.scp";
            writeText(path + "/text", "a 一\nb 二\n");
        } else {
            path = file = pathIn(dir, format == ManifestFormat::WeNet ? "data.list" : "manifest.json");
        }
        writeText(file, content.toStdString());
        const ManifestReadResult result = readManifest(path, format);
        QCOMPARE(int(result.utterances.size()), good);
        QCOMPARE(result.audioLines.size(), result.utterances.size());
        QVERIFY2(result.issues.size() == 1, qPrintable(describe(result.issues)));
        const ManifestIssue& issue = result.issues.front();
        QCOMPARE(issue.file, file);
        QCOMPARE(issue.line, line);
        QVERIFY2(QString::fromStdString(issue.message).contains(message), issue.message.c_str());
        QVERIFY(issue.message.size() < 300);
        // The strict reader refuses the same manifest, quoting the issue.
        try {
            loadManifest(path, format);
            QFAIL("no exception");
        } catch (const InputError& e) {
            QCOMPARE(std::string(e.what()), issue.toString());
        }
    }

    void kaldiCrossFileIssues()
    {
        QTemporaryDir dir;
        const std::string d = pathIn(dir, "k");
        writeText(d + "/wav.scp", "a /a.wav\nb /b.wav\nc /c.wav\nd /d.wav\n");
        writeText(d + "/text", "a  one two  three \nc\nx stray\nd 四\nd 重复\n");
        writeText(d + "/utt2spk", "a s1\nc s2\nc s3\nq s4\nd\n");
        writeText(d + "/utt2dur", "a 1.5\nc abc\n");
        const ManifestReadResult r = readManifest(d);
        QCOMPARE(r.utterances.size(), size_t(3));  // a, c, d (b has no transcript)
        QCOMPARE(r.utterances[0].text, std::string("one two  three"));
        QCOMPARE(r.utterances[0].speaker, std::string("s1"));
        QCOMPARE(r.utterances[0].duration, 1.5);
        QCOMPARE(r.utterances[1].text, std::string());  // kept; validation reports it
        QCOMPARE(r.utterances[1].duration, 0.0);
        QCOMPARE(r.utterances[2].text, std::string("四"));
        QCOMPARE(r.textLines, (std::vector<int>{1, 2, 4}));
        struct Expected {
            std::string file;
            int line;
            std::string message;
        };
        const std::vector<Expected> expected = {
            {d + "/text", 3, "no audio for this key in wav.scp"},
            {d + "/text", 5, "duplicate key 'd' (first on line 4)"},
            {d + "/utt2spk", 3, "duplicate key 'c' (first on line 2)"},
            {d + "/utt2spk", 4, "no audio for this key in wav.scp"},
            {d + "/utt2spk", 5, "no speaker"},
            {d + "/utt2dur", 2, "'abc' is not a number of seconds"},
            {d + "/wav.scp", 2, "no transcript for this key in text"},
        };
        QVERIFY2(r.issues.size() == expected.size(), qPrintable(describe(r.issues)));
        for (const auto& e : expected) {
            bool found = false;
            for (const auto& i : r.issues)
                found = found || (i.file == e.file && i.line == e.line && i.message.find(e.message) != std::string::npos);
            QVERIFY2(found, (e.file + ":" + std::to_string(e.line) + " " + e.message + " not in " +
                             describe(r.issues).toStdString()).c_str());
        }
    }

    void kaldiWithoutTextFile()
    {
        QTemporaryDir dir;
        writeText(pathIn(dir, "k/wav.scp"), "a a.wav\n");
        const ManifestReadResult r = readManifest(pathIn(dir, "k"));
        QCOMPARE(r.utterances.size(), size_t(1));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].file, pathIn(dir, "k/text"));
        QCOMPARE(r.issues[0].line, 0);
    }

    void handlesCrlfBomAndBlankLines_data()
    {
        QTest::addColumn<ManifestFormat>("format");
        QTest::newRow("kaldi") << ManifestFormat::Kaldi;
        QTest::newRow("wenet") << ManifestFormat::WeNet;
        QTest::newRow("nemo") << ManifestFormat::NeMo;
    }
    void handlesCrlfBomAndBlankLines()
    {
        QFETCH(ManifestFormat, format);
        QTemporaryDir dir;
        const std::string bom = "\xEF\xBB\xBF";
        std::string path = pathIn(dir, "m");
        if (format == ManifestFormat::Kaldi) {
            writeText(path + "/wav.scp", bom + "a1 a1.wav\r\n\r\n  \r\nb2 sub/b2.wav \r\na1 again.wav\r\n");
            writeText(path + "/text", bom + "a1 你好 吗\r\n\r\nb2 x\r\n");
        } else if (format == ManifestFormat::WeNet) {
            path += "/data.list";
            writeText(path, bom + "{\"key\":\"a1\",\"wav\":\"a1.wav\",\"txt\":\"你好 吗\"}\r\n\r\n \t\r\n"
                                  "{\"key\":\"b2\",\"wav\":\"sub/b2.wav\",\"txt\":\"x\"}\r\n"
                                  "{\"key\":\"a1\",\"wav\":\"again.wav\",\"txt\":\"y\"}\r\n");
        } else {
            path += "/manifest.json";
            writeText(path, bom + "{\"audio_filepath\":\"a1.wav\",\"duration\":1,\"text\":\"你好 吗\"}\r\n\r\n \t\r\n"
                                  "{\"audio_filepath\":\"sub/b2.wav\",\"duration\":2,\"text\":\"x\"}\r\n"
                                  "{\"audio_filepath\":\"a1\",\"duration\":1}\r\n");
        }
        const ManifestReadResult r = readManifest(path);
        QCOMPARE(r.utterances.size(), size_t(2));
        QCOMPARE(r.utterances[0].key, std::string("a1"));
        QCOMPARE(r.utterances[0].text, std::string("你好 吗"));
        QCOMPARE(r.utterances[0].audioPath, pathIn(dir, "m/a1.wav"));
        QCOMPARE(r.utterances[1].key, std::string("b2"));
        QCOMPARE(r.utterances[1].audioPath, pathIn(dir, "m/sub/b2.wav"));
        QCOMPARE(r.audioLines, (std::vector<int>{1, 4}));
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].line, 5);
    }

    void readsVeryLongLines()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "data.list");
        const std::string longText(2 << 20, 'a');
        writeText(path, "{\"key\":\"long\",\"wav\":\"/l.wav\",\"txt\":\"" + longText + "\"}\n{\"key\":\"bad\",\"txt\":\"" +
                            longText + "\n");
        const ManifestReadResult r = readManifest(path);
        QCOMPARE(r.utterances.size(), size_t(1));
        QCOMPARE(r.utterances[0].text.size(), longText.size());
        QCOMPARE(r.issues.size(), size_t(1));
        QCOMPARE(r.issues[0].line, 2);
        QVERIFY(r.issues[0].message.size() < 300);
    }

    void resolvesPathsAgainstManifestFolder()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "lists/data.list");
        writeText(path, "{\"key\":\"a\",\"wav\":\"../wav/./a.wav\",\"txt\":\"x\"}\n"
                        "{\"key\":\"b\",\"wav\":\"/abs/b.wav\",\"txt\":\"x\"}\n");
        const auto list = loadManifest(path);
        QCOMPARE(list[0].audioPath, pathIn(dir, "wav/a.wav"));
        QCOMPARE(list[1].audioPath, std::string("/abs/b.wav"));
    }

    void nemoKeysAreUniqueStems()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "m.json");
        writeText(path, "{\"audio_filepath\":\"a/x.wav\",\"duration\":1,\"text\":\"一\",\"extra\":true}\n"
                        "{\"audio_filepath\":\"b/x.wav\",\"duration\":2.5,\"text\":\"二\"}\n"
                        "{\"audio_filepath\":\"x_2.flac\",\"duration\":1,\"text\":\"三\"}\n");
        const auto list = loadManifest(path);
        QCOMPARE(list.size(), size_t(3));
        QCOMPARE(list[0].key, std::string("x"));
        QCOMPARE(list[1].key, std::string("x_2"));
        QCOMPARE(list[1].duration, 2.5);
        QCOMPARE(list[2].key, std::string("x_2_2"));
    }

    void readsAishellLayout()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "data_aishell");
        datatest::writeTone(root + "/wav/train/S0002/BAC009S0002W0122.wav", 0.1);
        datatest::writeTone(root + "/wav/train/S0002/BAC009S0002W0123.wav", 0.1);
        datatest::writeTone(root + "/wav/dev/S0724/BAC009S0724W0121.wav", 0.1);
        datatest::writeTone(root + "/wav/test/S0764/BAC009S0764W0121.wav", 0.1);
        datatest::writeTone(root + "/wav/test/S0764/BAC009S0764W0999.wav", 0.1);  // no transcript
        writeText(root + "/transcript/aishell_transcript_v0.8.txt",
                  "BAC009S0002W0122 而 对 楼市 成交 抑制 作用 最 大 的 限 购\n"
                  "BAC009S0002W0124 没有 音频\n"
                  "BAC009S0002W0123 也 成为 地方 政府 的 眼中 钉\r\n"
                  "BAC009S0724W0121 甚至 出现 交易 几乎 停滞 的 情况\n"
                  "BAC009S0764W0121 甚至 出现\n"
                  "BAC009S0002W0122 重复\n");
        QCOMPARE(detectManifestFormat(root), ManifestFormat::Aishell);

        const ManifestReadResult all = readManifest(root);
        QCOMPARE(all.utterances.size(), size_t(4));
        QCOMPARE(all.utterances[0].key, std::string("BAC009S0002W0122"));
        QCOMPARE(all.utterances[0].text, std::string("而对楼市成交抑制作用最大的限购"));
        QCOMPARE(all.utterances[0].speaker, std::string("S0002"));
        QCOMPARE(all.utterances[0].audioPath, root + "/wav/train/S0002/BAC009S0002W0122.wav");
        QCOMPARE(all.utterances[1].text, std::string("也成为地方政府的眼中钉"));
        QCOMPARE(all.textLines, (std::vector<int>{1, 3, 4, 5}));
        QCOMPARE(all.issues.size(), size_t(1));  // the duplicate; the line without audio is skipped silently
        QCOMPARE(all.issues[0].line, 6);

        const ManifestReadResult dev = readManifest(root, ManifestFormat::Aishell, "dev");
        QCOMPARE(dev.utterances.size(), size_t(1));
        QCOMPARE(dev.utterances[0].speaker, std::string("S0724"));
        QCOMPARE(readManifest(root, ManifestFormat::Aishell, "test").utterances.size(), size_t(1));
        QCOMPARE(readManifest(root, ManifestFormat::Aishell, "train").utterances.size(), size_t(2));
        QVERIFY_THROWS_EXCEPTION(InputError, readManifest(root, ManifestFormat::Aishell, "eval"));
    }

    void aishellWithUnextractedArchives()
    {
        QTemporaryDir dir;
        const std::string root = pathIn(dir, "data_aishell");
        writeText(root + "/transcript/aishell_transcript_v0.8.txt", "BAC009S0002W0122 而 对\n");
        writeText(root + "/wav/S0002.tar.gz", "not really");
        const ManifestReadResult r = readManifest(root, ManifestFormat::Aishell, "train");
        QCOMPARE(r.utterances.size(), size_t(0));
        QCOMPARE(r.issues.size(), size_t(1));
        QVERIFY(r.issues[0].message.find("extract") != std::string::npos);
    }

    void strictLoadCountsOtherIssues()
    {
        QTemporaryDir dir;
        const std::string path = pathIn(dir, "data.list");
        writeText(path, "nope\n{\"key\":\"a\",\"wav\":\"a.wav\",\"txt\":\"x\"}\n[]\n{}\n");
        try {
            loadManifest(path);
            QFAIL("no exception");
        } catch (const InputError& e) {
            const QString what = e.what();
            QVERIFY2(what.startsWith(QString::fromStdString(path + ":1: bad JSON")), e.what());
            QVERIFY2(what.endsWith("(and 2 more problems)"), e.what());
        }
    }

    void survivesGarbage()
    {
        QTemporaryDir dir;
        std::mt19937 rng(7);
        const std::string alphabet = std::string("{}[]\":, |\t\r\n\\abk0-9.eE\xEF\xBB\xBF\xFF\xE4\xBD\xA0") + '\0';
        for (int round = 0; round < 200; ++round) {
            std::string junk;
            const size_t n = rng() % 400;
            for (size_t i = 0; i < n; ++i) junk += alphabet[rng() % alphabet.size()];
            if (round % 3 == 0) junk = "{\"key\":\"a\",\"wav\":\"a.wav\",\"txt\":\"x\"}\n" + junk;
            writeText(pathIn(dir, "k/wav.scp"), junk);
            writeText(pathIn(dir, "k/text"), junk);
            writeText(pathIn(dir, "junk.list"), junk);
            for (auto format : {ManifestFormat::Kaldi, ManifestFormat::WeNet, ManifestFormat::NeMo}) {
                const std::string path = pathIn(dir, format == ManifestFormat::Kaldi ? "k" : "junk.list");
                const ManifestReadResult r = readManifest(path, format);
                QCOMPARE(r.audioLines.size(), r.utterances.size());
                for (const auto& issue : r.issues) QVERIFY(issue.line > 0 && issue.message.size() < 400);
            }
            try {
                detectManifestFormat(pathIn(dir, "junk.list"));
            } catch (const InputError&) {
            }
        }
    }

    void missingManifestFileIsIoError()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(IoError, readManifest(pathIn(dir, "none.list"), ManifestFormat::WeNet));
    }
};

QTEST_GUILESS_MAIN(TestManifest)
#include "test_manifest.moc"
