#include "core/train/train_job.h"

#include "core/job/shell_quote.h"
#include "core/eval/cer_report.h"
#include "core/io/atomic_file.h"
#include "core/io/file_lock.h"
#include "core/model/torch_setup.h"
#include "core/runtime/error.h"
#include "core/train/checkpoint.h"
#include "core/train/evaluator.h"
#include "core/train/run_info.h"
#include "core/train/trainer.h"

#include <nlohmann/json.hpp>

#include <filesystem>

namespace espalier::train {

namespace fs = std::filesystem;

namespace {

bool hasFiles(const std::string& dir)
{
    std::error_code ec;
    return fs::is_directory(dir, ec) && fs::directory_iterator(dir, ec) != fs::directory_iterator();
}

std::string modelLabel(const TrainConfig& c)
{
    if (!c.model.torchScript.empty())
        return "TorchScript " + fs::path(c.model.torchScript).filename().string();
    std::string label = c.model.config.type == model::ModelType::Conformer ? "Conformer" : "Transformer";
    if (!c.model.config.size.empty())
        label += " " + c.model.config.size;
    return label;
}

} // namespace

TrainJob::TrainJob(TrainConfig config, std::string runDir, bool resume)
    : config_(std::move(config)), runDir_(std::move(runDir)), resume_(resume)
{
}

std::string TrainJob::title() const
{
    return "Train " + modelLabel(config_) + " (" + precisionNames().name(config_.precision) + ")";
}

std::vector<std::string> TrainJob::cliCommand() const
{
    const RunPaths paths(runDir_);
    std::vector<std::string> argv = {"espalier-cli", "train", "--config", paths.config(), "--out", runDir_};
    if (resume_)
        argv.push_back("--resume");
    return argv;
}

void TrainJob::run(job::JobContext& context)
{
    const RunPaths paths(runDir_);
    std::error_code dirError;
    fs::create_directories(runDir_, dirError);
    const std::optional<io::FileLock> lock = io::FileLock::tryLock(paths.lock());
    if (!lock)
        throw InputError(runDir_ + " is being trained by another process (it holds " + paths.lock() + ")");
    if (resume_ && !isResumableRun(runDir_)) {
        std::error_code ec;
        if (!fs::exists(paths.config(), ec))
            throw InputError(runDir_ + ": no run to resume here (it needs config.yaml and a checkpoint in checkpoints/)");
        // Stopped (or killed) before its first checkpoint: nothing to continue, so it starts over.
        context.warning(runDir_ + " has no checkpoint yet: starting it from step 0");
        resume_ = false;
    } else if (!resume_) {
        std::error_code ec;
        if (fs::exists(paths.metrics(), ec) || hasFiles(paths.checkpoints()))
            throw InputError(runDir_ + " already holds a training run; resume it (--resume) or choose another output folder");
    }
    fs::create_directories(runDir_);
    config_.save(paths.config());

    // run.json: this launch appended to the run's provenance, its outcome written however it ends.
    RunInfo info;
    try {
        info = readRunInfo(runDir_).value_or(RunInfo{});
    } catch (const FormatError& e) {
        context.warning(std::string(e.what()) + ": starting a new run.json");
    }
    info.command = job::shellJoin(cliCommand());
    info.init = config_.model.init;
    info.recipe = config_.recipe;
    info.environment = currentEnvironment();
    info.environment.libtorch = model::torchVersion();
    info.launches.push_back({utcNow(), "", "running", 0, ""});
    writeRunInfo(runDir_, info);
    const auto endLaunch = [&](const std::string& status, const std::string& error) {
        info.launches.back().ended = utcNow();
        info.launches.back().status = status;
        info.launches.back().steps = outcome_.steps;
        info.launches.back().error = error;
        try {
            writeRunInfo(runDir_, info);
        } catch (const std::exception& e) {
            context.warning(e.what());  // the run's own files are written; its record is what failed
        }
    };
    try {
        const bool complete = runStages(context);
        endLaunch(complete ? "finished" : "stopped", "");
    } catch (const CancelledError&) {
        endLaunch("stopped", "");
        throw;
    } catch (const std::exception& e) {
        endLaunch("failed", e.what());
        throw;
    }
}

bool TrainJob::runStages(job::JobContext& context)
{
    const RunPaths paths(runDir_);
    context.setStageWeights({0.05, 0.85, 0.10});
    context.beginStage("Prepare data and model", 0, 3);
    Trainer trainer(config_, runDir_);
    trainer.prepare(context, resume_);

    context.beginStage("Train", 1, 3, trainer.totalSteps());
    const bool complete = trainer.train(context, stopAfterStep_);
    outcome_.steps = trainer.step();
    outcome_.bestDevCer = trainer.bestDevCer();
    outcome_.lastCheckpoint = trainer.latestCheckpoint();
    if (!trainer.history().empty())
        outcome_.finalLoss = trainer.history().back().loss;
    if (!complete || !evaluateTests_ || config_.data.tests.empty())
        return complete;

    // Test sets, with the best weights by dev CER (the last ones without a dev set).
    long long totalUtterances = 0;
    std::vector<SampleSet> tests;
    for (const TestSet& t : config_.data.tests) {
        tests.push_back(loadSamples(t.manifest, config_.features.fbank, &trainer.tokenizer()));
        totalUtterances += (long long)tests.back().samples.size();
    }
    context.beginStage("Evaluate test sets", 2, 3, totalUtterances);
    const std::string weights = trainer.bestCheckpoint();
    if (!weights.empty())
        loadCheckpoint(weights, trainer.model(), nullptr);
    fs::create_directories(paths.results());
    nlohmann::json summary = {{"checkpoint", weights}, {"steps", trainer.step()}, {"tests", nlohmann::json::object()}};
    if (trainer.bestDevCer())
        summary["best_dev_cer"] = *trainer.bestDevCer();
    long long done = 0;
    for (size_t i = 0; i < tests.size(); ++i) {
        const TestSet& t = config_.data.tests[i];
        EvalOptions options;
        options.batch = config_.batch;
        options.workers = config_.dataWorkers;
        options.reportProgress = false;
        const eval::CerAccumulator result =
            evaluateSamples(trainer.model(), trainer.tokenizer(), tests[i].samples, config_.features.fbank, options, &context);
        eval::writeCerJson(paths.resultJson(t.name), result);
        eval::writeHypotheses(paths.hypotheses(t.name), result);
        const double cer = result.total().errorRate();
        outcome_.testCer[t.name] = cer;
        const eval::EditCounts& c = result.total();
        summary["tests"][t.name] = {{"cer", cer}, {"n", c.n}, {"c", c.c}, {"s", c.s}, {"d", c.d}, {"i", c.i}};
        context.metric({"test_cer", double(trainer.step()), cer, {{"test", t.name}}});
        const std::string line = t.name + ": " + eval::formatOverallLine(c);
        appendRunLog(paths.log(), job::logLevelNames().name(job::LogLevel::Info), line);
        context.info(line);
        done += (long long)tests[i].samples.size();
        context.advance(done);
    }
    io::writeFileAtomic(paths.results() + "/summary.json", summary.dump(2) + "\n");
    return true;
}

} // namespace espalier::train
