// Job plumbing: progress fractions across stages, ETA and time budgets (on a clock the test moves),
// throttling, cancellation, outcomes.
#include "core/job/job.h"
#include "core/runtime/error.h"

#include <QTest>

using namespace espalier;
using namespace espalier::job;

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

// A clock the test moves by hand.
struct ManualClock {
    std::shared_ptr<double> now = std::make_shared<double>(1000.0);
    void advance(double seconds) { *now += seconds; }
    Clock clock() const
    {
        return [now = now] { return *now; };
    }
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
        ManualClock time;
        FunctionJob job("weighted", {"x"}, [&](JobContext& c) {
            c.setStageWeights({0.9, 0.1});
            c.beginStage("synthesise", 0, 2, 10);
            c.advance(10);
            c.beginStage("write", 1, 2, 2);
            time.advance(0.08);  // past the throttle interval
            c.advance(1);
        });
        runJob(job, &rec, token, time.clock());
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
        ManualClock time;
        FunctionJob job("timed", {"x"}, [&](JobContext& c) {
            c.beginStage("s", 0, 1, 20);
            for (int i = 1; i <= 20; ++i) {
                time.advance(0.5);  // every unit takes half a second
                c.advance(i);
            }
        });
        runJob(job, &rec, token, time.clock());
        // At a steady rate the ETA is exactly what is left: at unit 10 of 20, 5 s.
        bool checked = false;
        for (const auto& p : rec.progress) {
            if (p.done == 10) {
                QCOMPARE(p.elapsedSeconds, 5.0);
                QVERIFY2(std::abs(p.etaSeconds - 5.0) < 1e-9, qPrintable(QString::number(p.etaSeconds)));
                checked = true;
            }
        }
        QVERIFY(checked);
    }

    void aTimeBudgetBindsTheFractionAndTheEta()
    {
        // 20 000 steps planned at 1 step per 0.1 s (33 min), but a 2-minute budget: the budget ends
        // the stage, so progress follows time, the step count still moves, and the ETA is what is
        // left of the budget.
        Recorder rec;
        CancellationToken token;
        ManualClock time;
        FunctionJob job("budget", {"x"}, [&](JobContext& c) {
            c.beginStage("Train", 0, 1, 20000);
            c.setStageTimeBudget(120.0);
            for (int step = 1; step <= 600; ++step) {
                time.advance(0.1);
                c.advance(step);
            }
        });
        runJob(job, &rec, token, time.clock());
        const auto at = std::find_if(rec.progress.begin(), rec.progress.end(), [](const JobProgress& p) { return p.done == 600; });
        QVERIFY(at != rec.progress.end());
        QCOMPARE(at->total, 20000LL);
        QVERIFY2(std::abs(at->fraction - 0.5) < 1e-9, qPrintable(QString::number(at->fraction)));  // 60 s of 120
        QVERIFY2(at->etaSeconds >= 0 && at->etaSeconds <= 60.0 + 1e-9, qPrintable(QString::number(at->etaSeconds)));
        QVERIFY2(at->etaSeconds > 50.0, qPrintable(QString::number(at->etaSeconds)));
    }

    void unitsThatFinishFirstBindInstead()
    {
        // 100 steps in 10 s under a 10-minute budget: the steps end the stage first.
        Recorder rec;
        CancellationToken token;
        ManualClock time;
        FunctionJob job("steps", {"x"}, [&](JobContext& c) {
            c.beginStage("Train", 0, 1, 100);
            c.setStageTimeBudget(600.0);
            for (int step = 1; step <= 50; ++step) {
                time.advance(0.1);
                c.advance(step);
            }
        });
        runJob(job, &rec, token, time.clock());
        const auto at = std::find_if(rec.progress.begin(), rec.progress.end(), [](const JobProgress& p) { return p.done == 50; });
        QVERIFY(at != rec.progress.end());
        QVERIFY(std::abs(at->fraction - 0.5) < 1e-9);
        QVERIFY2(std::abs(at->etaSeconds - 5.0) < 1e-6, qPrintable(QString::number(at->etaSeconds)));
    }

    void durationsAreFormatted_data()
    {
        QTest::addColumn<double>("seconds");
        QTest::addColumn<QString>("text");
        QTest::newRow("unknown") << -1.0 << "--:--";
        QTest::newRow("seconds") << 9.4 << "0:09";
        QTest::newRow("minutes") << 247.0 << "4:07";
        QTest::newRow("hours") << 3723.0 << "1:02:03";
    }
    void durationsAreFormatted()
    {
        QFETCH(double, seconds);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(formatDuration(seconds)), text);
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
};

QTEST_APPLESS_MAIN(TestJob)
#include "test_job.moc"
