#pragma once
// Where each cell of a study stands, read from its run folder and its lock: nothing is kept besides,
// so a study killed at any moment reads back as it is.
#include "core/runtime/enum_names.h"
#include "core/study/study.h"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace espalier::study {

enum class CellState {
    Queued,       // no run yet
    Running,      // a process holds the cell's lock
    Interrupted,  // started, then stopped or killed: the next `study run` resumes it
    Done,         // its run finished
    Failed,       // its last launch failed (run again with --retry-failed)
    Conflict,     // its run folder holds something else (a run of another study, or not of a study): never touched
};
const EnumNames<CellState>& cellStateNames();  // "queued", "running", "interrupted", "done", "failed", "conflict"

struct CellStatus {
    std::string runId;
    std::vector<std::pair<std::string, std::string>> values;
    CellState state = CellState::Queued;
    long long stepsDone = 0;
    long long plannedSteps = 0;       // 0 when the run is counted in epochs or not started
    std::optional<double> bestDevCer;
    std::map<std::string, double> testCer;
    std::string error;                // a failed launch's message, or what is in the way of a conflicting cell
};

// The status of one cell, of every cell (in grid order; the second expands the study first), and the
// counts per state. A holder of the cell's study lock asks with lockHeldHere, so its own lock does not
// read as another process running it. A cell is running while its study lock or its run folder's
// lock (TrainJob's) is held.
CellStatus cellStatus(const Study& study, const StudyCell& cell, bool lockHeldHere = false);
std::vector<CellStatus> studyStatus(const Study& study, const std::vector<StudyCell>& cells);
std::vector<CellStatus> studyStatus(const Study& study);
std::map<CellState, int> countStates(const std::vector<CellStatus>& cells);
int countOf(const std::map<CellState, int>& counts, CellState state);  // 0 when absent

// Claims the cell's run folder for it: writes runs/<id>/study.json naming the study and the cell's
// values (atomically, creating the folder). A folder without it, or naming another cell, is a conflict.
void markCellFolder(const Study& study, const StudyCell& cell);

} // namespace espalier::study
