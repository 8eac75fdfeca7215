#include "core/eval/cer.h"
#include "core/runtime/error.h"

#include <QtTest>

using namespace espalier;
using namespace espalier::eval;

namespace {

QString opsOf(const std::vector<AlignedPair>& pairs)
{
    QString out;
    for (const auto& p : pairs) out += "CSDI"[int(p.op)];
    return out;
}

} // namespace

class TestCer : public QObject {
    Q_OBJECT

private slots:
    // Expected counts and alignments are those of WeNet tools/compute-cer.py on the same texts.
    void scoresLikeComputeCer_data()
    {
        QTest::addColumn<QString>("ref");
        QTest::addColumn<QString>("hyp");
        QTest::addColumn<int>("n");
        QTest::addColumn<int>("c");
        QTest::addColumn<int>("s");
        QTest::addColumn<int>("d");
        QTest::addColumn<int>("i");
        QTest::addColumn<QString>("ops");
        QTest::newRow("identical") << "你好世界" << "你好世界" << 4 << 4 << 0 << 0 << 0 << "CCCC";
        QTest::newRow("substitution only") << "你好世界" << "你号世介" << 4 << 2 << 2 << 0 << 0 << "CSCS";
        QTest::newRow("deletion only") << "你好世界" << "你世界" << 4 << 3 << 0 << 1 << 0 << "CDCC";
        QTest::newRow("insertion only") << "你好" << "你们好" << 2 << 2 << 0 << 0 << 1 << "CIC";
        QTest::newRow("mixed") << "今天天气很好" << "今天气真很好啊" << 6 << 5 << 0 << 1 << 2 << "CCDCICCI";
        QTest::newRow("mixed with substitutions") << "abcd" << "xaxcx" << 4 << 2 << 2 << 0 << 1 << "ICSCS";
        QTest::newRow("tie prefers deletion and insertion") << "ab" << "ba" << 2 << 1 << 0 << 1 << 1 << "ICD";
        QTest::newRow("punctuation and spaces removed") << "你好，世界！" << "你 好 世 界" << 4 << 4 << 0 << 0 << 0 << "CCCC";
        QTest::newRow("ascii case folded") << "Hello World" << "hello world" << 10 << 10 << 0 << 0 << 0 << "CCCCCCCCCC";
        QTest::newRow("ascii substitution") << "abc" << "abd" << 3 << 2 << 1 << 0 << 0 << "CCS";
        QTest::newRow("mixed script") << "你好 ok" << "你好 OK 吗" << 4 << 4 << 0 << 0 << 1 << "CCCCI";
        QTest::newRow("empty reference") << "" << "你好" << 0 << 0 << 0 << 0 << 2 << "II";
        QTest::newRow("reference only punctuation") << "。！" << "好" << 0 << 0 << 0 << 0 << 1 << "I";
        QTest::newRow("empty hypothesis") << "你好" << "" << 2 << 0 << 0 << 2 << 0 << "DD";
        QTest::newRow("both empty") << "" << " ，" << 0 << 0 << 0 << 0 << 0 << "";
    }
    void scoresLikeComputeCer()
    {
        QFETCH(QString, ref);
        QFETCH(QString, hyp);
        QFETCH(int, n);
        QFETCH(int, c);
        QFETCH(int, s);
        QFETCH(int, d);
        QFETCH(int, i);
        QFETCH(QString, ops);
        const UtteranceCer u = scoreUtterance("utt", ref.toStdString(), hyp.toStdString());
        QCOMPARE(int(u.counts.n), n);
        QCOMPARE(int(u.counts.c), c);
        QCOMPARE(int(u.counts.s), s);
        QCOMPARE(int(u.counts.d), d);
        QCOMPARE(int(u.counts.i), i);
        QCOMPARE(opsOf(u.alignment), ops);
        QCOMPARE(u.ref, ref.toStdString());  // texts are kept as given
        QCOMPARE(u.hyp, hyp.toStdString());
        const double rate = n == 0 ? 0.0 : double(s + d + i) / n;
        QCOMPARE(u.counts.errorRate(), rate);
    }

    void alignmentPairsCarryCharacters()
    {
        const UtteranceCer u = scoreUtterance("k", "你好世界", "你世介");
        QCOMPARE(int(u.alignment.size()), 4);
        QCOMPARE(u.alignment[1].ref, std::string("好"));
        QCOMPARE(u.alignment[1].hyp, std::string());
        QCOMPARE(u.alignment[3].ref, std::string("界"));
        QCOMPARE(u.alignment[3].hyp, std::string("介"));
        const UtteranceCer v = scoreUtterance("k", "a", "Ab");
        QCOMPARE(v.alignment[0].hyp, std::string("A"));  // normalised characters
        QCOMPARE(v.alignment[1].ref, std::string());
        QCOMPARE(v.alignment[1].hyp, std::string("B"));
    }

    void alignTokensIsMinimal()
    {
        // Edit distance is S + D + I for any pair of sequences; check it against a plain DP on words.
        const std::vector<std::vector<std::string>> seqs = {
            {}, {"a"}, {"a", "b"}, {"b", "a", "b"}, {"a", "a", "a", "c"}, {"c", "a", "b", "a", "c"}};
        for (const auto& r : seqs) {
            for (const auto& h : seqs) {
                std::vector<std::vector<size_t>> dp(r.size() + 1, std::vector<size_t>(h.size() + 1));
                for (size_t x = 0; x <= r.size(); ++x)
                    for (size_t y = 0; y <= h.size(); ++y)
                        dp[x][y] = x == 0 ? y
                                 : y == 0 ? x
                                          : std::min({dp[x - 1][y] + 1, dp[x][y - 1] + 1,
                                                      dp[x - 1][y - 1] + (r[x - 1] == h[y - 1] ? 0 : 1)});
                const Alignment a = alignTokens(r, h);
                QCOMPARE(size_t(a.counts.errors()), dp[r.size()][h.size()]);
                QCOMPARE(size_t(a.counts.n), r.size());
                QCOMPARE(size_t(a.counts.c + a.counts.s + a.counts.i), h.size());
            }
        }
    }

    void accumulatesCorpus()
    {
        CerAccumulator acc;
        acc.add("u1", "你好世界", "你号世介");    // N=4 S=2
        acc.add("u2", "今天天气很好", "今天气真很好啊");  // N=6 C=5 D=1 I=2
        acc.add("u3", "", "多");                  // N=0 I=1
        QCOMPARE(int(acc.size()), 3);
        QCOMPARE(acc.utterances()[1].key, std::string("u2"));
        const EditCounts& t = acc.total();
        QCOMPARE(t.n, 10LL);
        QCOMPARE(t.c, 7LL);
        QCOMPARE(t.s, 2LL);
        QCOMPARE(t.d, 1LL);
        QCOMPARE(t.i, 3LL);
        QCOMPARE(t.errorRate(), 0.6);
        EditCounts sum;
        for (const auto& u : acc.utterances()) sum += u.counts;
        QVERIFY(sum == t);
        acc.clear();
        QCOMPARE(int(acc.size()), 0);
        QVERIFY(acc.total() == EditCounts{});
        acc.add("u1", "a", "a");  // keys are free again after clear()
    }

    void rejectsBadKeys_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("message");
        QTest::newRow("empty") << "" << "empty";
        QTest::newRow("space") << "a b" << "whitespace";
        QTest::newRow("tab") << "a\tb" << "whitespace";
        QTest::newRow("duplicate") << "dup" << "already";
    }
    void rejectsBadKeys()
    {
        QFETCH(QString, key);
        QFETCH(QString, message);
        CerAccumulator acc;
        acc.add("dup", "x", "x");
        try {
            acc.add(key.toStdString(), "a", "b");
            QFAIL("no exception");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        QCOMPARE(int(acc.size()), 1);
        QCOMPARE(acc.total().n, 1LL);
    }
};

QTEST_GUILESS_MAIN(TestCer)
#include "test_cer.moc"
