#include "core/train/eval_job.h"

#include "core/runtime/error.h"
#include "core/train/checkpoint.h"
#include "core/train/evaluator.h"
#include "core/train/sample.h"
#include "core/train/train_job.h"

#include <filesystem>

namespace espalier::train {

namespace fs = std::filesystem;

std::string resolveCheckpoint(const std::string& model)
{
    std::error_code ec;
    if (fs::is_directory(model, ec)) {
        const CheckpointStore store(RunPaths(model).checkpoints(), 1);
        if (fs::is_regular_file(store.bestPath(), ec))
            return store.bestPath();
        if (!store.latest().empty())
            return store.latest();
        throw InputError(model + ": no checkpoint here (expected a run folder with checkpoints/, or a .pt checkpoint)");
    }
    if (!fs::is_regular_file(model, ec))
        throw InputError("model not found: " + model);
    return model;
}

EvalJob::EvalJob(std::string modelOrRun, std::string manifest, int beam)
    : model_(std::move(modelOrRun)), manifest_(std::move(manifest)), beam_(beam)
{
}

std::string EvalJob::title() const
{
    return "Evaluate " + fs::path(model_).filename().string() + " on " + fs::path(manifest_).filename().string();
}

std::vector<std::string> EvalJob::cliCommand() const
{
    return {"espalier-cli", "eval", "--model", model_, "--data", manifest_, "--beam", std::to_string(beam_)};
}

void EvalJob::run(job::JobContext& context)
{
    if (beam_ < 1)
        throw InputError("beam must be at least 1 (1: greedy decoding), got " + std::to_string(beam_));
    checkpoint_ = resolveCheckpoint(model_);
    context.beginStage("Load model", 0, 2);
    CheckpointMeta meta;
    std::unique_ptr<model::AsrModel> model = loadModelFromCheckpoint(checkpoint_, &meta);
    const data::CharTokenizer tokenizer = checkpointTokenizer(meta, checkpoint_);
    const SampleSet samples = loadSamples(manifest_, meta.fbank, &tokenizer);
    for (const std::string& w : samples.warnings)
        context.warning(w);
    context.info(model->description() + " from " + checkpoint_);
    context.beginStage("Decode", 1, 2, (long long)samples.samples.size());
    EvalOptions options;
    options.beam = beam_;
    result_ = evaluateSamples(*model, tokenizer, samples.samples, meta.fbank, options, &context);
}

} // namespace espalier::train
