#pragma once
// Running the registered benchmarks the way every Espalier benchmark does: the runs of all of them
// interleaved at random (a slow patch of a shared machine falls on every variant alike, so the ratios
// hold even when absolute times drift), the console report as usual, and each benchmark's median real
// time handed back for the summary a benchmark prints (its unit; the single run's when not repeated).
#include <benchmark/benchmark.h>

#include <functional>
#include <map>
#include <string>
#include <vector>

namespace benchreport {

using OptionHandlers = std::map<std::string, std::function<void(const std::string& value)>>;

// argv's "--name value" options that a handler takes, handed to it; the rest (argv[0] first) left for
// Google Benchmark.
inline std::vector<char*> takeOptions(int argc, char** argv, const OptionHandlers& handlers)
{
    std::vector<char*> rest = {argv[0]};
    for (int i = 1; i < argc; ++i) {
        const auto it = handlers.find(argv[i]);
        if (it != handlers.end() && i + 1 < argc)
            it->second(argv[++i]);
        else
            rest.push_back(argv[i]);
    }
    return rest;
}

inline std::map<std::string, double> runInterleaved(std::vector<char*> args)
{
    class MedianCollector : public benchmark::ConsoleReporter {
    public:
        std::map<std::string, double> medians;
        void ReportRuns(const std::vector<Run>& runs) override
        {
            for (const Run& run : runs)
                if (run.aggregate_name == "median" || (run.aggregate_name.empty() && !medians.count(run.run_name.function_name)))
                    medians[run.run_name.function_name] = run.GetAdjustedRealTime();
            ConsoleReporter::ReportRuns(runs);
        }
    };
    static char interleave[] = "--benchmark_enable_random_interleaving=true";
    args.push_back(interleave);
    int count = int(args.size());
    benchmark::Initialize(&count, args.data());
    MedianCollector reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    return reporter.medians;
}

} // namespace benchreport
