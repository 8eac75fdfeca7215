#include "core/study/study_job.h"

#include "core/deploy/shell_quote.h"
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

void StudyJob::run(job::JobContext& context)
{
    summary_ = {};
    const std::vector<StudyCell> cells = study_.expand();
    std::vector<const StudyCell*> queue;
    for (const StudyCell& cell : cells) {
        const CellStatus status = cellStatus(study_, cell);
        if (status.state == CellState::Done)
            ++summary_.alreadyDone;
        else if (status.state == CellState::Running)
            ++summary_.runningElsewhere;
        else if (status.state == CellState::Failed && !options_.retryFailed)
            summary_.failed.push_back(cell.runId);
        else
            queue.push_back(&cell);
    }
    if (options_.maxCells > 0 && int(queue.size()) > options_.maxCells)
        queue.resize(size_t(options_.maxCells));
    context.info(study_.definition().name + ": " + std::to_string(cells.size()) + " cells, " + std::to_string(summary_.alreadyDone)
                 + " done, " + std::to_string(queue.size()) + " to run"
                 + (summary_.runningElsewhere ? ", " + std::to_string(summary_.runningElsewhere) + " running elsewhere" : ""));

    const int count = std::max(1, int(queue.size()));
    for (size_t i = 0; i < queue.size(); ++i) {
        const StudyCell& cell = *queue[i];
        context.beginStage(cell.runId, int(i), count);
        std::optional<io::FileLock> lock = io::FileLock::tryLock(study_.lockFile(cell));
        // Between the look at the queue and the lock another process may have taken or finished it.
        const CellStatus status = lock ? cellStatus(study_, cell, true) : CellStatus{};
        if (!lock || !wantsRun(status.state, options_.retryFailed)) {
            context.info(cell.runId + ": taken by another process, skipped");
            ++summary_.runningElsewhere;
            continue;
        }
        const bool resume = status.state != CellState::Queued;
        const std::string runDir = study_.runDir(cell);
        std::unique_ptr<job::Job> cellJob = factory_(cell, runDir, resume);
        context.info(cell.runId + ": " + (resume ? "resuming: " : "") + deploy::shellJoin(cellJob->cliCommand()));
        CellObserver observer(context, cell.runId);
        job::JobContext cellContext(&observer, context.token());
        try {
            cellJob->run(cellContext);
            ++summary_.ran;
        } catch (const CancelledError&) {
            throw;
        } catch (const std::exception& e) {
            context.log(job::LogLevel::Error, cell.runId + " failed: " + e.what());
            summary_.failed.push_back(cell.runId);
        }
    }
    if (!summary_.failed.empty()) {
        std::string ids;
        for (const std::string& id : summary_.failed)
            ids += (ids.empty() ? "" : ", ") + id;
        throw Error(std::to_string(summary_.failed.size()) + " cell(s) of study " + study_.definition().name + " failed: " + ids
                    + " (espalier-cli study status " + study_.definition().name + " says why; --retry-failed runs them again)");
    }
}

} // namespace espalier::study
