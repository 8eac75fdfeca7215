#pragma once
// Where a run came from, kept beside its results as run.json (docs/formats/run.md): the command that
// reproduces it, the program and library versions, the machine, and each launch's start, end and
// outcome (a resumed run has several). Torch-free: the trainer fills the LibTorch version in.
#include <optional>
#include <string>
#include <vector>

namespace espalier::train {

struct RunEnvironment {
    std::string espalier;      // "0.1.0 (git 3f2a9c1)"
    std::string libtorch;      // "1.13.1"
    std::string compiler;      // "GCC 12.2.0"
    std::string frontEnd;      // the program that launched it: "espalier-cli", "espalier (Qt 6.4.2)"
    std::string host;
    std::string cpu;           // "2x AMD EPYC 7B12"
    int cores = 0;
    std::string arch;
    std::vector<std::string> isa;  // the instruction sets the kernels care about: avx2, avx512f, avx512_bf16, amx_tile, asimd, ...
    std::string os;
    std::string kernel;
};

struct RunLaunch {
    std::string started;       // UTC, ISO 8601
    std::string ended;         // "" while it runs (or when the process was killed)
    std::string status;        // "running", "finished", "stopped" (cancelled or paused), "failed"
    long long steps = 0;       // optimiser steps done when it ended
    std::string error;         // a failed launch's message
};

struct RunInfo {
    std::string kind = "train";
    std::string command;       // the espalier-cli command that reproduces the run
    std::string init;          // the checkpoint it started from ("" = from scratch)
    std::string recipe;        // the pruning recipe it followed ("" = dense)
    RunEnvironment environment;  // of the latest launch
    std::vector<RunLaunch> launches;
};

constexpr const char* kRunInfoFile = "run.json";

// This machine and build (libtorch left empty).
RunEnvironment currentEnvironment();
// Names the program launching runs in this process, for RunEnvironment::frontEnd (the GUI gives its
// Qt version here: the engine itself has no Qt). Call once at start-up.
void setFrontEnd(const std::string& name);
// UTC now as "2026-12-07T20:15:03Z".
std::string utcNow();

// Reads runDir/run.json; nullopt when there is none. Throws FormatError naming the file and field
// for a damaged one.
std::optional<RunInfo> readRunInfo(const std::string& runDir);
// The same from run.json's text; source names it in errors.
RunInfo parseRunInfo(const std::string& text, const std::string& source);
// run.json's text of a record.
std::string runInfoJson(const RunInfo& info);
// Writes runDir/run.json atomically.
void writeRunInfo(const std::string& runDir, const RunInfo& info);

} // namespace espalier::train
