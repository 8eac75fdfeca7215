#include "core/study/study_status.h"

#include "core/io/atomic_file.h"
#include "core/io/file_lock.h"
#include "core/runtime/error.h"
#include "core/train/run_info.h"
#include "core/train/run_record.h"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

namespace espalier::study {

namespace fs = std::filesystem;

const EnumNames<CellState>& cellStateNames()
{
    static const EnumNames<CellState> names{{CellState::Queued, "queued"},
                                            {CellState::Running, "running"},
                                            {CellState::Interrupted, "interrupted"},
                                            {CellState::Done, "done"},
                                            {CellState::Failed, "failed"},
                                            {CellState::Conflict, "conflict"}};
    return names;
}

namespace {

// "" when the folder is the cell's (or does not exist), else why not.
std::string conflictOf(const Study& study, const StudyCell& cell, const std::string& dir)
{
    std::error_code ec;
    if (!fs::exists(dir, ec))
        return {};
    const std::string marker = train::RunPaths(dir).studyCell();
    const std::string claim = "runs/" + cell.runId + " is not this study's cell: ";
    std::ifstream in(marker, std::ios::binary);
    if (!in)
        return claim + "it has no study.json (a run made outside the study); rename or delete it";
    try {
        const nlohmann::json j = nlohmann::json::parse(in);
        if (j.value("study", "") != study.definition().name || j.value("cell", "") != cell.runId)
            return claim + "its study.json names study '" + j.value("study", "") + "', cell '" + j.value("cell", "") + "'";
    } catch (const std::exception& e) {
        return claim + marker + " cannot be read (" + e.what() + ")";
    }
    return {};
}

} // namespace

CellStatus cellStatus(const Study& study, const StudyCell& cell, bool lockHeldHere)
{
    CellStatus s;
    s.runId = cell.runId;
    s.values = cell.values;
    s.plannedSteps = cell.config.plannedSteps() > 0 ? cell.config.plannedSteps() : 0;
    const std::string dir = study.runDir(cell);
    const train::RunPaths paths(dir);
    s.error = conflictOf(study, cell, dir);
    if (!s.error.empty()) {
        s.state = CellState::Conflict;
        return s;
    }
    std::error_code ec;
    if (fs::exists(paths.config(), ec)) {
        const train::RunRecord record = train::readRunRecord(dir);
        s.stepsDone = record.stepsDone;
        s.bestDevCer = record.bestDevCer;
        for (const auto& [name, test] : record.tests)
            s.testCer[name] = test.cer;
        std::optional<train::RunInfo> info;
        try {
            info = train::readRunInfo(dir);
        } catch (const Error& e) {
            s.error = e.what();  // read as interrupted: the next launch writes a new run.json
        }
        const std::string last = info && !info->launches.empty() ? info->launches.back().status : "";
        if (last == "failed") {
            s.state = CellState::Failed;
            s.error = info->launches.back().error;
        } else if (last == "finished" || (last.empty() && !info && record.state == train::RunState::Finished)) {
            s.state = CellState::Done;  // a run with no test sets finishes without results/summary.json
        } else {
            s.state = CellState::Interrupted;
        }
    }
    if ((!lockHeldHere && io::FileLock::isHeld(study.lockFile(cell))) || io::FileLock::isHeld(paths.lock()))
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

std::vector<CellStatus> studyStatus(const Study& study)
{
    return studyStatus(study, study.expand());
}

int countOf(const std::map<CellState, int>& counts, CellState state)
{
    const auto it = counts.find(state);
    return it == counts.end() ? 0 : it->second;
}

void markCellFolder(const Study& study, const StudyCell& cell)
{
    nlohmann::json values = nlohmann::json::object();
    for (const auto& [key, value] : cell.values)
        values[key] = value;
    const std::string dir = study.runDir(cell);
    fs::create_directories(dir);
    io::writeFileAtomic(train::RunPaths(dir).studyCell(),
                        nlohmann::json{{"study", study.definition().name}, {"cell", cell.runId}, {"values", values}}.dump(2) + "\n");
}

std::map<CellState, int> countStates(const std::vector<CellStatus>& cells)
{
    std::map<CellState, int> counts;
    for (const CellStatus& c : cells)
        ++counts[c.state];
    return counts;
}

} // namespace espalier::study
