#include "core/data/tokenizer.h"
#include "core/runtime/error.h"
#include "tests/core/data/data_test_util.h"

#include <QtTest>

using namespace espalier;
using namespace espalier::data;

class TestTokenizer : public QObject {
    Q_OBJECT

private slots:
    void defaultHasBlankAndUnk()
    {
        const CharTokenizer t;
        QCOMPARE(t.size(), 2);
        QCOMPARE(t.token(CharTokenizer::kBlank), std::string("<blank>"));
        QCOMPARE(t.token(CharTokenizer::kUnk), std::string("<unk>"));
        QCOMPARE(t.id("<blank>"), 0);
        QCOMPARE(t.id("x"), CharTokenizer::kUnk);
    }

    void buildsSortedVocabulary()
    {
        const auto t = CharTokenizer::fromTexts({"你好 ab", "好吗!", "B。"});
        // A B 你(4F60) 吗(5417) 好(597D), after <blank> and <unk>
        const std::vector<std::string> expected = {"<blank>", "<unk>", "A", "B", "你", "吗", "好"};
        QCOMPARE(t.size(), int(expected.size()));
        for (int i = 0; i < t.size(); ++i) QCOMPARE(t.token(i), expected[size_t(i)]);
        QCOMPARE(t.id("好"), 6);
    }

    void encodesAndDecodes()
    {
        const auto t = CharTokenizer::fromTexts({"你好 ab", "好吗"});
        QCOMPARE(t.encode("你好，ab"), (std::vector<int>{4, 6, 2, 3}));
        QCOMPARE(QString::fromStdString(t.decode(t.encode("你好，ab"))), QString("你好AB"));
        QCOMPARE(t.encode("你X"), (std::vector<int>{4, CharTokenizer::kUnk}));
        QCOMPARE(QString::fromStdString(t.decode({0, 4, 0, 0, 1, 5})), QString("你<unk>吗"));
        QVERIFY(t.encode("。 ！").empty());
    }

    void rejectsOutOfRangeIds()
    {
        const CharTokenizer t;
        QVERIFY_THROWS_EXCEPTION(InputError, t.token(2));
        QVERIFY_THROWS_EXCEPTION(InputError, t.token(-1));
        QVERIFY_THROWS_EXCEPTION(InputError, t.decode({0, 7}));
    }

    void savesAndLoads()
    {
        QTemporaryDir dir;
        const std::string path = datatest::pathIn(dir, "units.txt");
        const auto t = CharTokenizer::fromTexts({"好a"});
        t.save(path);
        std::ifstream in(path, std::ios::binary);
        const std::string content((std::istreambuf_iterator<char>(in)), {});
        QCOMPARE(QString::fromStdString(content), QString("<blank> 0\n<unk> 1\nA 2\n好 3\n"));
        const auto back = CharTokenizer::load(path);
        QCOMPARE(back.size(), 4);
        QCOMPARE(back.id("好"), 3);
        QCOMPARE(back.encode("a好z"), (std::vector<int>{2, 3, 1}));
    }

    void loadsWenetUnitsWithCrlfAndBom()
    {
        QTemporaryDir dir;
        const std::string path = datatest::pathIn(dir, "units.txt");
        datatest::writeText(path, "\xEF\xBB\xBF<blank> 0\r\n<unk> 1\r\n\r\n一 2\r\n丁\t3\r\n<sos/eos> 4\r\n");
        const auto t = CharTokenizer::load(path);
        QCOMPARE(t.size(), 5);
        QCOMPARE(t.token(0), std::string("<blank>"));
        QCOMPARE(t.token(3), std::string("丁"));
        QCOMPARE(t.token(4), std::string("<sos/eos>"));
    }

    void rejectsMalformedUnits_data()
    {
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<int>("line");  // 0: the message names the file only
        QTest::addColumn<QString>("message");
        const QByteArray head = "<blank> 0\n<unk> 1\n";
        QTest::newRow("duplicate token") << head + "a 2\nb 3\na 4\n" << 5 << "duplicate token 'a' (first on line 3)";
        QTest::newRow("non-integer id") << head + "a x\n" << 3 << "'x' is not a non-negative integer";
        QTest::newRow("fractional id") << head + "a 2.0\n" << 3 << "not a non-negative integer";
        QTest::newRow("negative id") << head + "a -2\n" << 3 << "not a non-negative integer";
        QTest::newRow("huge id") << head + "a 99999999999\n" << 3 << "not a non-negative integer";
        QTest::newRow("gap in ids") << head + "a 3\n" << 3 << "expected 2";
        QTest::newRow("ids out of order") << head + "b 3\na 2\n" << 3 << "out of order";
        QTest::newRow("blank not first") << QByteArray("<unk> 0\n<blank> 1\n") << 1 << "id 0 must be <blank>";
        QTest::newRow("unk not second") << QByteArray("<blank> 0\na 1\n<unk> 2\n") << 2 << "id 1 must be <unk>";
        QTest::newRow("missing id") << QByteArray("<blank> 0\n<unk>\n") << 2 << "found no id";
        QTest::newRow("three fields") << head + "a b 2\n" << 3 << "more than two fields";
        QTest::newRow("empty file") << QByteArray() << 0 << "at least '<blank> 0' and '<unk> 1'";
        QTest::newRow("blank only") << QByteArray("<blank> 0\n") << 0 << "found 1 token(s)";
    }
    void rejectsMalformedUnits()
    {
        QFETCH(QByteArray, content);
        QFETCH(int, line);
        QFETCH(QString, message);
        QTemporaryDir dir;
        const std::string path = datatest::pathIn(dir, "units.txt");
        datatest::writeText(path, content.toStdString());
        try {
            CharTokenizer::load(path);
            QFAIL("no exception");
        } catch (const FormatError& e) {
            const QString what = QString::fromStdString(e.what());
            const QString where = QString::fromStdString(path) + (line > 0 ? ":" + QString::number(line) + ":" : ":");
            QVERIFY2(what.startsWith(where), qPrintable(what));
            QVERIFY2(what.contains(message), qPrintable(what));
        }
    }

    void missingFileIsIoError()
    {
        QTemporaryDir dir;
        QVERIFY_THROWS_EXCEPTION(IoError, CharTokenizer::load(datatest::pathIn(dir, "nope.txt")));
    }
};

QTEST_GUILESS_MAIN(TestTokenizer)
#include "test_tokenizer.moc"
