#include "core/audio/cmvn.h"
#include "core/runtime/error.h"

#include <QtTest>

#include <cmath>

using namespace espalier;

class TestCmvn : public QObject {
    Q_OBJECT

private slots:
    void meanAndStddevOfKnownData()
    {
        // 4 frames x 3 bins; bin 2 is constant, so its variance hits the floor.
        const float features[] = {1, 10, 5,  //
                                  2, 20, 5,  //
                                  3, 30, 5,  //
                                  6, 40, 5};
        audio::CmvnStats stats;
        stats.accumulate(features, 4, 3);
        QCOMPARE(stats.frames, 4LL);
        QCOMPARE(stats.sum, (std::vector<double>{12, 100, 20}));
        QCOMPARE(stats.sumSquares, (std::vector<double>{50, 3000, 100}));
        QCOMPARE(stats.mean(), (std::vector<float>{3.0f, 25.0f, 5.0f}));
        const std::vector<float> inv = stats.invStddev();
        QCOMPARE(inv.size(), size_t(3));
        QVERIFY(std::fabs(inv[0] - float(1 / std::sqrt(3.5))) < 1e-7f);  // var = 50/4 - 9
        QVERIFY(std::fabs(inv[1] - float(1 / std::sqrt(125.0))) < 1e-7f);
        QCOMPARE(inv[2], 1e10f);  // 1/sqrt(1e-20), WeNet's floor
    }

    void mergeEqualsAccumulatingTogether()
    {
        std::vector<float> a(50 * 8), b(30 * 8);
        for (size_t i = 0; i < a.size(); ++i) a[i] = float(std::sin(double(i)) * 3 + 1);
        for (size_t i = 0; i < b.size(); ++i) b[i] = float(std::cos(double(i) * 0.7) * 2 - 4);
        audio::CmvnStats sa, sb, all;
        sa.accumulate(a.data(), 50, 8);
        sb.accumulate(b.data(), 30, 8);
        all.accumulate(a.data(), 50, 8);
        all.accumulate(b.data(), 30, 8);
        audio::CmvnStats merged;
        merged.merge(sa);  // into empty stats
        merged.merge(sb);
        merged.merge(audio::CmvnStats{});  // empty stats change nothing
        QCOMPARE(merged.frames, 80LL);
        for (size_t k = 0; k < 8; ++k) {
            QVERIFY(std::fabs(merged.sum[k] - all.sum[k]) < 1e-9);
            QVERIFY(std::fabs(merged.sumSquares[k] - all.sumSquares[k]) < 1e-9);
        }

        audio::CmvnStats other;
        const float four[4] = {1, 2, 3, 4};
        other.accumulate(four, 1, 4);
        QVERIFY_THROWS_EXCEPTION(InputError, merged.merge(other));
        QVERIFY_THROWS_EXCEPTION(InputError, merged.accumulate(four, 1, 4));
        QVERIFY_THROWS_EXCEPTION(InputError, audio::CmvnStats{}.mean());
    }

    void jsonRoundTrip()
    {
        std::vector<float> f(123 * 80);
        for (size_t i = 0; i < f.size(); ++i) f[i] = float(std::sin(double(i) * 0.37) * 7.3 + 12.1);
        audio::CmvnStats stats;
        stats.accumulate(f.data(), 123, 80);
        const std::string json = stats.toJson();
        QVERIFY(json.find("\"mean_stat\"") != std::string::npos);
        QVERIFY(json.find("\"var_stat\"") != std::string::npos);
        QVERIFY(json.find("\"frame_num\":123") != std::string::npos);
        const audio::CmvnStats back = audio::CmvnStats::fromJson(json, "global_cmvn");
        QCOMPARE(back.frames, stats.frames);
        QCOMPARE(back.sum, stats.sum);  // doubles survive exactly
        QCOMPARE(back.sumSquares, stats.sumSquares);
    }

    void readsWenetFile()
    {
        // As WeNet's tools/compute_cmvn_stats.py writes it (floats, frame_num an integer).
        const std::string json = R"({"mean_stat": [300.0, 150.5], "var_stat": [9100.0, 2300.25], "frame_num": 10})";
        const audio::CmvnStats stats = audio::CmvnStats::fromJson(json, "data/train/global_cmvn");
        QCOMPARE(stats.frames, 10LL);
        QCOMPARE(stats.mean(), (std::vector<float>{30.0f, 15.05f}));
        QVERIFY(std::fabs(stats.invStddev()[0] - float(1 / std::sqrt(10.0))) < 1e-7f);  // 910 - 900
        const audio::CmvnStats floatCount =
            audio::CmvnStats::fromJson(R"({"mean_stat": [1], "var_stat": [1], "frame_num": 4.0})", "x");
        QCOMPARE(floatCount.frames, 4LL);
    }

    void rejectsMalformed_data()
    {
        QTest::addColumn<QString>("json");
        QTest::addColumn<QString>("reason");
        QTest::newRow("not json") << "mean_stat = 1" << "malformed JSON";
        QTest::newRow("empty") << "" << "malformed JSON";
        QTest::newRow("array root") << "[1, 2, 3]" << "expected an object";
        QTest::newRow("missing var_stat") << R"({"mean_stat": [1], "frame_num": 3})" << "missing \"var_stat\"";
        QTest::newRow("missing frame_num") << R"({"mean_stat": [1], "var_stat": [1]})" << "missing \"frame_num\"";
        QTest::newRow("length mismatch") << R"({"mean_stat": [1, 2], "var_stat": [1], "frame_num": 3})"
                                         << "has 2 values";
        QTest::newRow("string value") << R"({"mean_stat": [1, "2"], "var_stat": [1, 2], "frame_num": 3})"
                                      << "\"mean_stat\"[1]";
        QTest::newRow("stat not array") << R"({"mean_stat": 1, "var_stat": [1], "frame_num": 3})" << "array";
        QTest::newRow("empty stats") << R"({"mean_stat": [], "var_stat": [], "frame_num": 3})" << "empty";
        QTest::newRow("zero frames") << R"({"mean_stat": [1], "var_stat": [1], "frame_num": 0})" << "positive";
        QTest::newRow("negative frames") << R"({"mean_stat": [1], "var_stat": [1], "frame_num": -5})" << "positive";
        QTest::newRow("fractional frames") << R"({"mean_stat": [1], "var_stat": [1], "frame_num": 2.5})"
                                           << "whole number";
        QTest::newRow("string frames") << R"({"mean_stat": [1], "var_stat": [1], "frame_num": "3"})"
                                       << "whole number";
    }
    void rejectsMalformed()
    {
        QFETCH(QString, json);
        QFETCH(QString, reason);
        try {
            audio::CmvnStats::fromJson(json.toStdString(), "exp/model/global_cmvn");
            QFAIL("expected FormatError");
        } catch (const FormatError& e) {
            const std::string msg = e.what();
            QVERIFY2(msg.find("exp/model/global_cmvn") != std::string::npos, msg.c_str());
            QVERIFY2(msg.find(reason.toStdString()) != std::string::npos, msg.c_str());
        }
    }
};

QTEST_GUILESS_MAIN(TestCmvn)
#include "test_cmvn.moc"
