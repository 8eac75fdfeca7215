#include "core/data/text_normalize.h"

#include <QtTest>

using namespace espalier::data;

namespace {

const std::string kFffd = "\xEF\xBF\xBD";

QStringList toQt(const std::vector<std::string>& parts)
{
    QStringList out;
    for (const auto& p : parts) out << QString::fromStdString(p);
    return out;
}

} // namespace

class TestTextNormalize : public QObject {
    Q_OBJECT

private slots:
    void splitsUtf8_data()
    {
        QTest::addColumn<QByteArray>("text");
        QTest::addColumn<QStringList>("expected");
        const QString r = QString::fromStdString(kFffd);
        QTest::newRow("empty") << QByteArray() << QStringList{};
        QTest::newRow("ascii") << QByteArray("ab c") << QStringList{"a", "b", " ", "c"};
        QTest::newRow("cjk") << QByteArray("你好") << QStringList{"你", "好"};
        QTest::newRow("4-byte emoji") << QByteArray("a\xF0\x9F\x98\x80" "b") << QStringList{"a", "😀", "b"};
        QTest::newRow("stray continuation") << QByteArray("a\x80" "b") << QStringList{"a", r, "b"};
        QTest::newRow("invalid lead 0xFF") << QByteArray("\xFF") << QStringList{r};
        QTest::newRow("truncated at end") << QByteArray("a\xE4\xBD") << QStringList{"a", r};
        QTest::newRow("truncated then ascii") << QByteArray("\xE4\xBD" "x") << QStringList{r, "x"};
        QTest::newRow("overlong slash") << QByteArray("\xC0\xAF") << QStringList{r, r};
        QTest::newRow("surrogate") << QByteArray("\xED\xA0\x80") << QStringList{r, r, r};
        QTest::newRow("above U+10FFFF") << QByteArray("\xF4\x90\x80\x80") << QStringList{r, r, r, r};
        QTest::newRow("largest code point") << QByteArray("\xF4\x8F\xBF\xBF") << QStringList{"\U0010FFFF"};
    }
    void splitsUtf8()
    {
        QFETCH(QByteArray, text);
        QFETCH(QStringList, expected);
        QCOMPARE(toQt(splitUtf8(text.toStdString())), expected);
    }

    void normalizesLikeComputeCer_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("chinese punctuation") << "你好，世界！" << "你好世界";
        QTest::newRow("whole punctuation list") << "!,?、。！，；？：「」︰『』《》" << "";
        QTest::newRow("ascii ! , ? dropped") << "a!b,c?d" << "ABCD";
        QTest::newRow("other ascii punctuation kept") << "a.b;c:d'e-f" << "A.B;C:D'E-F";
        QTest::newRow("full-width dropped") << "你；好：吗？真！的，" << "你好吗真的";
        QTest::newRow("full-width kept") << "（注）．“引”【号】" << "（注）．“引”【号】";
        QTest::newRow("quotes dropped") << "「一」『二』《三》" << "一二三";
        QTest::newRow("presentation colon dropped") << "甲︰乙" << "甲乙";
        QTest::newRow("mixed ascii case") << "Hello wORLD 你好" << "HELLOWORLD你好";
        QTest::newRow("whitespace kinds") << QString("\t a\u3000b\u00A0c\u2009d\r\n") << "ABCD";
        QTest::newRow("non-ascii letters keep case") << "ａｂé" << "ａｂé";
        QTest::newRow("tags split into characters") << "<unk>" << "<UNK>";
        QTest::newRow("digits kept") << "2024年" << "2024年";
    }
    void normalizesLikeComputeCer()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(normalizeText(text.toStdString())), expected);
    }

    void normalizeForCerGivesCharacters()
    {
        QCOMPARE(toQt(normalizeForCer("ab 你，好")), (QStringList{"A", "B", "你", "好"}));
        QCOMPARE(toQt(normalizeForCer("x\xFFy")), (QStringList{"X", QString::fromStdString(kFffd), "Y"}));
        QVERIFY(normalizeForCer(" \t。").empty());
    }
};

QTEST_GUILESS_MAIN(TestTextNormalize)
#include "test_text_normalize.moc"
