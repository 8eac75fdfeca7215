// Wall time of a sensitivity analysis, side by side in one run: the same grid with the prefix cache
// (blocks before the pruned one reused) and without it (the whole model for every cell), at each
// subset size asked for; then the model's per-block sensitivities in the seed's form. A program that
// prints figures, not a test.
//   espalier_bench_sensitivity --model CKPT|RUN --data MANIFEST [--subsets 50,200] [--levels 0,0.5,0.9]
//                              [--tensors PATTERN] [--granularity tensor] [--threads 0] [--workers 0] [--no-baseline]
#include "core/analysis/sensitivity_job.h"
#include "core/model/torch_setup.h"
#include "core/runtime/device_info.h"
#include "core/runtime/error.h"

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <sstream>
#include <string>
#include <vector>

using namespace espalier;
using namespace espalier::analysis;

namespace {

std::vector<double> numbers(const std::string& text)
{
    std::vector<double> out;
    std::stringstream in(text);
    std::string item;
    while (std::getline(in, item, ','))
        out.push_back(std::strtod(item.c_str(), nullptr));
    return out;
}

struct Timed {
    SensitivityResult result;
    double seconds = 0.0;
    double evalSeconds = 0.0;  // pruning and evaluating cells only
    int computed = 0;
};

Timed runOnce(const SensitivityOptions& options)
{
    SensitivityJob job(options);
    job::CancellationToken token;
    const auto start = std::chrono::steady_clock::now();
    const job::JobResult r = job::runJob(job, nullptr, token);
    if (r.outcome != job::JobOutcome::Succeeded)
        throw Error("analysis failed: " + r.message);
    Timed t;
    t.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    t.result = job.result();
    t.computed = job.computedCells();
    t.evalSeconds = job.evaluationSeconds();
    return t;
}

} // namespace

int main(int argc, char** argv)
{
    SensitivityOptions options;
    std::vector<double> subsets = {200};
    int threads = 0;
    bool baseline = true;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const auto next = [&] {
            if (i + 1 >= argc) {
                std::fprintf(stderr, "%s needs a value\n", a.c_str());
                std::exit(2);
            }
            return std::string(argv[++i]);
        };
        if (a == "--model")
            options.model = next();
        else if (a == "--data")
            options.data = next();
        else if (a == "--subsets")
            subsets = numbers(next());
        else if (a == "--levels")
            options.levels = numbers(next());
        else if (a == "--tensors")
            options.tensors = {next()};
        else if (a == "--granularity")
            options.granularity = granularityNames().require(next(), "granularity");
        else if (a == "--threads")
            threads = std::atoi(next().c_str());
        else if (a == "--workers")
            options.workers = std::atoi(next().c_str());
        else if (a == "--no-baseline")
            baseline = false;
        else {
            std::fprintf(stderr, "unknown option %s\n", a.c_str());
            return 2;
        }
    }
    if (options.model.empty() || options.data.empty()) {
        std::fprintf(stderr, "usage: espalier_bench_sensitivity --model CKPT|RUN --data MANIFEST [--subsets 50,200] ...\n");
        return 2;
    }
    try {
        const int used = model::configureTorchThreads(threads);
        std::printf("CPU: %s, %d LibTorch threads, LibTorch %s\n", runtime::readDeviceInfo().cpu.c_str(), used,
                    model::torchVersion());
        std::printf("%-8s %6s %6s %12s %12s %12s %12s %8s\n", "subset", "rows", "cells", "prefix (s)", "whole (s)",
                    "ms/cell", "ms/cell whole", "speed-up");
        Timed last;
        for (const double n : subsets) {
            options.subset = int(n);
            options.prefixCache = true;
            const Timed prefix = runOnce(options);
            Timed whole;
            if (baseline) {
                options.prefixCache = false;
                whole = runOnce(options);
            }
            const auto msPerCell = [](const Timed& t) { return 1000.0 * t.evalSeconds / std::max(1, t.computed); };
            char wholeText[32] = "-", wholeCell[32] = "-", ratio[32] = "-";
            if (baseline) {
                std::snprintf(wholeText, sizeof wholeText, "%.1f", whole.seconds);
                std::snprintf(wholeCell, sizeof wholeCell, "%.1f", msPerCell(whole));
                std::snprintf(ratio, sizeof ratio, "%.2fx", whole.evalSeconds / prefix.evalSeconds);
            }
            std::printf("%-8d %6zu %6d %12.1f %12s %12.1f %12s %8s\n", prefix.result.subset, prefix.result.rows.size(),
                        prefix.computed, prefix.seconds, wholeText, msPerCell(prefix), wholeCell, ratio);
            std::fflush(stdout);
            last = prefix;
        }
        std::printf("\nper-block sensitivity (mean relative loss rise over the grid; baseline loss %.3f, CER %.2f %%):\n",
                    last.result.baselineLoss, 100.0 * last.result.baselineCer);
        for (const BlockSummary& b : blockSummaries(last.result))
            std::printf("  %-12s %.3f\n", b.block < 0 ? "front/head" : ("block " + std::to_string(b.block)).c_str(),
                        b.sensitivity);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "espalier_bench_sensitivity: %s\n", e.what());
        return 1;
    }
    return 0;
}
