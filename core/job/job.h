#pragma once
// Long-running work (corpus synthesis, training, sensitivity, export, benchmarks, reports) as a Job:
// it runs on any thread, reports through a plain observer and polls a cancellation token. The CLI
// renders the events as a progress bar or JSON lines; widgets/ adapts them to Qt signals.
#include "core/runtime/enum_names.h"

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace espalier::job {

// Shared flag a caller sets to ask a job to stop. Jobs poll it at least every few hundred ms.
class CancellationToken {
public:
    void cancel() { cancelled_.store(true); }
    bool isCancelled() const { return cancelled_.load(); }
    void throwIfCancelled() const;  // throws espalier::CancelledError

private:
    std::atomic<bool> cancelled_{false};
};

enum class LogLevel { Debug, Info, Warning, Error };
const EnumNames<LogLevel>& logLevelNames();  // "debug", "info", "warning", "error"

struct JobProgress {
    double fraction = 0.0;        // overall, 0..1
    double elapsedSeconds = 0.0;
    double etaSeconds = -1.0;     // < 0 while unknown
    std::string stage;
    int stageIndex = 0;
    int stageCount = 1;
    long long done = 0;           // units done in this stage (utterances, steps, ...), 0 if unknown
    long long total = 0;
};

// A measured value on a series: training loss at a step, CER at an epoch, a sensitivity heatmap
// cell (tags {"layer": ..., "sparsity": ...}), a latency sample on a device.
struct MetricPoint {
    std::string series;
    double step = 0.0;
    double value = 0.0;
    std::map<std::string, std::string> tags;
};

// Receives a job's events on the job's thread. Implementations must be cheap and thread-safe
// with respect to their own state; the GUI adapter forwards them to the GUI thread.
class JobObserver {
public:
    virtual ~JobObserver() = default;
    virtual void onStage(const std::string& stage, int index, int count) {}
    virtual void onProgress(const JobProgress& progress) {}
    virtual void onLog(LogLevel level, const std::string& line) {}
    virtual void onMetric(const MetricPoint& point) {}
};

// Seconds on a monotonic clock. Jobs time their progress on the one their context was given
// (steadySeconds unless a test injects its own, so ETAs are tested without sleeping).
using Clock = std::function<double()>;
double steadySeconds();

// "0:09", "4:07", "1:02:03"; "--:--" when unknown (negative or not finite).
std::string formatDuration(double seconds);

// The job's only channel to the outside world while it runs.
class JobContext {
public:
    JobContext(JobObserver* observer, const CancellationToken& token, Clock clock = steadySeconds);

    // Starts stage `index` of `count`; `total` units of work, 0 when unknown. Stages weigh the same
    // in the overall fraction unless setStageWeights() said otherwise.
    void beginStage(const std::string& name, int index, int count, long long total = 0);
    // Relative cost of each stage (e.g. {0.95, 0.05}), so the overall fraction and ETA are honest.
    void setStageWeights(std::vector<double> weights);
    // Reports units done in the current stage; events are throttled to about 20 per second.
    void advance(long long done);
    // Reports the fraction of the current stage done, for work not counted in units.
    void setStageFraction(double fraction);
    // The current stage ends after `seconds` at the latest, from now (a training run's time budget):
    // its fraction is then the larger of units done and time used, and the ETA never outlives the
    // budget. beginStage() clears it.
    void setStageTimeBudget(double seconds);
    void log(LogLevel level, const std::string& line);
    void info(const std::string& line) { log(LogLevel::Info, line); }
    void warning(const std::string& line) { log(LogLevel::Warning, line); }
    void metric(const MetricPoint& point);

    bool isCancelled() const { return token_.isCancelled(); }
    const CancellationToken& token() const { return token_; }
    void throwIfCancelled() const { token_.throwIfCancelled(); }
    // Sends the final 100 % progress event (runJob calls it on success).
    void finish();

private:
    void emitProgress(double stageFraction, bool force);
    // The overall fraction when the current stage is stageFraction done.
    double overallFraction(double stageFraction) const;

    JobObserver* observer_;
    const CancellationToken& token_;
    Clock clock_;
    double start_ = 0.0;
    double lastEmit_ = 0.0;
    double budgetStart_ = 0.0;
    double budgetSeconds_ = 0.0;  // 0: the stage has no time budget
    std::string stage_;
    int stageIndex_ = 0;
    int stageCount_ = 1;
    std::vector<double> stageWeights_;
    long long total_ = 0;
    long long done_ = 0;
    double smoothedRate_ = 0.0;  // fraction per second, exponentially smoothed for a steady ETA
    double lastFraction_ = 0.0;
    double lastFractionTime_ = 0.0;
};

class Job {
public:
    virtual ~Job() = default;
    // A short user-visible title, e.g. "Synthesise demo corpus".
    virtual std::string title() const = 0;
    // The espalier-cli command line that does the same work (shown by the GUI).
    virtual std::vector<std::string> cliCommand() const = 0;
    // Does the work; throws espalier::Error subclasses on failure and CancelledError on cancel.
    virtual void run(JobContext& context) = 0;
};

// A Job made of a function, for short tasks that need no class of their own.
class FunctionJob : public Job {
public:
    using Body = std::function<void(JobContext&)>;
    FunctionJob(std::string title, std::vector<std::string> cliCommand, Body body)
        : title_(std::move(title)), cli_(std::move(cliCommand)), body_(std::move(body)) {}
    std::string title() const override { return title_; }
    std::vector<std::string> cliCommand() const override { return cli_; }
    void run(JobContext& context) override { body_(context); }

private:
    std::string title_;
    std::vector<std::string> cli_;
    Body body_;
};

enum class JobOutcome { Succeeded, Failed, Cancelled };
const EnumNames<JobOutcome>& jobOutcomeNames();  // "succeeded", "failed", "cancelled"

struct JobResult {
    JobOutcome outcome = JobOutcome::Succeeded;
    std::string message;   // the error for Failed
    bool inputError = false;  // the failure was caused by bad input (CLI exit code 2)
};

// Runs the job on the calling thread and turns exceptions into a result; never throws.
JobResult runJob(Job& job, JobObserver* observer, const CancellationToken& token, Clock clock = steadySeconds);

} // namespace espalier::job
