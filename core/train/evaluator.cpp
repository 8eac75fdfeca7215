#include "core/train/evaluator.h"

#include "core/eval/ctc_decode.h"
#include "core/model/autocast.h"
#include "core/model/torch_error.h"
#include "core/train/batch_loader.h"

#include <torch/torch.h>

#include <algorithm>

namespace espalier::train {

namespace {

// Restores the model's training mode on scope exit.
class EvalMode {
public:
    explicit EvalMode(model::AsrModel& model) : model_(model), wasTraining_(model.isTraining()) { model_.train(false); }
    ~EvalMode() { model_.train(wasTraining_); }

private:
    model::AsrModel& model_;
    bool wasTraining_;
};

} // namespace

eval::CerAccumulator evaluateSamples(model::AsrModel& model, const data::CharTokenizer& tokenizer,
                                     const std::vector<Sample>& all, const runtime::FbankOptions& fbank,
                                     const EvalOptions& options, job::JobContext* context)
{
    std::vector<Sample> samples = all;
    if (options.maxUtterances > 0 && samples.size() > size_t(options.maxUtterances))
        samples.resize(size_t(options.maxUtterances));

    std::vector<int> frames;
    for (const Sample& s : samples)
        frames.push_back(std::max(1, s.frames));  // decode even the ones too short for the model
    const std::vector<BatchIndices> plan = planInOrder(frames, options.batch);

    augment::Pipeline plain;
    runtime::FbankOptions noDither = fbank;
    noDither.dither = 0.0f;
    plain.setFbankOptions(noDither);
    BatchLoader loader(samples, plain, {options.workers, 2, 0});
    loader.start(plan, 0);

    std::vector<std::string> hypotheses(samples.size());
    EvalMode evalMode(model);
    torch::NoGradGuard noGrad;
    const torch::Device device = model.device();
    long long done = 0;
    const auto check = [context] {
        if (context)
            context->throwIfCancelled();
    };
    while (std::optional<Batch> batch = loader.next(check)) {
        check();
        model::AsrOutput out;
        {
            const bool bf16 = options.precision == Precision::Bf16;
            model::AutocastScope autocast(device.type(), device.is_cuda() && !bf16 ? torch::kHalf : torch::kBFloat16,
                                          options.precision != Precision::Fp32);
            out = model.forward(batch->features.to(device), batch->featureLengths.to(device));
        }
        const torch::Tensor logProbs = out.logProbs.to(torch::kCPU, torch::kFloat32).contiguous();
        const torch::Tensor lengths = out.lengths.to(torch::kCPU, torch::kInt64);
        const long long tMax = logProbs.size(1), vocab = logProbs.size(2);
        for (size_t k = 0; k < batch->utterances.size(); ++k) {
            eval::LogProbs lp;
            lp.frames = int(std::min<long long>(lengths[long(k)].item<int64_t>(), tMax));
            lp.vocab = int(vocab);
            lp.data = logProbs.data_ptr<float>() + (long long)k * tMax * vocab;
            const std::vector<int> tokens = options.beam > 1 ? eval::ctcPrefixBeamSearch(lp, options.beam).front().tokens
                                                             : eval::ctcGreedy(lp);
            hypotheses[size_t(batch->utterances[k])] = tokenizer.decode(tokens);
        }
        done += (long long)batch->utterances.size();
        if (context && options.reportProgress)
            context->advance(done);
    }
    eval::CerAccumulator results;
    for (size_t i = 0; i < samples.size(); ++i)
        results.add(samples[i].key, samples[i].text, hypotheses[i]);
    return results;
}

} // namespace espalier::train
