#include "core/analysis/sensitivity_job.h"

#include "core/analysis/fingerprint.h"
#include "core/analysis/layer_latency.h"
#include "core/analysis/sensitivity_cache.h"
#include "core/analysis/sensitivity_rows.h"
#include "core/data/tokenizer.h"
#include "core/eval/cer.h"
#include "core/eval/ctc_decode.h"
#include "core/runtime/error.h"
#include "core/train/calibration.h"
#include "core/train/checkpoint.h"
#include "core/train/eval_job.h"
#include "core/train/sample.h"

#include <torch/torch.h>

#include <algorithm>
#include <atomic>
#include <exception>
#include <mutex>
#include <thread>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <memory>

namespace espalier::analysis {

namespace fs = std::filesystem;

void SensitivityOptions::validate() const
{
    if (model.empty())
        throw InputError("model: give a checkpoint or a run folder");
    if (data.empty())
        throw InputError("data: give the manifest of the validation utterances");
    if (granularity != Granularity::Block)
        checkLevels(levels, "levels");
    if (subset < 0)
        throw InputError("subset: " + std::to_string(subset) + " utterances (0: all)");
    if (!std::isfinite(lossCeiling) || lossCeiling < 0.0)
        throw InputError("loss-ceiling: " + std::to_string(lossCeiling) + " must be a Δloss of 0 (none) or more");
    if (shardCount < 1 || shardIndex < 0 || shardIndex >= shardCount)
        throw InputError("shard: " + std::to_string(shardIndex) + "/" + std::to_string(shardCount)
                         + " is not a shard (0 <= i < n)");
    if (!latency.empty() && latency != "here")
        throw InputError("latency: expected 'here' (devices of the project come later), got '" + latency + "'");
    if (workers < 0)
        throw InputError("workers: " + std::to_string(workers) + " (0: one per core)");
    if (batchSize < 1)
        throw InputError("batch: " + std::to_string(batchSize) + " utterances per pass must be at least 1");
    if (tensors.empty())
        throw InputError("tensors: give at least one pattern");
}

namespace {

// The weights' bytes, names included.
std::string modelHash(const model::AsrModel& model)
{
    Fingerprint f;
    for (const auto& item : model.stateDict()) {
        const torch::Tensor t = item.value().detach().to(torch::kCPU).contiguous();
        f.add(item.key()).add(std::string(c10::toString(t.scalar_type())));
        f.add(t.data_ptr(), size_t(t.numel()) * t.element_size());
    }
    return f.hex();
}

struct Subset {
    std::vector<train::Sample> samples;  // sorted by length (little padding)
    std::vector<prune::CalibrationBatch> batches;
    std::string hash;
};

Subset chooseSubset(const std::string& manifest, const train::CheckpointMeta& meta, const data::CharTokenizer& tokenizer,
                    int subset, int batchSize, job::JobContext& context)
{
    const train::SampleSet set = train::loadSamples(manifest, meta.fbank, &tokenizer);
    for (const std::string& w : set.warnings)
        context.warning(w);
    Subset out;
    Fingerprint f;
    for (const train::Sample& s : set.samples) {
        if (subset > 0 && int(out.samples.size()) >= subset)
            break;
        if (s.frames < model::ModelConfig::kMinFrames || s.tokens.empty())
            continue;
        out.samples.push_back(s);
        f.add(s.key);
    }
    if (out.samples.empty())
        throw InputError(manifest + ": no utterance to evaluate on (the subset is empty: none has a transcript and at least "
                         + std::to_string(model::ModelConfig::kMinFrames) + " frames)");
    out.hash = f.hex();
    std::stable_sort(out.samples.begin(), out.samples.end(),
                     [](const train::Sample& a, const train::Sample& b) { return a.frames < b.frames; });
    out.batches = train::calibrationBatches(out.samples, meta.fbank, int(out.samples.size()), batchSize);
    return out;
}

struct CellMetrics {
    double loss = 0.0;
    double kl = 0.0;
    double cer = 0.0;
};

// The subset's outputs of the unpruned model, and the encoder's stream before each block.
struct Reference {
    std::vector<torch::Tensor> logProbs;                 // per batch [B, T', V] float32 CPU
    std::vector<std::vector<model::BlockStream>> streams; // per batch, before block 0 .. numBlocks
};

class Evaluator {
public:
    Evaluator(model::AsrModel& model, const Subset& subset, const data::CharTokenizer& tokenizer, bool prefixCache,
              int workers)
        : model_(model), subset_(subset), tokenizer_(tokenizer), prefix_(prefixCache && model.splitsAtBlocks()),
          workers_(workers)
    {
    }

    // The unpruned model's metrics, keeping its outputs (and streams) for the cells.
    CellMetrics reference(job::JobContext& context)
    {
        ref_.logProbs.clear();
        ref_.streams.clear();
        return evaluate(nullptr, context, true);
    }

    // With `skipBlock` >= 0 that block is the identity. The batches are shared out to the workers;
    // the sums are taken in batch order, so the numbers do not depend on the number of workers.
    CellMetrics evaluate(const RowPlan* plan, job::JobContext& context, bool keep = false, int skipBlock = -1)
    {
        const size_t n = subset_.batches.size();
        if (keep) {
            ref_.logProbs.assign(n, torch::Tensor());
            ref_.streams.assign(n, {});
        }
        std::vector<BatchMetrics> results(n);
        std::atomic<size_t> next{0};
        std::atomic<bool> failed{false};
        std::exception_ptr error;
        std::mutex errorMutex;
        const auto work = [&] {
            torch::NoGradGuard noGrad;  // thread-local: every worker sets its own
            try {
                for (size_t i = next++; i < n && !failed; i = next++) {
                    context.throwIfCancelled();
                    results[i] = evaluateBatch(i, plan, keep, skipBlock);
                }
            } catch (...) {
                const std::lock_guard<std::mutex> lock(errorMutex);
                if (!error)
                    error = std::current_exception();
                failed = true;
            }
        };
        const int workers = int(std::min<size_t>(size_t(std::max(1, workers_)), n));
        std::vector<std::thread> threads;
        for (int w = 1; w < workers; ++w)
            threads.emplace_back(work);
        work();
        for (std::thread& t : threads)
            t.join();
        if (error)
            std::rethrow_exception(error);

        eval::CerAccumulator cer;
        double loss = 0.0, kl = 0.0;
        long long frames = 0, utterances = 0;
        size_t sample = 0;
        for (const BatchMetrics& r : results) {
            loss += r.loss;
            kl += r.kl;
            frames += r.frames;
            utterances += r.utterances;
            for (const std::string& hyp : r.hypotheses) {
                const train::Sample& s = subset_.samples.at(sample++);
                cer.add(s.key, s.text, hyp);
            }
        }
        CellMetrics m;
        m.loss = utterances > 0 ? loss / double(utterances) : 0.0;
        m.kl = frames > 0 ? std::max(0.0, kl / double(frames)) : 0.0;
        m.cer = cer.total().errorRate();
        return m;
    }

private:
    struct BatchMetrics {
        double loss = 0.0;  // summed over the batch's utterances
        double kl = 0.0;    // summed over its valid frames
        long long frames = 0;
        long long utterances = 0;
        std::vector<std::string> hypotheses;
    };

    BatchMetrics evaluateBatch(size_t i, const RowPlan* plan, bool keep, int skipBlock)
    {
        const int blocks = model_.numBlocks();
        const prune::CalibrationBatch& b = subset_.batches[i];
        model::AsrOutput out;
        const int start = plan ? std::max(0, std::min(plan->startBlock, blocks)) : 0;
        const bool fromCache = prefix_ && !keep && plan && (plan->startBlock >= 0 || skipBlock >= 0);
        if (keep && prefix_) {
            std::vector<model::BlockStream> streams{model_.startBlocks(b.features, b.lengths)};
            for (int k = 0; k < blocks; ++k)
                streams.push_back(model_.runBlocks(streams.back(), k + 1));
            out = model_.finishBlocks(streams.back());
            ref_.streams[i] = std::move(streams);
        } else if (skipBlock >= 0) {
            model::BlockStream s = fromCache ? ref_.streams[i][size_t(skipBlock)]
                                             : model_.runBlocks(model_.startBlocks(b.features, b.lengths), skipBlock);
            s.next = skipBlock + 1;
            out = model_.finishBlocks(model_.runBlocks(s, blocks));
        } else if (fromCache) {
            out = model_.finishBlocks(model_.runBlocks(ref_.streams[i][size_t(start)], blocks));
        } else {
            out = model_.forward(b.features, b.lengths);
        }
        const torch::Tensor logProbs = out.logProbs.to(torch::kCPU, torch::kFloat).contiguous();
        const torch::Tensor lengths = out.lengths.to(torch::kCPU, torch::kLong);
        const torch::Tensor losses = torch::ctc_loss(logProbs.transpose(0, 1), b.targets, lengths, b.targetLengths,
                                                     /*blank=*/0, at::Reduction::None, /*zero_infinity=*/true);
        BatchMetrics m;
        m.loss = losses.sum().item<double>();
        m.utterances = losses.numel();
        const int64_t tMax = logProbs.size(1), vocab = logProbs.size(2);
        const torch::Tensor valid = torch::arange(tMax).unsqueeze(0) < lengths.unsqueeze(1);  // [B, T']
        if (keep) {
            ref_.logProbs[i] = logProbs;
        } else {
            const torch::Tensor& base = ref_.logProbs.at(i);
            const torch::Tensor perFrame = (base.exp() * (base - logProbs)).sum(-1);  // [B, T']
            m.kl = perFrame.masked_select(valid).sum().item<double>();
        }
        m.frames = valid.sum().item<int64_t>();
        const int64_t* lens = lengths.data_ptr<int64_t>();
        for (int64_t k = 0; k < logProbs.size(0); ++k) {
            eval::LogProbs lp;
            lp.frames = int(std::min<int64_t>(lens[k], tMax));
            lp.vocab = int(vocab);
            lp.data = logProbs.data_ptr<float>() + k * tMax * vocab;
            m.hypotheses.push_back(tokenizer_.decode(eval::ctcGreedy(lp)));
        }
        return m;
    }

    model::AsrModel& model_;
    const Subset& subset_;
    const data::CharTokenizer& tokenizer_;
    bool prefix_;
    int workers_;
    Reference ref_;
};

// LibTorch's intra-op threads set to one while the workers run (one batch per core beats splitting
// the small products of one batch across cores), restored afterwards.
class SingleThreadedOps {
public:
    explicit SingleThreadedOps(bool on) : previous_(torch::get_num_threads()), on_(on)
    {
        if (on_)
            torch::set_num_threads(1);
    }
    ~SingleThreadedOps()
    {
        if (on_)
            torch::set_num_threads(previous_);
    }

private:
    int previous_;
    bool on_;
};

// Puts the weights back however the cell ends (cancelled included).
class RestoreOnExit {
public:
    explicit RestoreOnExit(SavedWeights saved) : saved_(std::move(saved)) {}
    ~RestoreOnExit() { saved_.restore(); }

private:
    SavedWeights saved_;
};

// Median subsampled frames of the subset: the frame count layers are timed at.
int medianModelFrames(const Subset& subset)
{
    std::vector<int> frames;
    for (const train::Sample& s : subset.samples)
        frames.push_back(std::max(1, ((s.frames - 1) / 2 - 1) / 2));
    std::nth_element(frames.begin(), frames.begin() + long(frames.size() / 2), frames.end());
    return frames[frames.size() / 2];
}

double seconds(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

} // namespace

SensitivityJob::SensitivityJob(SensitivityOptions options) : options_(std::move(options)) {}

std::string SensitivityJob::title() const
{
    return "Sensitivity of " + fs::path(options_.model).filename().string() + " on "
           + fs::path(options_.data).filename().string();
}

std::vector<std::string> SensitivityJob::cliCommand() const
{
    std::vector<std::string> cmd = {"espalier-cli", "sensitivity", "--model", options_.model, "--data", options_.data};
    if (options_.granularity != Granularity::Block && options_.levels != defaultLevels())
        cmd.insert(cmd.end(), {"--levels", levelsText(options_.levels)});
    cmd.insert(cmd.end(), {"--subset", std::to_string(options_.subset), "--granularity",
                           granularityNames().name(options_.granularity)});
    for (const std::string& t : options_.tensors)
        if (t != "__ALL_PRUNABLE__")
            cmd.insert(cmd.end(), {"--tensors", t});
    if (options_.lossCeiling > 0.0)
        cmd.insert(cmd.end(), {"--loss-ceiling", std::to_string(options_.lossCeiling)});
    if (!options_.latency.empty())
        cmd.insert(cmd.end(), {"--latency", options_.latency});
    if (options_.shardCount > 1)
        cmd.insert(cmd.end(), {"--shard", std::to_string(options_.shardIndex) + "/" + std::to_string(options_.shardCount)});
    if (!options_.out.empty())
        cmd.insert(cmd.end(), {"--out", options_.out});
    return cmd;
}

void SensitivityJob::run(job::JobContext& context)
{
    options_.validate();
    computed_ = cached_ = 0;
    evalSeconds_ = 0.0;
    const std::vector<double> levels =
        options_.granularity == Granularity::Block ? std::vector<double>{0.0, 1.0} : options_.levels;

    context.setStageWeights({1.0, 1.0, 18.0});
    context.beginStage("Load model and utterances", 0, 3);
    const std::string checkpoint = train::resolveCheckpoint(options_.model);
    train::CheckpointMeta meta;
    std::unique_ptr<model::AsrModel> model = train::loadModelFromCheckpoint(checkpoint, &meta);
    model->train(false);
    const data::CharTokenizer tokenizer = train::checkpointTokenizer(meta, checkpoint);
    const std::vector<RowPlan> plans = planRows(*model, options_.granularity, options_.tensors);
    const Subset subset = chooseSubset(options_.data, meta, tokenizer, options_.subset, options_.batchSize, context);
    context.info(model->description() + " from " + checkpoint + "; " + std::to_string(plans.size()) + " rows, "
                 + std::to_string(subset.samples.size()) + " utterances");

    SensitivityResult& r = result_;
    r = SensitivityResult();
    r.model = options_.model;
    r.modelHash = modelHash(*model);
    r.modelDescription = model->description();
    r.data = options_.data;
    r.subset = int(subset.samples.size());
    r.subsetHash = subset.hash;
    r.granularity = options_.granularity;
    r.levels = levels;
    r.lossCeiling = options_.lossCeiling;
    r.shardIndex = options_.shardIndex;
    r.shardCount = options_.shardCount;
    for (const RowPlan& p : plans) {
        SensitivityRow row = p.row;
        row.cells.assign(levels.size(), SensitivityCell());
        r.rows.push_back(row);
    }
    SensitivityCache cache(options_.cacheDir, r.key());
    for (size_t i = 0; i < r.rows.size(); ++i)
        for (size_t l = 0; l < levels.size() && r.inShard(i); ++l)
            if (const auto c = cache.cell(r.rows[i].name, l)) {
                r.rows[i].cells[l] = *c;
                ++cached_;
            }

    const bool work = !r.complete() || !cache.baseline();
    context.beginStage("Reference outputs", 1, 3, (long long)subset.samples.size());
    const int workers = options_.workers > 0 ? options_.workers : int(std::max(1u, std::thread::hardware_concurrency()));
    const SingleThreadedOps singleThreaded(workers > 1);
    Evaluator evaluator(*model, subset, tokenizer, options_.prefixCache, workers);
    ChannelRanking ranking;
    if (work) {
        const CellMetrics base = evaluator.reference(context);
        r.baselineLoss = base.loss;
        r.baselineCer = base.cer;
        if (!cache.baseline())
            cache.putBaseline({base.loss, base.cer});
    } else {
        r.baselineLoss = cache.baseline()->loss;
        r.baselineCer = cache.baseline()->cer;
    }
    const bool channels = options_.granularity == Granularity::Channel || options_.granularity == Granularity::Head;
    if (channels) {
        ranking.groups = prune::channelGroups(*model);
        ranking.scores = prune::featureMapImportance(*model, subset.batches);
    }
    for (size_t i = 0; i < r.rows.size(); ++i)
        r.rows[i].magnitude = magnitudeCurve(*model, plans[i], options_.granularity, levels, channels ? &ranking : nullptr);
    if (options_.latency == "here") {
        r.latencySource = "here";
        r.latencyFrames = medianModelFrames(subset);
        r.latencyCpu = latencyCpuDescription();
        const model::NamedTensors params = model->namedParameters();
        for (size_t i = 0; i < r.rows.size(); ++i)
            if (r.inShard(i))
                r.rows[i].latencyMs = rowLatencyMs(params, r.rows[i].tensors, levels, r.latencyFrames);
    }

    const auto saveResult = [&] {
        if (!options_.out.empty())
            r.save(options_.out);
    };
    saveResult();  // the rows, their magnitude curves and latency: the first look, before any cell

    context.beginStage("Prune and evaluate", 2, 3, r.totalCells());
    long long done = r.doneCells();
    context.advance(done);
    try {
        for (size_t i = 0; i < r.rows.size(); ++i) {
            if (!r.inShard(i))
                continue;
            SensitivityRow& row = r.rows[i];
            bool stopped = false;
            for (size_t l = 0; l < levels.size(); ++l) {
                SensitivityCell& cell = row.cells[l];
                if (stopped) {
                    if (cell.state == SensitivityCell::State::Pending) {
                        cell.state = SensitivityCell::State::Skipped;
                        context.advance(++done);
                    }
                    continue;
                }
                if (cell.state == SensitivityCell::State::Pending) {
                    CellMetrics m;
                    if (levels[l] <= 0.0) {
                        m = {r.baselineLoss, 0.0, r.baselineCer};  // nothing pruned: the reference itself
                    } else {
                        const auto start = std::chrono::steady_clock::now();
                        RestoreOnExit restore(pruneRow(*model, plans[i], options_.granularity, levels[l],
                                                       channels ? &ranking : nullptr));
                        m = evaluator.evaluate(&plans[i], context, false,
                                               options_.granularity == Granularity::Block ? plans[i].row.block : -1);
                        evalSeconds_ += seconds(start);
                        ++computed_;
                    }
                    cell.state = SensitivityCell::State::Done;
                    cell.loss = m.loss;
                    cell.kl = m.kl;
                    cell.cer = m.cer;
                    cache.put(row.name, l, cell);
                    context.advance(++done);
                    context.metric({"sensitivity", double(l), cell.loss - r.baselineLoss,
                                    {{"row", row.name}, {"level", std::to_string(levels[l])},
                                     {"loss", std::to_string(cell.loss)}, {"kl", std::to_string(cell.kl)},
                                     {"cer", std::to_string(cell.cer)}}});
                }
                if (options_.lossCeiling > 0.0 && cell.state == SensitivityCell::State::Done
                    && r.deltaLoss(row, l) > options_.lossCeiling)
                    stopped = true;
            }
            saveResult();
        }
    } catch (const CancelledError&) {
        saveResult();  // a valid partial file; the cache holds every finished cell
        throw;
    }
    saveResult();
    context.info("computed " + std::to_string(computed_) + " cells, " + std::to_string(cached_) + " from the cache");
}

} // namespace espalier::analysis
