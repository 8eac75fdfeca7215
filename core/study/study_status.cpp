#include "core/study/study_status.h"

#include "core/io/file_lock.h"
#include "core/runtime/error.h"
#include "core/train/run_info.h"
#include "core/train/run_record.h"

#include <filesystem>

namespace espalier::study {

const EnumNames<CellState>& cellStateNames()
{
    static const EnumNames<CellState> names{{CellState::Queued, "queued"},
                                            {CellState::Running, "running"},
                                            {CellState::Interrupted, "interrupted"},
                                            {CellState::Done, "done"},
                                            {CellState::Failed, "failed"}};
    return names;
}

CellStatus cellStatus(const Study& study, const StudyCell& cell, bool lockHeldHere)
{
    CellStatus s;
    s.runId = cell.runId;
    s.values = cell.values;
    s.plannedSteps = cell.config.plannedSteps() > 0 ? cell.config.plannedSteps() : 0;
    const std::string dir = study.runDir(cell);
    std::error_code ec;
    const bool started = std::filesystem::exists(train::RunPaths(dir).config(), ec);
    if (started) {
        const train::RunRecord record = train::readRunRecord(dir);
        s.stepsDone = record.stepsDone;
        s.bestDevCer = record.bestDevCer;
        for (const auto& [name, test] : record.tests)
            s.testCer[name] = test.cer;
        std::optional<train::RunInfo> info;
        try {
            info = train::readRunInfo(dir);
        } catch (const FormatError& e) {
            s.error = e.what();
        }
        const std::string last = info && !info->launches.empty() ? info->launches.back().status : "";
        if (last == "failed") {
            s.state = CellState::Failed;
            s.error = info->launches.back().error;
        } else if (record.state == train::RunState::Finished && last != "running" && last != "stopped") {
            s.state = CellState::Done;
        } else {
            s.state = CellState::Interrupted;
        }
    }
    if (!lockHeldHere && io::FileLock::isHeld(study.lockFile(cell)))
        s.state = CellState::Running;
    return s;
}

std::vector<CellStatus> studyStatus(const Study& study, const std::vector<StudyCell>& cells)
{
    std::vector<CellStatus> out;
    out.reserve(cells.size());
    for (const StudyCell& cell : cells)
        out.push_back(cellStatus(study, cell));
    return out;
}

std::map<CellState, int> countStates(const std::vector<CellStatus>& cells)
{
    std::map<CellState, int> counts;
    for (const CellStatus& c : cells)
        ++counts[c.state];
    return counts;
}

} // namespace espalier::study
