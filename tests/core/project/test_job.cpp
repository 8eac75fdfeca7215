// Job plumbing: progress fractions across stages, ETA, throttling, cancellation, outcomes.
#include "project/job.h"
#include "runtime/error.h"

#include <QTest>

#include <thread>

using namespace espalier;
using namespace espalier::project;

namespace {
struct Recorder : JobObserver {
    std::vector<JobProgress> progress;
    std::vector<std::string> stages;
    std::vector<std::string> logs;
    std::vector<MetricPoint> metrics;
    void onStage(const std::string& s, int, int) override { stages.push_back(s); }
    void onProgress(const JobProgress& p) override { progress.push_back(p); }
    void onLog(LogLevel, const std::string& l) override { logs.push_back(l); }
    void onMetric(const MetricPoint& m) override { metrics.push_back(m); }
};
} // namespace

class TestJob : public QObject {
    Q_OBJECT
private slots:
    void stagesSplitTheFraction()
    {
        Recorder rec;
        CancellationToken token;
        FunctionJob job("two stages", {"x"}, [](JobContext& c) {
            c.beginStage("a", 0, 2, 10);
            c.advance(10);
            c.beginStage("b", 1, 2, 4);
            c.advance(2);
            c.setStageFraction(1.0);
        });
        const JobResult result = runJob(job, &rec, token);
        QCOMPARE(result.outcome, JobOutcome::Succeeded);
        QCOMPARE(rec.stages, (std::vector<std::string>{"a", "b"}));
        // a complete = 0.5; b half = 0.75; finish = 1.0
        std::vector<double> fractions;
        for (const auto& p : rec.progress)
            fractions.push_back(p.fraction);
        QVERIFY(std::find(fractions.begin(), fractions.end(), 0.5) != fractions.end());
        QCOMPARE(rec.progress.back().fraction, 1.0);
        QCOMPARE(rec.progress.back().etaSeconds, 0.0);
        for (size_t i = 1; i < fractions.size(); ++i)
            QVERIFY(fractions[i] >= fractions[i - 1]);
    }

    void stageWeightsShapeTheFraction()
    {
        Recorder rec;
        CancellationToken token;
        FunctionJob job("weighted", {"x"}, [](JobContext& c) {
            c.setStageWeights({0.9, 0.1});
            c.beginStage("synthesise", 0, 2, 10);
            c.advance(10);
            c.beginStage("write", 1, 2, 2);
            std::this_thread::sleep_for(std::chrono::milliseconds(80));  // past the throttle interval
            c.advance(1);
        });
        runJob(job, &rec, token);
        std::vector<double> fractions;
        for (const auto& p : rec.progress)
            fractions.push_back(p.fraction);
        QVERIFY(std::any_of(fractions.begin(), fractions.end(), [](double f) { return std::abs(f - 0.9) < 1e-9; }));
        QVERIFY(std::any_of(fractions.begin(), fractions.end(), [](double f) { return std::abs(f - 0.95) < 1e-9; }));
    }

    void progressIsThrottled()
    {
        Recorder rec;
        CancellationToken token;
        FunctionJob job("many", {"x"}, [](JobContext& c) {
            c.beginStage("s", 0, 1, 100000);
            for (int i = 1; i <= 100000; ++i)
                c.advance(i);
        });
        runJob(job, &rec, token);
        QVERIFY2(rec.progress.size() < 50, qPrintable(QString::number(rec.progress.size())));
        QCOMPARE(rec.progress.back().fraction, 1.0);
    }

    void etaEstimatesRemainingTime()
    {
        Recorder rec;
        CancellationToken token;
        FunctionJob job("timed", {"x"}, [](JobContext& c) {
            c.beginStage("s", 0, 1, 20);
            for (int i = 1; i <= 20; ++i) {
                std::this_thread::sleep_for(std::chrono::milliseconds(50));
                c.advance(i);
            }
        });
        runJob(job, &rec, token);
        // Around the middle (~0.5 s done of ~1 s) the ETA should be roughly 0.5 s.
        bool checked = false;
        for (const auto& p : rec.progress) {
            if (p.fraction >= 0.45 && p.fraction <= 0.55 && p.etaSeconds >= 0) {
                QVERIFY2(p.etaSeconds > 0.2 && p.etaSeconds < 1.5, qPrintable(QString::number(p.etaSeconds)));
                checked = true;
            }
        }
        QVERIFY(checked);
    }

    void cancellationAndOutcomes_data()
    {
        QTest::addColumn<int>("kind");
        QTest::addColumn<int>("outcome");
        QTest::addColumn<bool>("inputError");
        QTest::newRow("cancelled") << 0 << int(JobOutcome::Cancelled) << false;
        QTest::newRow("input error") << 1 << int(JobOutcome::Failed) << true;
        QTest::newRow("io error") << 2 << int(JobOutcome::Failed) << false;
        QTest::newRow("std exception") << 3 << int(JobOutcome::Failed) << false;
    }
    void cancellationAndOutcomes()
    {
        QFETCH(int, kind);
        QFETCH(int, outcome);
        QFETCH(bool, inputError);
        CancellationToken token;
        FunctionJob job("j", {"x"}, [&](JobContext& c) {
            switch (kind) {
            case 0: token.cancel(); c.throwIfCancelled(); break;
            case 1: throw InputError("bad field 'rate'");
            case 2: throw IoError("disk full");
            default: throw std::runtime_error("boom");
            }
        });
        Recorder rec;
        const JobResult result = runJob(job, &rec, token);
        QCOMPARE(int(result.outcome), outcome);
        QCOMPARE(result.inputError, inputError);
        if (outcome == int(JobOutcome::Failed))
            QCOMPARE(rec.logs.back(), result.message);
    }

    void alreadyCancelledTokenNeverRuns()
    {
        CancellationToken token;
        token.cancel();
        bool ran = false;
        FunctionJob job("j", {"x"}, [&](JobContext&) { ran = true; });
        QCOMPARE(runJob(job, nullptr, token).outcome, JobOutcome::Cancelled);
        QVERIFY(!ran);
    }

    void shellJoinQuotes_data()
    {
        QTest::addColumn<QStringList>("argv");
        QTest::addColumn<QString>("joined");
        QTest::newRow("plain") << QStringList{"espalier-cli", "corpus", "stats", "/a/b"} << "espalier-cli corpus stats /a/b";
        QTest::newRow("space") << QStringList{"ls", "my dir"} << "ls 'my dir'";
        QTest::newRow("quote") << QStringList{"echo", "it's"} << "echo 'it'\\''s'";
        QTest::newRow("empty") << QStringList{"x", ""} << "x ''";
        QTest::newRow("dollar") << QStringList{"x", "$HOME"} << "x '$HOME'";
        QTest::newRow("assignment") << QStringList{"A=1", "--k=v"} << "'A=1' --k=v";
    }
    void shellJoinQuotes()
    {
        QFETCH(QStringList, argv);
        QFETCH(QString, joined);
        std::vector<std::string> args;
        for (const auto& a : argv)
            args.push_back(a.toStdString());
        QCOMPARE(QString::fromStdString(shellJoin(args)), joined);
    }
};

QTEST_APPLESS_MAIN(TestJob)
#include "test_job.moc"
