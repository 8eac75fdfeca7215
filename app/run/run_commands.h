#pragma once
// espalier-run's subcommands: each takes the arguments after its name and returns the exit code.
#include <string>
#include <vector>

namespace espalier::run {

using Args = std::vector<std::string>;

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;

extern const char* const kHelp;

int runFbank(const Args& args);
int runInfo(const Args& args);
int runTranscribe(const Args& args);
int runLayout(const Args& args);
int runBench(const Args& args);
int runDevice(const Args& args);
int runSelfcheck(const Args& args);

} // namespace espalier::run
