#include "core/job/job.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>

namespace espalier::job {

namespace {
constexpr double kMinEmitInterval = 0.05;  // seconds between throttled progress events
constexpr double kRateSmoothing = 0.3;     // weight of the newest rate sample in the ETA estimate
}

void CancellationToken::throwIfCancelled() const
{
    if (isCancelled())
        throw CancelledError();
}

const EnumNames<LogLevel>& logLevelNames()
{
    static const EnumNames<LogLevel> names{
        {LogLevel::Debug, "debug"}, {LogLevel::Info, "info"}, {LogLevel::Warning, "warning"}, {LogLevel::Error, "error"}};
    return names;
}

const EnumNames<JobOutcome>& jobOutcomeNames()
{
    static const EnumNames<JobOutcome> names{
        {JobOutcome::Succeeded, "succeeded"}, {JobOutcome::Failed, "failed"}, {JobOutcome::Cancelled, "cancelled"}};
    return names;
}

double steadySeconds()
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

std::string formatDuration(double seconds)
{
    if (seconds < 0 || !std::isfinite(seconds))
        return "--:--";
    const long long total = std::llround(seconds);
    const long long h = total / 3600, m = (total % 3600) / 60, s = total % 60;
    char buffer[32];
    if (h > 0)
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", h, m, s);
    else
        std::snprintf(buffer, sizeof buffer, "%lld:%02lld", m, s);
    return buffer;
}

JobContext::JobContext(JobObserver* observer, const CancellationToken& token, Clock clock)
    : observer_(observer), token_(token), clock_(std::move(clock)), start_(clock_()), lastEmit_(start_)
{
}

void JobContext::beginStage(const std::string& name, int index, int count, long long total)
{
    stage_ = name;
    stageIndex_ = std::clamp(index, 0, std::max(count - 1, 0));
    stageCount_ = std::max(count, 1);
    total_ = std::max(total, 0LL);
    done_ = 0;
    budgetSeconds_ = 0.0;
    if (observer_)
        observer_->onStage(name, stageIndex_, stageCount_);
    emitProgress(0.0, true);
}

void JobContext::setStageWeights(std::vector<double> weights)
{
    double sum = 0;
    for (double& w : weights) {
        w = std::max(w, 0.0);
        sum += w;
    }
    if (sum <= 0)
        weights.clear();
    stageWeights_ = std::move(weights);
}

void JobContext::setStageTimeBudget(double seconds)
{
    budgetStart_ = clock_();
    budgetSeconds_ = seconds > 0 && std::isfinite(seconds) ? seconds : 0.0;
}

void JobContext::advance(long long done)
{
    done_ = done;
    emitProgress(total_ > 0 ? double(done) / double(total_) : 0.0, done >= total_ && total_ > 0);
}

void JobContext::setStageFraction(double fraction)
{
    emitProgress(fraction, fraction >= 1.0);
}

void JobContext::log(LogLevel level, const std::string& line)
{
    if (observer_)
        observer_->onLog(level, line);
}

void JobContext::metric(const MetricPoint& point)
{
    if (observer_)
        observer_->onMetric(point);
}

void JobContext::finish()
{
    stageIndex_ = stageCount_ - 1;
    done_ = total_;
    budgetSeconds_ = 0.0;
    emitProgress(1.0, true);
}

double JobContext::overallFraction(double stageFraction) const
{
    if (stageWeights_.size() != size_t(stageCount_))
        return (stageIndex_ + stageFraction) / stageCount_;
    double before = 0, sum = 0;
    for (int i = 0; i < stageCount_; ++i) {
        sum += stageWeights_[size_t(i)];
        if (i < stageIndex_)
            before += stageWeights_[size_t(i)];
    }
    return (before + stageWeights_[size_t(stageIndex_)] * stageFraction) / sum;
}

void JobContext::emitProgress(double stageFraction, bool force)
{
    const double now = clock_();
    const double elapsed = now - start_;
    if (!force && now - lastEmit_ < kMinEmitInterval)
        return;
    lastEmit_ = now;

    // Under a time budget the stage is as far along as the larger of its units and its time.
    const double budgetUsed = budgetSeconds_ > 0 ? (now - budgetStart_) / budgetSeconds_ : 0.0;
    stageFraction = std::clamp(std::max(stageFraction, budgetUsed), 0.0, 1.0);
    const double fraction = std::clamp(overallFraction(stageFraction), 0.0, 1.0);

    // ETA from a smoothed rate of overall progress, so one slow item does not make it jump.
    const double dt = elapsed - lastFractionTime_;
    if (dt > 0.2 && fraction > lastFraction_) {
        const double rate = (fraction - lastFraction_) / dt;
        smoothedRate_ = smoothedRate_ > 0 ? kRateSmoothing * rate + (1 - kRateSmoothing) * smoothedRate_ : rate;
        lastFraction_ = fraction;
        lastFractionTime_ = elapsed;
    }
    double eta = -1.0;
    if (fraction >= 1.0)
        eta = 0.0;
    else if (smoothedRate_ > 0)
        eta = (1.0 - fraction) / smoothedRate_;
    else if (fraction > 0.01 && elapsed > 0.5)
        eta = elapsed * (1.0 - fraction) / fraction;
    if (budgetSeconds_ > 0 && eta >= 0) {
        // The budget binds: the stage ends when it is used up, then the later stages run.
        const double left = std::max(0.0, budgetSeconds_ - (now - budgetStart_));
        const double afterStage = 1.0 - std::clamp(overallFraction(1.0), 0.0, 1.0);
        const double laterStages = smoothedRate_ > 0 ? afterStage / smoothedRate_ : 0.0;
        eta = std::min(eta, left + laterStages);
    }

    if (!observer_)
        return;
    JobProgress progress;
    progress.fraction = fraction;
    progress.elapsedSeconds = elapsed;
    progress.etaSeconds = eta;
    progress.stage = stage_;
    progress.stageIndex = stageIndex_;
    progress.stageCount = stageCount_;
    progress.done = done_;
    progress.total = total_;
    observer_->onProgress(progress);
}

JobResult runJob(Job& job, JobObserver* observer, const CancellationToken& token, Clock clock)
{
    JobContext context(observer, token, std::move(clock));
    JobResult result;
    try {
        token.throwIfCancelled();
        job.run(context);
        context.finish();
        result.outcome = JobOutcome::Succeeded;
    } catch (const CancelledError&) {
        result.outcome = JobOutcome::Cancelled;
        result.message = "cancelled";
    } catch (const InputError& e) {
        result.outcome = JobOutcome::Failed;
        result.message = e.what();
        result.inputError = true;
    } catch (const std::exception& e) {
        result.outcome = JobOutcome::Failed;
        result.message = e.what();
    } catch (...) {
        result.outcome = JobOutcome::Failed;
        result.message = "unknown error";
    }
    if (result.outcome == JobOutcome::Failed)
        context.log(LogLevel::Error, result.message);
    return result;
}

} // namespace espalier::job
