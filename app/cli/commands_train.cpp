// espalier-cli train / eval: train a model into a run folder (resumable), score a checkpoint on a manifest.
#include "app/cli/commands.h"
#include "core/eval/cer_report.h"
#include "core/prune/recipe_formats.h"
#include "core/runtime/error.h"
#include "core/train/eval_job.h"
#include "core/train/run_paths.h"
#include "core/train/shipped_configs.h"
#include "core/train/train_job.h"

#include <filesystem>
#include <memory>

namespace espalier::cli {

namespace {

struct TrainArgs {
    std::string config, out, corpus, recipe, init;
    bool resume = false;
    long long steps = 0;
};

struct EvalArgs {
    std::string model, data, hypotheses, out;
    int beam = 1;
    bool perUtterance = false;
};

std::string shippedNames()
{
    std::string names;
    for (const train::ShippedConfig& c : train::shippedConfigs())
        names += (names.empty() ? "" : ", ") + c.name;
    return names;
}

bool isShippedConfig(const std::string& name)
{
    for (const train::ShippedConfig& c : train::shippedConfigs())
        if (c.name == name)
            return true;
    return false;
}

int trainCommand(const CliContext& context, const TrainArgs& args)
{
    const train::RunPaths paths(args.out);
    std::string configPath = args.config;
    if (configPath.empty()) {
        if (!args.resume)
            throw InputError("give --config CFG.yaml (or --resume to continue the run in " + args.out + ")");
        configPath = paths.config();
    }
    train::TrainConfig config;
    if (std::filesystem::is_regular_file(configPath))
        config = train::TrainConfig::load(configPath, args.corpus);
    else if (isShippedConfig(configPath))
        config = args.corpus.empty() ? throw InputError("the shipped config '" + configPath + "' needs --corpus DIR")
                                     : train::shippedConfig(configPath, args.corpus);
    else
        throw InputError("training config not found: " + configPath + " (shipped configs: " + shippedNames() + ")");
    if (args.steps > 0)
        config.steps = args.steps;
    if (!args.init.empty()) {
        config.model.init = std::filesystem::absolute(train::resolveCheckpoint(args.init)).lexically_normal().string();
        config.model.torchScript.clear();
    }
    if (!args.recipe.empty()) {
        config.recipe = std::filesystem::absolute(args.recipe).lexically_normal().string();
        prune::loadAnyRecipe(config.recipe);  // its problems now, not after the data is read
    }
    config.validate();
    if (context.threads > 0)
        config.threads = context.threads;

    train::TrainJob job(config, args.out, args.resume);
    const int code = context.runJob(job);
    if (code != kExitOk)
        return code;
    const train::TrainOutcome& outcome = job.outcome();
    if (context.json) {
        nlohmann::json tests = nlohmann::json::object();
        for (const auto& [name, cer] : outcome.testCer)
            tests[name] = cer;
        context.printJson({{"run", args.out}, {"steps", outcome.steps}, {"final_loss", outcome.finalLoss ? nlohmann::json(*outcome.finalLoss) : nlohmann::json()},
                           {"best_dev_cer", outcome.bestDevCer ? nlohmann::json(*outcome.bestDevCer) : nlohmann::json()},
                           {"checkpoint", outcome.lastCheckpoint}, {"test_cer", tests}});
        return kExitOk;
    }
    std::printf("run %s: %lld steps", args.out.c_str(), outcome.steps);
    if (outcome.finalLoss)
        std::printf(", final loss %.3f", *outcome.finalLoss);
    if (outcome.bestDevCer)
        std::printf(", best dev CER %.2f %%", 100.0 * *outcome.bestDevCer);
    std::printf("\n");
    for (const auto& [name, cer] : outcome.testCer)
        std::printf("  %-14s CER %6.2f %%  (%s)\n", name.c_str(), 100.0 * cer, paths.resultJson(name).c_str());
    return kExitOk;
}

int evalCommand(const CliContext& context, const EvalArgs& args)
{
    if (args.beam < 1)
        throw InputError("--beam must be at least 1 (1: greedy decoding)");
    train::EvalJob job(args.model, args.data, args.beam);
    const int code = context.runJob(job);
    if (code != kExitOk)
        return code;
    if (!args.hypotheses.empty())
        eval::writeHypotheses(args.hypotheses, job.result());
    if (!args.out.empty())
        eval::writeCerJson(args.out, job.result(), true);
    if (context.json)
        context.printJson(nlohmann::json::parse(eval::cerToJson(job.result(), args.perUtterance, -1)));
    else
        std::printf("%s", eval::formatCerReport(job.result(), args.perUtterance).c_str());
    return kExitOk;
}

} // namespace

void addTrainCommands(CLI::App& app, const CliContext& context, Action& action)
{
    auto trainArgs = std::make_shared<TrainArgs>();
    CLI::App* trainCmd = app.add_subcommand(
        "train", "Train a CTC model into a run folder: checkpoints, metrics.jsonl, test-set CER (Ctrl-C leaves a "
                 "resumable checkpoint and exits 130)");
    trainCmd->add_option("--config", trainArgs->config,
                         "Training config YAML (docs/formats/train-config.md), or a shipped config's name (" + shippedNames()
                             + "; needs --corpus); with --resume, defaults to RUN/config.yaml");
    trainCmd->add_option("--out", trainArgs->out, "Run folder (docs/formats/run.md)")->required();
    trainCmd->add_flag("--resume", trainArgs->resume, "Continue the run in --out from its newest checkpoint");
    trainCmd->add_option("--corpus", trainArgs->corpus,
                         "Corpus folder replacing the config's data splits (train, dev, test_*)");
    trainCmd->add_option("--recipe", trainArgs->recipe,
                         "Pruning recipe followed during training (docs/formats/recipe.md); stored in the run's config");
    trainCmd->add_option("--init", trainArgs->init,
                         "Start from this checkpoint or run folder's best (architecture, weights, masks, vocabulary) with a fresh optimiser: "
                         "fine-tune a pruned model");
    trainCmd->add_option("--steps", trainArgs->steps, "Optimiser steps, replacing the config's steps/epochs")
        ->check(CLI::PositiveNumber);
    trainCmd->callback([&context, &action, trainArgs] {
        action = [&context, trainArgs] { return trainCommand(context, *trainArgs); };
    });

    auto evalArgs = std::make_shared<EvalArgs>();
    CLI::App* evalCmd = app.add_subcommand(
        "eval", "Decode a manifest with a checkpoint and print the CER as WeNet's compute-cer does");
    evalCmd->add_option("--model", evalArgs->model, "Checkpoint (.pt) or run folder (uses its best checkpoint)")
        ->required();
    evalCmd->add_option("--data", evalArgs->data, "Manifest or split folder to decode")->required();
    evalCmd->add_option("--beam", evalArgs->beam, "Prefix beam search width (1: greedy)")->capture_default_str();
    evalCmd->add_option("--hyp", evalArgs->hypotheses, "Write the hypotheses as a Kaldi text file");
    evalCmd->add_option("--out", evalArgs->out, "Write the result as JSON (with every utterance)");
    evalCmd->add_flag("--per-utterance", evalArgs->perUtterance, "Print each utterance's alignment too");
    evalCmd->callback([&context, &action, evalArgs] {
        action = [&context, evalArgs] { return evalCommand(context, *evalArgs); };
    });
}

} // namespace espalier::cli
