// Dense inference latency before and after structured pruning, side by side in one run: the same
// model with half of every feed-forward module's hidden units removed physically, then half of the
// heads too, then half of the subsampling convolutions' channels too (channels chosen by feature-map importance on a random calibration batch;
// latency does not depend on which ones). Forward pass only, float32, no gradients, eval mode.
// Reports median milliseconds per utterance and each variant's speed-up over the dense model. Not a test.
//   espalier_bench_shrink_latency [--size small|base|tiny] [--model CKPT|RUN] [--frames 600] [--batch 1] [--threads 1]
#include "bench/bench_models.h"
#include "bench/bench_report.h"
#include "core/model/torch_setup.h"

#include <benchmark/benchmark.h>
#include <torch/torch.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>

using namespace espalier;

namespace {

struct Settings {
    std::string size = "small";
    std::string model;  // a trained checkpoint instead of a preset
    int frames = 600;   // 6 s of fbank
    int batch = 1;
    int threads = 1;
};
Settings g_settings;
std::map<std::string, std::unique_ptr<model::AsrModel>> g_models;
std::map<std::string, double> g_medianMs;

void forward(benchmark::State& state, const std::string& variant)
{
    model::AsrModel& m = *g_models.at(variant);
    torch::manual_seed(3);
    const torch::Tensor features = torch::randn({g_settings.batch, g_settings.frames, m.inputDim()});
    const torch::Tensor lengths = torch::full({g_settings.batch}, g_settings.frames, torch::kInt64);
    torch::NoGradGuard noGrad;
    for (int i = 0; i < 3; ++i)
        m.forward(features, lengths);
    for (auto _ : state)
        benchmark::DoNotOptimize(m.forward(features, lengths).logProbs.data_ptr<float>());
    state.SetLabel(m.description());
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<char*> rest = benchreport::takeOptions(argc, argv, {
        {"--size", [](const std::string& v) { g_settings.size = v; }},
        {"--model", [](const std::string& v) { g_settings.model = v; }},
        {"--frames", [](const std::string& v) { g_settings.frames = std::stoi(v); }},
        {"--batch", [](const std::string& v) { g_settings.batch = std::stoi(v); }},
        {"--threads", [](const std::string& v) { g_settings.threads = std::stoi(v); }},
    });
    model::configureTorchThreads(g_settings.threads);
    g_models["dense"] = benchmodels::denseModel(g_settings.model, g_settings.size);
    using K = prune::ChannelKind;
    g_models["ffn_half"] = benchmodels::shrunk(*g_models["dense"], 0.5, {K::FeedForward});
    g_models["ffn_heads_half"] = benchmodels::shrunk(*g_models["dense"], 0.5, {K::FeedForward, K::Heads});
    g_models["ffn_heads_conv_half"] = benchmodels::shrunk(*g_models["dense"], 0.5, {K::FeedForward, K::Heads, K::Subsampling});

    const char* variants[] = {"dense", "ffn_half", "ffn_heads_half", "ffn_heads_conv_half"};
    for (const char* v : variants)
        benchmark::RegisterBenchmark((std::string("forward/") + v).c_str(), forward, std::string(v))
            ->Unit(benchmark::kMillisecond)
            ->MinTime(2.0)
            ->Repetitions(5)
            ->ReportAggregatesOnly(true);
    g_medianMs = benchreport::runInterleaved(rest);

    const auto dense = g_medianMs.find("forward/dense");
    if (dense == g_medianMs.end())
        return 0;
    std::printf("\n%d frames x batch %d, %d thread(s), median of 5 repetitions:\n", g_settings.frames, g_settings.batch,
                g_settings.threads);
    for (const char* v : variants) {
        const auto it = g_medianMs.find(std::string("forward/") + v);
        if (it != g_medianMs.end())
            std::printf("  %-20s %8.2f ms  %9lld parameters  speed-up %.2fx\n", v, it->second,
                        (long long)g_models.at(v)->parameterCount(), dense->second / it->second);
    }
    return 0;
}
