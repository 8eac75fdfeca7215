#include "project/job.h"

#include "runtime/error.h"

#include <algorithm>
#include <exception>

namespace espalier::project {

namespace {
constexpr double kMinEmitInterval = 0.05;  // seconds between throttled progress events
constexpr double kRateSmoothing = 0.3;     // weight of the newest rate sample in the ETA estimate
}

void CancellationToken::throwIfCancelled() const
{
    if (isCancelled())
        throw CancelledError();
}

const char* logLevelName(LogLevel level)
{
    switch (level) {
    case LogLevel::Debug: return "debug";
    case LogLevel::Info: return "info";
    case LogLevel::Warning: return "warning";
    case LogLevel::Error: return "error";
    }
    return "info";
}

const char* jobOutcomeName(JobOutcome outcome)
{
    switch (outcome) {
    case JobOutcome::Succeeded: return "succeeded";
    case JobOutcome::Failed: return "failed";
    case JobOutcome::Cancelled: return "cancelled";
    }
    return "failed";
}

JobContext::JobContext(JobObserver* observer, const CancellationToken& token)
    : observer_(observer), token_(token), start_(std::chrono::steady_clock::now()), lastEmit_(start_)
{
}

void JobContext::beginStage(const std::string& name, int index, int count, long long total)
{
    stage_ = name;
    stageIndex_ = std::clamp(index, 0, std::max(count - 1, 0));
    stageCount_ = std::max(count, 1);
    total_ = std::max(total, 0LL);
    done_ = 0;
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
    emitProgress(1.0, true);
}

void JobContext::emitProgress(double stageFraction, bool force)
{
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    if (!force && std::chrono::duration<double>(now - lastEmit_).count() < kMinEmitInterval)
        return;
    lastEmit_ = now;

    stageFraction = std::clamp(stageFraction, 0.0, 1.0);
    double fraction = (stageIndex_ + stageFraction) / stageCount_;
    if (stageWeights_.size() == size_t(stageCount_)) {
        double before = 0, sum = 0;
        for (int i = 0; i < stageCount_; ++i) {
            sum += stageWeights_[size_t(i)];
            if (i < stageIndex_)
                before += stageWeights_[size_t(i)];
        }
        fraction = (before + stageWeights_[size_t(stageIndex_)] * stageFraction) / sum;
    }
    fraction = std::clamp(fraction, 0.0, 1.0);

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

JobResult runJob(Job& job, JobObserver* observer, const CancellationToken& token)
{
    JobContext context(observer, token);
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

std::string shellJoin(const std::vector<std::string>& argv)
{
    std::string out;
    for (const auto& arg : argv) {
        // '=' is plain except in the first word, where the shell would read NAME=value as an assignment.
        const bool first = out.empty();
        if (!first)
            out += ' ';
        const char* safe = first ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+@%"
                                 : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%";
        const bool plain = !arg.empty() && arg.find_first_not_of(safe) == std::string::npos;
        if (plain) {
            out += arg;
            continue;
        }
        out += '\'';
        for (char c : arg) {
            if (c == '\'')
                out += "'\\''";
            else
                out += c;
        }
        out += '\'';
    }
    return out;
}

} // namespace espalier::project
