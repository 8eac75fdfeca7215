#include "core/study/study_job.h"

#include "core/job/shell_quote.h"
#include "core/io/file_lock.h"
#include "core/runtime/error.h"
#include "core/study/study_status.h"

#include <filesystem>

namespace espalier::study {

namespace {

// A cell's events as the study's: its progress is the study's current stage, its lines and points
// say which run they come from.
class CellObserver : public job::JobObserver {
public:
    CellObserver(job::JobContext& study, std::string runId) : study_(study), runId_(std::move(runId)) {}
    void onStage(const std::string& stage, int index, int count) override
    {
        study_.log(job::LogLevel::Debug, runId_ + ": " + stage);
    }
    void onProgress(const job::JobProgress& progress) override { study_.setStageFraction(progress.fraction); }
    void onLog(job::LogLevel level, const std::string& line) override { study_.log(level, runId_ + ": " + line); }
    void onMetric(const job::MetricPoint& point) override
    {
        job::MetricPoint tagged = point;
        tagged.tags["run"] = runId_;
        study_.metric(tagged);
    }

private:
    job::JobContext& study_;
    std::string runId_;
};

bool wantsRun(CellState state, bool retryFailed)
{
    return state == CellState::Queued || state == CellState::Interrupted || (retryFailed && state == CellState::Failed);
}

} // namespace

StudyJob::StudyJob(Study study, CellJobFactory factory, StudyRunOptions options)
    : study_(std::move(study)), factory_(std::move(factory)), options_(options)
{
}

std::string StudyJob::title() const
{
    return "Run study " + study_.definition().name;
}

std::vector<std::string> StudyJob::cliCommand() const
{
    std::vector<std::string> argv = {"espalier-cli", "study", "run", study_.definition().name, "--project", study_.projectDir()};
    if (options_.retryFailed)
        argv.push_back("--retry-failed");
    if (options_.maxCells > 0)
        argv.insert(argv.end(), {"--max-cells", std::to_string(options_.maxCells)});
    return argv;
}

namespace {

std::string joined(const std::vector<std::string>& ids)
{
    std::string out;
    for (const std::string& id : ids)
        out += (out.empty() ? "" : ", ") + id;
    return out;
}

} // namespace

// Counts a cell this job does not run, by its state; false when the state asks for a run.
bool StudyJob::skip(const CellStatus& status)
{
    switch (status.state) {
    case CellState::Done: ++summary_.alreadyDone; return true;
    case CellState::Running: ++summary_.runningElsewhere; return true;
    case CellState::Conflict: summary_.conflicts.push_back(status.runId); return true;
    case CellState::Failed:
        if (options_.retryFailed)
            return false;
        summary_.failedBefore.push_back(status.runId);
        return true;
    case CellState::Queued:
    case CellState::Interrupted: return false;
    }
    return true;
}

void StudyJob::run(job::JobContext& context)
{
    summary_ = {};
    const std::vector<StudyCell> cells = study_.expand();
    std::vector<const StudyCell*> queue;
    for (const StudyCell& cell : cells)
        if (!skip(cellStatus(study_, cell)))
            queue.push_back(&cell);
    if (options_.maxCells > 0 && int(queue.size()) > options_.maxCells)
        queue.resize(size_t(options_.maxCells));
    context.info(study_.definition().name + ": " + std::to_string(cells.size()) + " cells, " + std::to_string(summary_.alreadyDone)
                 + " done, " + std::to_string(queue.size()) + " to run"
                 + (summary_.runningElsewhere ? ", " + std::to_string(summary_.runningElsewhere) + " running elsewhere" : ""));
    for (const std::string& id : summary_.failedBefore)
        context.warning(id + " failed before and is left as it is (--retry-failed runs it again)");

    const int count = std::max(1, int(queue.size()));
    for (size_t i = 0; i < queue.size(); ++i) {
        const StudyCell& cell = *queue[i];
        context.beginStage(cell.runId, int(i), count);
        std::optional<io::FileLock> lock = io::FileLock::tryLock(study_.lockFile(cell));
        if (!lock) {
            context.info(cell.runId + ": taken by another process, skipped");
            ++summary_.runningElsewhere;
            continue;
        }
        // Between the look at the queue and the lock another process may have run or finished it.
        const CellStatus status = cellStatus(study_, cell, true);
        if (skip(status)) {
            context.info(cell.runId + ": " + cellStateNames().name(status.state) + " meanwhile, skipped");
            continue;
        }
        const bool resume = status.state != CellState::Queued;
        CellObserver observer(context, cell.runId);
        job::JobContext cellContext(&observer, context.token());
        try {
            markCellFolder(study_, cell);
            std::unique_ptr<job::Job> cellJob = factory_(cell, study_.runDir(cell), resume);
            context.info(cell.runId + ": " + (resume ? "resuming: " : "") + job::shellJoin(cellJob->cliCommand()));
            cellJob->run(cellContext);
            ++summary_.ran;
        } catch (const CancelledError&) {
            throw;
        } catch (const std::exception& e) {
            context.log(job::LogLevel::Error, cell.runId + " failed: " + e.what());
            summary_.failed.push_back(cell.runId);
        }
    }
    for (const std::string& id : summary_.conflicts)
        context.log(job::LogLevel::Error, id + ": its run folder holds something else, left untouched");
    if (!summary_.failed.empty() || !summary_.conflicts.empty()) {
        std::string what;
        if (!summary_.failed.empty())
            what = std::to_string(summary_.failed.size()) + " cell(s) failed: " + joined(summary_.failed);
        if (!summary_.conflicts.empty())
            what += (what.empty() ? "" : "; ") + std::to_string(summary_.conflicts.size())
                + " cell(s) could not run, their run folders hold other runs: " + joined(summary_.conflicts);
        throw Error("study " + study_.definition().name + ": " + what + " (espalier-cli study status "
                    + study_.definition().name + " says why)");
    }
}

} // namespace espalier::study
