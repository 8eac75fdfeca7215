#include "core/eval/cer_report.h"
#include "core/eval/display_width.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <nlohmann/json.hpp>

using namespace espalier;
using namespace espalier::eval;

namespace {

CerAccumulator sample()
{
    CerAccumulator acc;
    acc.add("u1", "你好世界", "你世介");
    acc.add("u2", "Hāo 你", "HAO 你们");
    acc.add("u3", "", "");
    return acc;
}

} // namespace

class TestCerReport : public QObject {
    Q_OBJECT

private slots:
    void overallLine_data()
    {
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("c");
        QTest::addColumn<int>("s");
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("i");
        QTest::addColumn<QString>("expected");
        QTest::newRow("aishell-like") << 104765 << 99872 << 4721 << 172 << 284
                                      << "Overall -> 4.94 % N=104765 C=99872 S=4721 D=172 I=284";
        QTest::newRow("thirds round") << 3 << 2 << 1 << 0 << 0 << "Overall -> 33.33 % N=3 C=2 S=1 D=0 I=0";
        QTest::newRow("two decimals") << 8 << 7 << 0 << 1 << 0 << "Overall -> 12.50 % N=8 C=7 S=0 D=1 I=0";
        QTest::newRow("round up") << 3 << 1 << 1 << 1 << 0 << "Overall -> 66.67 % N=3 C=1 S=1 D=1 I=0";
        QTest::newRow("tiny rate") << 200000 << 199999 << 1 << 0 << 0 << "Overall -> 0.00 % N=200000 C=199999 S=1 D=0 I=0";
        QTest::newRow("above 100 %") << 2 << 0 << 0 << 2 << 3 << "Overall -> 250.00 % N=2 C=0 S=0 D=2 I=3";
        QTest::newRow("empty reference") << 0 << 0 << 0 << 0 << 4 << "Overall -> 0.00 % N=0 C=0 S=0 D=0 I=4";
    }
    void overallLine()
    {
        QFETCH(int, n);
        QFETCH(int, c);
        QFETCH(int, s);
        QFETCH(int, d);
        QFETCH(int, i);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(formatOverallLine({n, c, s, d, i})), expected);
    }

    // Expected text is compute-cer.py's output for the same reference and hypothesis files.
    void reportMatchesComputeCer()
    {
        const std::string block1 = "utt: u1\nWER: 50.00 % N=4 C=2 S=1 D=1 I=0\n"
                                   "lab: 你 好 世 界 \n"
                                   "rec: 你    世 介 \n\n";
        const std::string expected =
            "\n" + block1 +
            "\nutt: u2\nWER: 50.00 % N=4 C=3 S=1 D=0 I=1\n"
            "lab: H ā O 你    \n"
            "rec: H A  O 你 们 \n\n"
            "\nutt: u3\nWER: 0.00 % N=0 C=0 S=0 D=0 I=0\n" +
            std::string(75, '=') + "\n\nOverall -> 50.00 % N=8 C=5 S=2 D=1 I=1\n";
        const CerAccumulator acc = sample();
        QCOMPARE(QString::fromStdString(formatCerReport(acc)), QString::fromStdString(expected));
        QCOMPARE(QString::fromStdString(formatCerReport(acc, false)), QString("Overall -> 50.00 % N=8 C=5 S=2 D=1 I=1\n"));
        QCOMPARE(QString::fromStdString(formatUtteranceBlock(acc.utterances()[0])), QString::fromStdString(block1));
    }

    void displayWidth_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<int>("width");
        QTest::newRow("empty") << "" << 0;
        QTest::newRow("ascii") << "abc" << 3;
        QTest::newRow("han") << "你好" << 4;
        QTest::newRow("pinyin tone mark (ambiguous)") << "ā" << 2;
        QTest::newRow("latin-1 e acute (ambiguous)") << "é" << 2;
        QTest::newRow("latin-1 n tilde (narrow)") << "ñ" << 1;
        QTest::newRow("cyrillic (ambiguous)") << "ж" << 2;
        QTest::newRow("full-width letter") << "Ａ" << 2;
        QTest::newRow("hangul") << "한" << 2;
        QTest::newRow("kana") << "カ" << 2;
        QTest::newRow("half-width kana") << "ｶ" << 1;
        QTest::newRow("curly quote (ambiguous)") << "“" << 2;
        QTest::newRow("emoji") << "😀" << 2;
        QTest::newRow("cjk extension b") << "𠀀" << 2;
        QTest::newRow("mixed") << "a你ā" << 5;
    }
    void displayWidth()
    {
        QFETCH(QString, text);
        QFETCH(int, width);
        QCOMPARE(eval::displayWidth(text.toStdString()), width);
    }

    void displayWidthOfInvalidBytes()
    {
        QCOMPARE(eval::displayWidth("\xFF" "a"), 2);
        QCOMPARE(eval::displayWidth("\xE4\xBD"), 2);  // truncated sequence: one column per byte
    }

    void json()
    {
        const CerAccumulator acc = sample();
        const auto doc = nlohmann::json::parse(cerToJson(acc));
        QCOMPARE(doc["overall"]["n"].get<int>(), 8);
        QCOMPARE(doc["overall"]["c"].get<int>(), 5);
        QCOMPARE(doc["overall"]["s"].get<int>(), 2);
        QCOMPARE(doc["overall"]["d"].get<int>(), 1);
        QCOMPARE(doc["overall"]["i"].get<int>(), 1);
        QCOMPARE(doc["overall"]["cer"].get<double>(), 0.5);
        QCOMPARE(int(doc["utterances"].size()), 3);
        const auto& u2 = doc["utterances"][1];
        QCOMPARE(u2["key"].get<std::string>(), std::string("u2"));
        QCOMPARE(u2["ref"].get<std::string>(), std::string("Hāo 你"));
        QCOMPARE(u2["hyp"].get<std::string>(), std::string("HAO 你们"));
        QCOMPARE(u2["ops"].get<std::string>(), std::string("CSCCI"));
        QCOMPARE(u2["cer"].get<double>(), 0.5);
        QCOMPARE(doc["utterances"][2]["ops"].get<std::string>(), std::string());
        QVERIFY(!nlohmann::json::parse(cerToJson(acc, false)).contains("utterances"));

        CerAccumulator bad;
        bad.add("x", "a\xFF", "a");  // invalid UTF-8 in a transcript must not break the output
        QVERIFY(nlohmann::json::parse(cerToJson(bad))["utterances"][0]["ref"].get<std::string>().size() > 1);
    }

    void writesFiles()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        CerAccumulator acc;
        acc.add("b2", "你好", "你 好");
        acc.add("a1", "世界", "");
        acc.add("c3", "一二", "一\n二");
        const std::string hypPath = dir.filePath("text").toStdString();
        io::writeFileAtomic(hypPath, "stale content\n");
        writeHypotheses(hypPath, acc);
        QCOMPARE(QString::fromStdString(io::readFile(hypPath)), QString("b2 你 好\na1\nc3 一 二\n"));

        const std::string jsonPath = dir.filePath("cer.json").toStdString();
        writeCerJson(jsonPath, acc);
        const auto doc = nlohmann::json::parse(io::readFile(jsonPath));
        QCOMPARE(doc["overall"]["n"].get<int>(), 6);
        QCOMPARE(doc["overall"]["d"].get<int>(), 2);
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files).size(), 2);  // no temporary files left

        QVERIFY_THROWS_EXCEPTION(IoError, writeHypotheses(dir.filePath("missing/text").toStdString(), acc));
    }
};

QTEST_GUILESS_MAIN(TestCerReport)
#include "test_cer_report.moc"
