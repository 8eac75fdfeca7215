#include "core/eval/ctc_decode.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <cmath>
#include <limits>
#include <map>
#include <random>
#include <set>

using namespace espalier;
using namespace espalier::eval;

namespace {

// A frames x vocab matrix of log-probabilities built from probabilities.
struct Matrix {
    int frames = 0;
    int vocab = 0;
    std::vector<float> data;

    LogProbs view() const { return {frames, vocab, data.empty() ? nullptr : data.data()}; }
    float at(int t, int v) const { return data[size_t(t) * size_t(vocab) + size_t(v)]; }
};

Matrix fromProbs(const std::vector<std::vector<double>>& probs)
{
    Matrix m;
    m.frames = int(probs.size());
    m.vocab = probs.empty() ? 0 : int(probs[0].size());
    for (const auto& row : probs)
        for (double p : row) m.data.push_back(float(std::log(p)));
    return m;
}

// Each frame puts `peak` on its path token and spreads the rest evenly.
Matrix peaked(const QList<int>& path, int vocab, double peak)
{
    std::vector<std::vector<double>> probs;
    for (int token : path) {
        std::vector<double> row(size_t(vocab), (1.0 - peak) / (vocab - 1));
        row[size_t(token)] = peak;
        probs.push_back(row);
    }
    Matrix m = fromProbs(probs);
    m.vocab = vocab;
    return m;
}

// Rows are softmax(scale * N(0, 1)): random, sometimes peaked distributions.
Matrix randomMatrix(std::mt19937& rng, int frames, int vocab, double scale)
{
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<std::vector<double>> probs;
    for (int t = 0; t < frames; ++t) {
        std::vector<double> row;
        double sum = 0;
        for (int v = 0; v < vocab; ++v) {
            row.push_back(std::exp(scale * normal(rng)));
            sum += row.back();
        }
        for (double& p : row) p /= sum;
        probs.push_back(row);
    }
    Matrix m = fromProbs(probs);
    m.vocab = vocab;
    return m;
}

std::vector<int> collapse(const std::vector<int>& path)
{
    std::vector<int> out;
    int previous = 0;
    for (int token : path) {
        if (token != 0 && token != previous) out.push_back(token);
        previous = token;
    }
    return out;
}

// Probability of every label sequence: the sum over all vocab^frames alignments that collapse to it.
std::map<std::vector<int>, double> bruteForce(const Matrix& m)
{
    std::map<std::vector<int>, double> out;
    std::vector<int> path(size_t(m.frames), 0);
    while (true) {
        double p = 1.0;
        for (int t = 0; t < m.frames; ++t) p *= std::exp(double(m.at(t, path[size_t(t)])));
        out[collapse(path)] += p;
        int t = 0;
        while (t < m.frames && ++path[size_t(t)] == m.vocab) path[size_t(t++)] = 0;
        if (t == m.frames) break;
    }
    return out;
}

QList<int> toQt(const std::vector<int>& v)
{
    return QList<int>(v.begin(), v.end());
}

} // namespace

class TestCtcDecode : public QObject {
    Q_OBJECT

private slots:
    void greedy_data()
    {
        QTest::addColumn<QList<int>>("path");
        QTest::addColumn<QList<int>>("expected");
        QTest::newRow("zero frames") << QList<int>{} << QList<int>{};
        QTest::newRow("all blank") << QList<int>{0, 0, 0, 0} << QList<int>{};
        QTest::newRow("single token") << QList<int>{2} << QList<int>{2};
        QTest::newRow("repeats collapse") << QList<int>{1, 1, 2, 2, 2, 1} << QList<int>{1, 2, 1};
        QTest::newRow("blank between repeats keeps both") << QList<int>{1, 0, 1} << QList<int>{1, 1};
        QTest::newRow("leading and trailing blanks") << QList<int>{0, 0, 3, 3, 0} << QList<int>{3};
        QTest::newRow("mixed") << QList<int>{1, 1, 0, 1, 2, 0, 0, 2, 2, 3} << QList<int>{1, 1, 2, 2, 3};
    }
    void greedy()
    {
        QFETCH(QList<int>, path);
        QFETCH(QList<int>, expected);
        const Matrix m = peaked(path, 4, 0.7);
        QCOMPARE(toQt(ctcGreedy(m.view())), expected);
        const Hypothesis h = ctcGreedyHypothesis(m.view());
        QCOMPARE(toQt(h.tokens), expected);
        QVERIFY(std::abs(h.logProb - path.size() * std::log(0.7)) < 1e-5);
    }

    void greedyTieTakesLowestId()
    {
        const Matrix m = fromProbs({{0.2, 0.4, 0.4}, {0.4, 0.2, 0.4}});
        QCOMPARE(toQt(ctcGreedy(m.view())), (QList<int>{1}));
    }

    void greedyReadsOnlyValidFrames()
    {
        Matrix m = peaked({1, 0, 2, 3, 3}, 4, 0.9);
        for (int v = 0; v < 4; ++v) m.data[size_t(4 * 4 + v)] = std::numeric_limits<float>::quiet_NaN();
        LogProbs view = m.view();
        view.frames = 3;
        QCOMPARE(toQt(ctcGreedy(view)), (QList<int>{1, 2}));
        QCOMPARE(toQt(ctcPrefixBeamSearch(view, 4).front().tokens), (QList<int>{1, 2}));
    }

    void zeroLength()
    {
        const LogProbs empty{0, 5, nullptr};
        QVERIFY(ctcGreedy(empty).empty());
        QCOMPARE(ctcGreedyHypothesis(empty).logProb, 0.0);
        const auto hyps = ctcPrefixBeamSearch(empty, 8);
        QCOMPARE(int(hyps.size()), 1);
        QVERIFY(hyps[0].tokens.empty());
        QCOMPARE(hyps[0].logProb, 0.0);
    }

    void beamOneEqualsGreedyOnPeakedInput()
    {
        std::mt19937 rng(7);
        std::uniform_int_distribution<int> frames(1, 30), vocab(2, 8);
        for (int trial = 0; trial < 200; ++trial) {
            const int v = vocab(rng);
            QList<int> path;
            std::uniform_int_distribution<int> token(0, v - 1);
            for (int t = frames(rng); t > 0; --t) path << token(rng);
            const Matrix m = peaked(path, v, 0.8);
            const auto greedy = ctcGreedy(m.view());
            for (int topK : {TokenPruning::kBeamWidth, TokenPruning::kAllTokens}) {
                const auto hyps = ctcPrefixBeamSearch(m.view(), 1, {topK});
                QCOMPARE(int(hyps.size()), 1);
                QCOMPARE(toQt(hyps[0].tokens), toQt(greedy));
            }
        }
    }

    void beamFindsLabelSequenceGreedyMisses()
    {
        // Best path is blank-blank (0.36) but "a" has three alignments: aa, a-, -a (0.16 + 0.24 + 0.24).
        const Matrix m = fromProbs({{0.6, 0.4}, {0.6, 0.4}});
        QVERIFY(ctcGreedy(m.view()).empty());
        const auto hyps = ctcPrefixBeamSearch(m.view(), 4);
        QCOMPARE(int(hyps.size()), 2);  // "aa" needs a blank between: three frames
        QCOMPARE(toQt(hyps[0].tokens), (QList<int>{1}));
        QVERIFY(std::abs(hyps[0].logProb - std::log(0.64)) < 1e-6);
        QVERIFY(hyps[1].tokens.empty());
        QVERIFY(std::abs(hyps[1].logProb - std::log(0.36)) < 1e-6);
    }

    void nBestIsOrderedAndDistinct()
    {
        std::mt19937 rng(11);
        for (int trial = 0; trial < 50; ++trial) {
            const Matrix m = randomMatrix(rng, 12, 6, 2.0);
            for (int beam : {1, 3, 8}) {
                const auto hyps = ctcPrefixBeamSearch(m.view(), beam, {TokenPruning::kAllTokens});
                QVERIFY(!hyps.empty() && int(hyps.size()) <= beam);
                std::set<std::vector<int>> seen;
                for (size_t k = 0; k < hyps.size(); ++k) {
                    QVERIFY(std::isfinite(hyps[k].logProb) && hyps[k].logProb <= 0.0);
                    if (k > 0) QVERIFY(hyps[k - 1].logProb >= hyps[k].logProb);
                    QVERIFY(seen.insert(hyps[k].tokens).second);
                }
            }
        }
    }

    void matchesBruteForceOnTinyCases()
    {
        std::mt19937 rng(2024);
        std::uniform_int_distribution<int> frames(1, 4), vocab(1, 3);
        std::uniform_real_distribution<double> scale(0.3, 3.0);
        int labelSequences = 0;
        for (int trial = 0; trial < 300; ++trial) {
            const Matrix m = randomMatrix(rng, frames(rng), vocab(rng), scale(rng));
            const auto exact = bruteForce(m);
            const auto hyps = ctcPrefixBeamSearch(m.view(), 64, {TokenPruning::kAllTokens});
            // A beam wide enough to keep every prefix scores every label sequence exactly.
            QCOMPARE(hyps.size(), exact.size());
            for (const Hypothesis& h : hyps) {
                QVERIFY(exact.count(h.tokens));
                QVERIFY2(std::abs(h.logProb - std::log(exact.at(h.tokens))) < 1e-6, qPrintable(QString::number(trial)));
            }
            auto best = exact.begin();
            for (auto it = exact.begin(); it != exact.end(); ++it)
                if (it->second > best->second) best = it;
            QCOMPARE(toQt(hyps.front().tokens), toQt(best->first));
            // The default pruning (top beam-width tokens) loses nothing when the beam covers the vocabulary.
            const auto pruned = ctcPrefixBeamSearch(m.view(), 64);
            QCOMPARE(toQt(pruned.front().tokens), toQt(best->first));
            QVERIFY(std::abs(pruned.front().logProb - hyps.front().logProb) < 1e-9);
            labelSequences += int(exact.size());
        }
        QVERIFY(labelSequences > 1000);  // the cases are not trivial
    }

    void tokenPruning()
    {
        // Per frame: blank 0.5, a 0.3, b 0.2.
        const Matrix m = fromProbs({{0.5, 0.3, 0.2}, {0.5, 0.3, 0.2}, {0.5, 0.3, 0.2}});
        const auto containsB = [](const std::vector<Hypothesis>& hyps) {
            for (const auto& h : hyps)
                for (int t : h.tokens)
                    if (t == 2) return true;
            return false;
        };
        QVERIFY(containsB(ctcPrefixBeamSearch(m.view(), 16, {TokenPruning::kAllTokens})));
        QVERIFY(!containsB(ctcPrefixBeamSearch(m.view(), 16, {1})));
        QVERIFY(!containsB(ctcPrefixBeamSearch(m.view(), 16, {TokenPruning::kAllTokens, float(std::log(0.25))})));
        QVERIFY(containsB(ctcPrefixBeamSearch(m.view(), 16, {TokenPruning::kAllTokens, float(std::log(0.15))})));
        // Pruned extensions lower the kept scores: "a" alone loses nothing, so its score is unchanged.
        const auto all = ctcPrefixBeamSearch(m.view(), 16, {TokenPruning::kAllTokens});
        const auto topOne = ctcPrefixBeamSearch(m.view(), 16, {1});
        QCOMPARE(toQt(topOne.front().tokens), toQt(all.front().tokens));
        QVERIFY(std::abs(topOne.front().logProb - all.front().logProb) < 1e-9);
        QVERIFY(topOne.size() < all.size());
    }

    void topKPicksMostProbableTokens_data()
    {
        QTest::addColumn<int>("topK");
        for (int k : {1, 5, 64, 65, 150, 198, 199, 250}) QTest::addRow("k=%d", k) << k;
    }
    void topKPicksMostProbableTokens()
    {
        // One frame: the beam's one-token hypotheses are exactly the candidate tokens. Coarse values make ties,
        // which go to the lower id.
        QFETCH(int, topK);
        const int vocab = 200;
        std::mt19937 rng(static_cast<uint32_t>(topK));
        std::uniform_int_distribution<int> level(1, 40);
        std::vector<double> probs;
        for (int v = 0; v < vocab; ++v) probs.push_back(level(rng));
        double sum = 0;
        for (double p : probs) sum += p;
        for (double& p : probs) p /= sum;
        const Matrix m = fromProbs({probs});
        std::vector<int> order;
        for (int v = 1; v < vocab; ++v) order.push_back(v);
        std::stable_sort(order.begin(), order.end(), [&](int a, int b) { return m.at(0, a) > m.at(0, b); });
        order.resize(size_t(std::min(topK, vocab - 1)));
        std::sort(order.begin(), order.end());

        std::vector<int> got;
        for (const Hypothesis& h : ctcPrefixBeamSearch(m.view(), 1000, {topK})) {
            QVERIFY(h.tokens.size() <= 1);
            if (!h.tokens.empty()) got.push_back(h.tokens[0]);
        }
        std::sort(got.begin(), got.end());
        QCOMPARE(toQt(got), toQt(order));
    }

    void rejectsBadInput_data()
    {
        QTest::addColumn<int>("frames");
        QTest::addColumn<int>("vocab");
        QTest::addColumn<bool>("hasData");
        QTest::addColumn<int>("beam");
        QTest::addColumn<int>("topK");
        QTest::addColumn<QString>("message");
        QTest::newRow("negative frames") << -1 << 3 << true << 4 << -1 << "frame count";
        QTest::newRow("no vocabulary") << 2 << 0 << true << 4 << -1 << "vocabulary size";
        QTest::newRow("no data") << 2 << 3 << false << 4 << -1 << "no data";
        QTest::newRow("beam zero") << 2 << 3 << true << 0 << -1 << "beam width";
        QTest::newRow("top-k below -1") << 2 << 3 << true << 4 << -2 << "top-k";
    }
    void rejectsBadInput()
    {
        QFETCH(int, frames);
        QFETCH(int, vocab);
        QFETCH(bool, hasData);
        QFETCH(int, beam);
        QFETCH(int, topK);
        QFETCH(QString, message);
        const std::vector<float> data(6, std::log(1.0f / 3));
        const LogProbs lp{frames, vocab, hasData ? data.data() : nullptr};
        try {
            ctcPrefixBeamSearch(lp, beam, {topK});
            QFAIL("no exception");
        } catch (const InputError& e) {
            QVERIFY2(QString(e.what()).contains(message), e.what());
        }
        if (beam >= 1 && topK >= -1) QVERIFY_THROWS_EXCEPTION(InputError, ctcGreedy(lp));
    }
};

QTEST_GUILESS_MAIN(TestCtcDecode)
#include "test_ctc_decode.moc"
