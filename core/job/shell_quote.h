#pragma once
// Quoting for a POSIX shell (sh, mksh on Android): the one way a command line is shown to the user (a
// job's cliCommand(), a run's command in run.json) and the way a device's shell is handed the
// commands it runs (deploy/transport).
#include <string>
#include <vector>

namespace espalier::job {

// Joins a command line, single-quoting every word that is not plainly safe, so nothing in it is
// expanded, split, run or read as an assignment.
std::string shellJoin(const std::vector<std::string>& argv);

} // namespace espalier::job
