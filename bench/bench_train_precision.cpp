// Training throughput, fp32 against bf16 autocast, in one run on the same model and batch: the
// trainer's own step (forward, float32 CTC loss, backward, clip, AdamW). Reports utterances/s and
// frames/s for each precision and the bf16 / fp32 ratio (issue target: >= 1.8x on a CPU with
// AVX-512 BF16 / AMX). Not a test.
//   espalier_bench_train_precision [--size small] [--batch 16] [--seconds 4] [--vocab 500] [--threads 0]
#include "bench/bench_report.h"
#include "core/audio/audio_file.h"
#include "core/data/manifest.h"
#include "core/job/job.h"
#include "core/model/torch_setup.h"
#include "core/train/trainer.h"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <unistd.h>

using namespace espalier;

namespace {

struct Settings {
    std::string size = "small";
    int batch = 16;
    double seconds = 4.0;
    int vocab = 500;  // the demo corpus has ~480 characters
    int threads = 0;
    std::string workDir;
};
Settings g_settings;
std::map<std::string, double> g_uttPerSecond;

// The trainer needs a training set to prepare; the measured batch itself is synthetic.
std::string writeTinyCorpus(const std::string& dir)
{
    std::filesystem::create_directories(dir);
    data::UtteranceList list;
    for (int u = 0; u < 4; ++u) {
        audio::Audio a;
        a.sampleRate = 16000;
        a.samples.resize(16000);
        for (size_t i = 0; i < a.samples.size(); ++i)
            a.samples[i] = 0.2f * float(std::sin(0.05 * double(i) * (u + 1)));
        const std::string wav = dir + "/u" + std::to_string(u) + ".wav";
        audio::writeWav(wav, a);
        list.push_back({"u" + std::to_string(u), wav, "一二三", 1.0, "s"});
    }
    data::writeWenetList(dir + "/data.list", list);
    // A vocabulary of --vocab units.
    std::ofstream units(dir + "/units.txt");
    units << "<blank> 0\n<unk> 1\n";
    for (int id = 2; id < g_settings.vocab; ++id) {
        const unsigned cp = 0x4E00 + unsigned(id);
        const char utf8[] = {char(0xE0 | (cp >> 12)), char(0x80 | ((cp >> 6) & 0x3F)), char(0x80 | (cp & 0x3F)), 0};
        units << utf8 << ' ' << id << '\n';
    }
    return dir + "/data.list";
}

std::unique_ptr<train::Trainer> makeTrainer(train::Precision precision)
{
    const std::string manifest = writeTinyCorpus(g_settings.workDir + "/corpus");
    train::TrainConfig c;
    c.data.train = manifest;
    c.data.units = g_settings.workDir + "/corpus/units.txt";
    c.model.config = model::ModelConfig::preset(g_settings.size);
    c.features.cmvn = "none";
    c.precision = precision;
    c.steps = 1000;
    c.threads = g_settings.threads;
    c.seed = 1;
    const std::string run = g_settings.workDir + "/run-" + train::precisionNames().name(precision);
    std::filesystem::remove_all(run);
    auto trainer = std::make_unique<train::Trainer>(c, run);
    job::CancellationToken token;
    job::JobContext context(nullptr, token);
    trainer->prepare(context, false);
    return trainer;
}

train::Batch syntheticBatch()
{
    torch::manual_seed(3);
    const int b = g_settings.batch;
    const int frames = int(g_settings.seconds * 100);
    train::Batch batch;
    batch.features = torch::randn({b, frames, 80});
    batch.featureLengths = torch::full({b}, frames, torch::kInt64);
    for (int i = 1; i < b; i += 2)
        batch.featureLengths[i] = frames - frames / 5;  // some padding, as real batches have
    const int tokens = int(g_settings.seconds * 4);  // ~4 characters per second
    batch.targets = torch::randint(2, g_settings.vocab, {b, tokens}, torch::kInt64);
    batch.targetLengths = torch::full({b}, tokens, torch::kInt64);
    for (int i = 0; i < b; ++i)
        batch.utterances.push_back(i);
    batch.frames = batch.featureLengths.sum().item<int64_t>();
    return batch;
}

void trainSteps(benchmark::State& state, train::Precision precision)
{
    auto trainer = makeTrainer(precision);
    const train::Batch batch = syntheticBatch();
    for (int i = 0; i < 2; ++i) {  // warm-up: oneDNN primitive creation, allocator
        trainer->forwardBackward(batch);
        trainer->optimizerStep();
    }
    for (auto _ : state) {
        trainer->forwardBackward(batch);
        trainer->optimizerStep();
    }
    const double utterances = double(state.iterations()) * double(batch.utterances.size());
    state.counters["utt_per_s"] = benchmark::Counter(utterances, benchmark::Counter::kIsRate);
    state.counters["frames_per_s"] =
        benchmark::Counter(double(state.iterations()) * double(batch.frames), benchmark::Counter::kIsRate);
    state.SetLabel(trainer->model().description() + ", batch " + std::to_string(g_settings.batch) + " x "
                   + std::to_string(int(g_settings.seconds)) + " s, " + std::to_string(torch::get_num_threads())
                   + " threads");
}

class RateCollector : public benchmark::ConsoleReporter {
public:
    void ReportRuns(const std::vector<Run>& runs) override
    {
        for (const Run& run : runs)
            if (auto it = run.counters.find("utt_per_s"); it != run.counters.end())
                g_uttPerSecond[run.run_name.function_name] = it->second.value;
        ConsoleReporter::ReportRuns(runs);
    }
};

} // namespace

int main(int argc, char** argv)
{
    std::vector<char*> rest = benchreport::takeOptions(argc, argv, {
        {"--size", [](const std::string& v) { g_settings.size = v; }},
        {"--batch", [](const std::string& v) { g_settings.batch = std::stoi(v); }},
        {"--seconds", [](const std::string& v) { g_settings.seconds = std::stod(v); }},
        {"--vocab", [](const std::string& v) { g_settings.vocab = std::stoi(v); }},
        {"--threads", [](const std::string& v) { g_settings.threads = std::stoi(v); }},
    });
    g_settings.workDir = (std::filesystem::temp_directory_path() / ("espalier-bench-train-" + std::to_string(::getpid()))).string();
    model::configureTorchThreads(g_settings.threads);

    benchmark::RegisterBenchmark("train_step/fp32", trainSteps, train::Precision::Fp32)->Unit(benchmark::kMillisecond)->MinTime(10.0);
    benchmark::RegisterBenchmark("train_step/bf16", trainSteps, train::Precision::Bf16)->Unit(benchmark::kMillisecond)->MinTime(10.0);
    int count = int(rest.size());
    benchmark::Initialize(&count, rest.data());
    RateCollector reporter;
    benchmark::RunSpecifiedBenchmarks(&reporter);
    benchmark::Shutdown();
    std::filesystem::remove_all(g_settings.workDir);

    const auto fp32 = g_uttPerSecond.find("train_step/fp32");
    const auto bf16 = g_uttPerSecond.find("train_step/bf16");
    if (fp32 != g_uttPerSecond.end() && bf16 != g_uttPerSecond.end() && fp32->second > 0)
        std::printf("\nfp32 %.2f utt/s, bf16 %.2f utt/s: bf16 / fp32 = %.2fx (target >= 1.8x)\n", fp32->second,
                    bf16->second, bf16->second / fp32->second);
    return 0;
}
