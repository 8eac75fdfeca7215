// espalier-cli sensitivity: per-layer sensitivity of a trained model (run), and its result files:
// show (a table), allocate (per-tensor targets as a recipe), merge (shards into one result).
#include "app/cli/commands.h"
#include "core/analysis/sensitivity_allocation.h"
#include "core/analysis/sensitivity_cache.h"
#include "core/analysis/sensitivity_job.h"
#include "core/analysis/sensitivity_result.h"
#include "core/runtime/error.h"

#include <cmath>
#include <cstdio>
#include <memory>

namespace espalier::cli {

namespace {

using namespace analysis;

void parseShard(const std::string& text, SensitivityOptions& options)
{
    const size_t slash = text.find('/');
    try {
        size_t used = 0;
        if (slash == std::string::npos)
            throw std::invalid_argument(text);
        options.shardIndex = std::stoi(text.substr(0, slash), &used);
        if (used != slash)
            throw std::invalid_argument(text);
        options.shardCount = std::stoi(text.substr(slash + 1), &used);
        if (used != text.size() - slash - 1)
            throw std::invalid_argument(text);
    } catch (const std::logic_error&) {
        throw InputError("shard: '" + text + "' is not i/n (shard i of n, from 0)");
    }
}

struct RunArgs {
    SensitivityOptions options;
    std::string levels;
    std::string granularity = "tensor";
    std::string shard;
    std::string cache;
    bool noCache = false;
};

int runCommand(const CliContext& context, RunArgs args)
{
    SensitivityOptions& o = args.options;
    if (!args.levels.empty())
        o.levels = parseLevels(args.levels);
    o.granularity = granularityNames().require(args.granularity, "granularity");
    if (!args.shard.empty())
        parseShard(args.shard, o);
    if (o.out.empty())
        throw InputError("out: give the result file to write (--out FILE.json)");
    o.cacheDir = args.noCache ? "" : !args.cache.empty() ? args.cache : defaultCacheDir(o.model, o.out);
    SensitivityJob job(o);
    const int code = context.runJob(job);
    if (code == kExitOk && !context.json && !context.quiet)
        std::fprintf(stderr, "%s: %d cells computed, %d from the cache (%.1f s evaluating)\n", o.out.c_str(),
                     job.computedCells(), job.cachedCells(), job.evaluationSeconds());
    return code;
}

std::string percent(double v) { return std::to_string(int(std::lround(v * 100))) + "%"; }

int showCommand(const CliContext& context, const std::string& path, const std::string& metric)
{
    const SensitivityResult r = SensitivityResult::load(path);
    const bool latency = metric == "latency";
    if (metric != "loss" && metric != "kl" && metric != "cer" && !latency)
        throw InputError("metric: expected loss, kl, cer or latency, got '" + metric + "'");
    if (context.json) {
        std::printf("%s", r.toJson().c_str());
        return kExitOk;
    }
    std::printf("%s\n%s on %s (%d utterances), %s rows, baseline loss %.4f, CER %.2f %%%s\n\n", path.c_str(),
                r.modelDescription.c_str(), r.data.c_str(), r.subset, granularityNames().name(r.granularity),
                r.baselineLoss, 100.0 * r.baselineCer, r.complete() ? "" : " (incomplete)");
    const char* what = latency ? "latency ms" : metric == "loss" ? "Δloss" : metric == "kl" ? "KL" : "ΔCER %";
    std::printf("%-46s %7s |", (std::string(what) + " at sparsity").c_str(), "sens.");
    for (const double l : r.levels)
        std::printf(" %6s", percent(l).c_str());
    std::printf("\n");
    for (const SensitivityRow& row : r.rows) {
        std::printf("%-46s %7.3f |", row.name.substr(row.name.size() > 46 ? row.name.size() - 46 : 0).c_str(),
                    rowSensitivity(r, row));
        for (size_t l = 0; l < r.levels.size(); ++l) {
            const SensitivityCell& c = row.cells[l];
            if (latency) {
                if (row.latencyMs.empty())
                    std::printf(" %6s", "-");
                else
                    std::printf(" %6.3f", row.latencyMs[l]);
            } else if (c.state == SensitivityCell::State::Pending) {
                std::printf(" %6s", ".");
            } else if (c.state == SensitivityCell::State::Skipped) {
                std::printf(" %6s", ">");
            } else {
                const double v = metric == "loss" ? r.deltaLoss(row, l) : metric == "kl" ? c.kl : 100.0 * r.deltaCer(row, l);
                std::printf(" %6.3f", v);
            }
        }
        std::printf("\n");
    }
    std::printf("\nper block (sensitivity as the seed gives it):");
    for (const BlockSummary& b : blockSummaries(r))
        std::printf("  %s %.3f", b.block < 0 ? "front/head" : ("block " + std::to_string(b.block)).c_str(), b.sensitivity);
    std::printf("\n(. not computed yet, > skipped after the loss ceiling)\n");
    return kExitOk;
}

int allocateCommand(const CliContext& context, const std::string& path, const AllocationOptions& options,
                    const std::string& out)
{
    const SensitivityResult r = SensitivityResult::load(path);
    const Allocation a = allocate(r, options);
    const prune::Recipe recipe = allocationRecipe(r, a, options);
    recipe.save(out);
    if (context.json) {
        nlohmann::json rows = nlohmann::json::array();
        for (size_t i = 0; i < r.rows.size(); ++i)
            rows.push_back({{"name", r.rows[i].name}, {"sparsity", a.sparsity[i]}});
        context.printJson({{"recipe", out}, {"achieved", a.achieved}, {"predicted_delta_loss", a.predictedDeltaLoss},
                           {"dense_latency_ms", a.denseLatencyMs}, {"predicted_latency_ms", a.predictedLatencyMs},
                           {"latency_used", a.latencyUsed}, {"rows", rows}});
        return kExitOk;
    }
    for (size_t i = 0; i < r.rows.size(); ++i)
        std::printf("%-52s %6.2f %%\n", r.rows[i].name.c_str(), 100.0 * a.sparsity[i]);
    std::printf("\n%s: %.2f %% of %zu rows' weights, predicted Δloss %.4f", out.c_str(), 100.0 * a.achieved,
                r.rows.size(), a.predictedDeltaLoss);
    if (a.latencyUsed)
        std::printf(", latency %.3f → %.3f ms", a.denseLatencyMs, a.predictedLatencyMs);
    else if (options.balance < 1.0)
        std::printf(" (no latency in the analysis: ranked by loss only; run it with --latency here)");
    std::printf("\n");
    return kExitOk;
}

int mergeCommand(const std::vector<std::string>& shards, const std::string& out)
{
    std::vector<SensitivityResult> results;
    for (const std::string& s : shards)
        results.push_back(SensitivityResult::load(s));
    const SensitivityResult merged = mergeShards(results, shards);
    merged.save(out);
    std::fprintf(stderr, "%s: %zu rows from %zu shards%s\n", out.c_str(), merged.rows.size(), shards.size(),
                 merged.complete() ? "" : " (some cells still to compute)");
    return kExitOk;
}

} // namespace

void addAnalysisCommands(CLI::App& app, const CliContext& context, Action& action)
{
    auto args = std::make_shared<RunArgs>();
    SensitivityOptions& o = args->options;
    CLI::App* sens = app.add_subcommand(
        "sensitivity", "Per-layer sensitivity: prune one tensor (group, channels, block) at a time at each level, "
                       "evaluate on a subset, restore; JSON-lines events with --json");
    sens->add_option("--model", o.model, "Checkpoint (.pt) or run folder (its best checkpoint)");
    sens->add_option("--data", o.data, "Manifest of validation utterances");
    sens->add_option("--out", o.out, "Result file (JSON), rewritten as rows complete");
    sens->add_option("--levels", args->levels, "Sparsity levels, comma-separated (default 0,.1,.2,...,.8,.85,.9,.95)");
    sens->add_option("--subset", o.subset, "Utterances to evaluate on (the first N usable; 0: all)")->capture_default_str();
    sens->add_option("--granularity", args->granularity, "tensor, group, channel, head or block")->capture_default_str();
    sens->add_option("--tensors", o.tensors, "Which tensors (recipe patterns: globs, re:..., __ALL_PRUNABLE__)");
    sens->add_option("--loss-ceiling", o.lossCeiling, "Stop a row once its Δloss passes this (0: never)");
    sens->add_option("--latency", o.latency, "here: time each row's layers in the runtime on this CPU");
    sens->add_option("--shard", args->shard, "i/n: analyse every n-th row from row i (merge the shards later)");
    sens->add_option("--cache", args->cache, "Cell cache folder (default: the project's cache/sensitivity)");
    sens->add_flag("--no-cache", args->noCache, "Keep no cell cache (every run starts afresh)");
    sens->add_flag_function("--no-prefix-cache", [&o](int64_t) { o.prefixCache = false; },
                   "Run the whole model for every cell (no reuse of the blocks before the pruned one)");
    sens->add_option("--batch", o.batchSize, "Utterances per forward pass")->capture_default_str();
    sens->add_option("--workers", o.workers, "Batches evaluated at once, one per thread (0: one per core)")
        ->capture_default_str();
    sens->require_subcommand(0, 1);
    sens->callback([&context, &action, args, sens] {
        if (sens->get_subcommands().empty())
            action = [&context, args] { return runCommand(context, *args); };
    });

    auto showFile = std::make_shared<std::string>();
    auto metric = std::make_shared<std::string>("loss");
    CLI::App* show = sens->add_subcommand("show", "Print a result file as a table: rows × levels");
    show->add_option("FILE", *showFile, "Result file")->required();
    show->add_option("--metric", *metric, "loss (Δ), kl, cer (Δ) or latency")->capture_default_str();
    show->callback([&context, &action, showFile, metric] {
        action = [&context, showFile, metric] { return showCommand(context, *showFile, *metric); };
    });

    auto allocFile = std::make_shared<std::string>();
    auto allocOut = std::make_shared<std::string>();
    auto alloc = std::make_shared<AllocationOptions>();
    CLI::App* allocateCmd = sens->add_subcommand(
        "allocate", "Per-tensor sparsities meeting a global target at the least combined loss and latency cost, as a recipe");
    allocateCmd->add_option("FILE", *allocFile, "Result file of a tensor or group analysis")->required();
    allocateCmd->add_option("--target", alloc->target, "Global sparsity over the analysed weights")->capture_default_str();
    allocateCmd->add_option("--balance", alloc->balance, "1: loss only, 0: latency only")->capture_default_str();
    allocateCmd->add_option("--min", alloc->minSparsity, "Lowest sparsity of any tensor")->capture_default_str();
    allocateCmd->add_option("--max", alloc->maxSparsity, "Highest sparsity of any tensor")->capture_default_str();
    allocateCmd->add_option("--out", *allocOut, "Recipe to write (docs/formats/recipe.md)")->required();
    allocateCmd->callback([&context, &action, allocFile, allocOut, alloc] {
        action = [&context, allocFile, allocOut, alloc] { return allocateCommand(context, *allocFile, *alloc, *allocOut); };
    });

    auto mergeFiles = std::make_shared<std::vector<std::string>>();
    auto mergeOut = std::make_shared<std::string>();
    CLI::App* merge = sens->add_subcommand("merge", "Join the shards of one analysis (--shard i/n runs) into one result");
    merge->add_option("SHARD", *mergeFiles, "The shards' result files")->required();
    merge->add_option("--out", *mergeOut, "Merged result file")->required();
    merge->callback([&action, mergeFiles, mergeOut] {
        action = [mergeFiles, mergeOut] { return mergeCommand(*mergeFiles, *mergeOut); };
    });
}

} // namespace espalier::cli
