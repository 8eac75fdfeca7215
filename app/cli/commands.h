#pragma once
// Each add*Commands registers a group of subcommands on the app. A subcommand's callback stores
// the work to do in `action`; main runs it and maps exceptions to exit codes.
#include "app/cli/cli_context.h"

#include <CLI/CLI.hpp>

#include <functional>

namespace espalier::cli {

using Action = std::function<int()>;

void addFeaturesCommands(CLI::App& app, const CliContext& context, Action& action);
void addCorpusCommands(CLI::App& app, const CliContext& context, Action& action);
void addProjectCommands(CLI::App& app, const CliContext& context, Action& action);
void addAugmentCommands(CLI::App& app, const CliContext& context, Action& action);
void addTrainCommands(CLI::App& app, const CliContext& context, Action& action);
void addModelCommands(CLI::App& app, const CliContext& context, Action& action);
void addDeployCommands(CLI::App& app, const CliContext& context, Action& action);
void addDeviceCommands(CLI::App& app, const CliContext& context, Action& action);
void addAnalysisCommands(CLI::App& app, const CliContext& context, Action& action);
void addRunsCommands(CLI::App& app, const CliContext& context, Action& action);  // runs ..., report
void addStudyCommands(CLI::App& app, const CliContext& context, Action& action);

// The comparison report of a study's runs, as `report --study` writes it (for `study run --report`).
void writeStudyReport(const std::string& project, const std::string& study, const std::string& out,
                      const std::string& language, bool groupSeeds);

} // namespace espalier::cli
