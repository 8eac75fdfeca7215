// espalier-cli: every workbench action from the command line.
#include "app/cli/commands.h"
#include "core/model/torch_setup.h"
#include "core/runtime/error.h"
#include "core/train/run_info.h"

#include <cstdio>

using namespace espalier;

int main(int argc, char** argv)
{
    CLI::App app{"Espalier: compress, train and deploy speech-recognition models from the command line.",
                 "espalier-cli"};
    app.set_version_flag("--version", std::string("espalier-cli ") + ESPALIER_VERSION + " (LibTorch "
                                          + model::torchVersion() + ")");
    app.require_subcommand(1);
    train::setFrontEnd("espalier-cli");
    app.fallthrough();

    cli::CliContext context;
    app.add_flag("--json", context.json, "Machine-readable output: JSON (lines) on stdout");
    app.add_flag("-q,--quiet", context.quiet, "No progress output");
    app.add_option("--threads", context.threads, "Compute threads (0: one per core)")->check(CLI::NonNegativeNumber);

    cli::Action action;
    cli::addFeaturesCommands(app, context, action);
    cli::addCorpusCommands(app, context, action);
    cli::addProjectCommands(app, context, action);
    cli::addAugmentCommands(app, context, action);
    cli::addTrainCommands(app, context, action);
    cli::addModelCommands(app, context, action);
    cli::addAnalysisCommands(app, context, action);
    cli::addDeployCommands(app, context, action);
    cli::addDeviceCommands(app, context, action);
    cli::addRunsCommands(app, context, action);
    cli::addStudyCommands(app, context, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "espalier-cli: %s\nRun with --help for usage.\n", e.what());
        return cli::kExitBadInput;
    }

    try {
        model::configureTorchThreads(context.threads);
        return action ? action() : cli::kExitOk;
    } catch (const InputError& e) {
        std::fprintf(stderr, "espalier-cli: %s\n", e.what());
        return cli::kExitBadInput;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "espalier-cli: %s\n", e.what());
        return cli::kExitFailure;
    }
}
