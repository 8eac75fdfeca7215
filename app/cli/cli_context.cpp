#include "app/cli/cli_context.h"

#include "app/cli/job_printer.h"

#include <csignal>
#include <cstdio>
#include <memory>
#include <unistd.h>

namespace espalier::cli {

namespace {
// The token of the job now running, so Ctrl-C can cancel it (atomic store: async-signal-safe).
job::CancellationToken* g_runningToken = nullptr;

extern "C" void cancelOnSignal(int)
{
    if (g_runningToken)
        g_runningToken->cancel();
}
} // namespace

int CliContext::runJob(job::Job& job) const
{
    std::unique_ptr<job::JobObserver> printer;
    if (json)
        printer = std::make_unique<JsonLinesJobPrinter>(stdout);
    else
        printer = std::make_unique<TerminalJobPrinter>(stderr, isatty(fileno(stderr)) != 0, !quiet);

    job::CancellationToken token;
    g_runningToken = &token;
    auto previous = std::signal(SIGINT, cancelOnSignal);
    const job::JobResult result = job::runJob(job, printer.get(), token);
    std::signal(SIGINT, previous);
    g_runningToken = nullptr;
    printer.reset();

    if (json) {
        printJson({{"event", "result"}, {"outcome", job::jobOutcomeNames().name(result.outcome)},
                   {"message", result.message}});
    } else if (result.outcome == job::JobOutcome::Failed) {
        std::fprintf(stderr, "espalier-cli: %s\n", result.message.c_str());
    } else if (result.outcome == job::JobOutcome::Cancelled) {
        std::fprintf(stderr, "espalier-cli: cancelled\n");
    }
    switch (result.outcome) {
    case job::JobOutcome::Succeeded: return kExitOk;
    case job::JobOutcome::Cancelled: return kExitCancelled;
    case job::JobOutcome::Failed: return result.inputError ? kExitBadInput : kExitFailure;
    }
    return kExitFailure;
}

void CliContext::printJson(const nlohmann::json& value) const
{
    std::printf("%s\n", value.dump().c_str());
    std::fflush(stdout);
}

} // namespace espalier::cli
