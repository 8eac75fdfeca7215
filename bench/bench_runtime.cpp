// The runner's end-to-end latency (espalier-run's executor, no LibTorch at run time), side by side in
// one run: the dense model, the same with 70 % of its prunable weights zeroed by one global magnitude
// threshold (exported with the auto policy: each weight CSR or dense, whichever the kernels time
// faster here), and structurally shrunk (half the feed-forward units, heads and subsampling channels
// removed, dense). Encoder on T frames of random fbank, one thread, runs interleaved at random.
// Prints each median and its ratio to the dense model's. Not a test.
//   espalier_bench_runtime [--model CKPT|RUN] [--size demo|small|base] [--frames 600] [--sparsity 0.7] [--threads 1]
#include "bench/bench_models.h"
#include "bench/bench_report.h"
#include "core/deploy/espm_export.h"
#include "core/model/torch_setup.h"
#include "core/runtime/asr_runtime.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"

#include <benchmark/benchmark.h>

#include <cstdio>
#include <filesystem>
#include <map>
#include <random>
#include <string>
#include <vector>

using namespace espalier;

namespace {

struct Settings {
    std::string model, size = "demo";
    int frames = 600;
    double sparsity = 0.7;
    int threads = 1;
};
Settings g_settings;

struct Variant {
    std::string name;
    std::unique_ptr<runtime::AsrRuntime> runtime;
    int csrTensors = 0;
    long long storedValues = 0;
};
std::vector<Variant> g_variants;
std::map<std::string, double> g_medianMs;

void addVariant(const std::string& name, const model::AsrModel& m, train::CheckpointMeta meta, deploy::SparsePolicy policy,
                const std::filesystem::path& dir)
{
    meta.modelConfigYaml = m.config()->toYaml();
    const std::string ckpt = (dir / (name + ".pt")).string(), espm = (dir / (name + ".espm")).string();
    train::saveCheckpoint(ckpt, m, nullptr, meta);
    deploy::ExportOptions options;
    options.policy = policy;
    const deploy::ExportResult r = deploy::exportEspm(ckpt, espm, options);
    Variant v;
    v.name = name;
    v.runtime = std::make_unique<runtime::AsrRuntime>(runtime::readEspm(espm), espm);
    for (const auto& t : r.tensors)
        v.csrTensors += t.sparse ? 1 : 0;
    for (const auto& t : v.runtime->model().tensors)
        v.storedValues += t.sparse ? t.csr.nonzeros() : t.numel();
    g_variants.push_back(std::move(v));
}

void encode(benchmark::State& state, runtime::AsrRuntime* rt)
{
    std::mt19937 rng(3);
    std::normal_distribution<float> d;
    std::vector<float> features(size_t(g_settings.frames) * size_t(rt->inputDim()));
    for (float& v : features)
        v = d(rng);
    for (int i = 0; i < 3; ++i)
        rt->logProbs(features.data(), g_settings.frames);
    for (auto _ : state)
        benchmark::DoNotOptimize(rt->logProbs(features.data(), g_settings.frames).data());
}

} // namespace

int main(int argc, char** argv)
{
    std::vector<char*> rest = benchreport::takeOptions(argc, argv, {
        {"--model", [](const std::string& v) { g_settings.model = v; }},
        {"--size", [](const std::string& v) { g_settings.size = v; }},
        {"--frames", [](const std::string& v) { g_settings.frames = std::stoi(v); }},
        {"--sparsity", [](const std::string& v) { g_settings.sparsity = std::stod(v); }},
        {"--threads", [](const std::string& v) { g_settings.threads = std::stoi(v); }},
    });
    model::configureTorchThreads(1);
    runtime::setComputeThreads(g_settings.threads);
    const std::filesystem::path dir = std::filesystem::temp_directory_path() / "espalier_bench_runtime";
    std::filesystem::create_directories(dir);
    train::CheckpointMeta meta;
    std::unique_ptr<model::AsrModel> dense = benchmodels::denseModel(g_settings.model, g_settings.size, &meta);
    using K = prune::ChannelKind;
    const char sparseName[] = "unstructured";
    addVariant("dense", *dense, meta, deploy::SparsePolicy::Dense, dir);
    addVariant(sparseName, *benchmodels::magnitudePruned(*dense, g_settings.sparsity), meta, deploy::SparsePolicy::Auto, dir);
    addVariant("shrunk", *benchmodels::shrunk(*dense, 0.5, {K::FeedForward, K::Heads, K::Subsampling}), meta,
               deploy::SparsePolicy::Dense, dir);
    std::filesystem::remove_all(dir);

    for (Variant& v : g_variants)
        benchmark::RegisterBenchmark(("encode/" + v.name).c_str(), encode, v.runtime.get())
            ->Unit(benchmark::kMillisecond)
            ->MinTime(1.0)
            ->Repetitions(7)
            ->ReportAggregatesOnly(true);
    g_medianMs = benchreport::runInterleaved(rest);

    const auto base = g_medianMs.find("encode/dense");
    if (base == g_medianMs.end())
        return 0;
    std::printf("\n%s, %d frames, %d thread(s), kernel %s, median of 7 (runs interleaved):\n",
                g_settings.model.empty() ? ("preset " + g_settings.size + ", random weights").c_str() : g_settings.model.c_str(),
                g_settings.frames, g_settings.threads, runtime::spmmKernelName().c_str());
    for (const Variant& v : g_variants) {
        const auto it = g_medianMs.find("encode/" + v.name);
        if (it == g_medianMs.end())
            continue;
        std::printf("  %-14s %8.2f ms  %.2fx dense  %9lld values stored, %d tensors CSR\n", v.name.c_str(), it->second,
                    it->second / base->second, v.storedValues, v.csrTensors);
    }
    for (const Variant& v : g_variants) {
        std::printf("  %s, time per op (last runs):", v.name.c_str());
        double total = 0.0;
        for (const auto& e : v.runtime->opProfile())
            total += e.us;
        for (const auto& e : v.runtime->opProfile())
            std::printf(" %s %.0f%%", e.name.c_str(), total > 0 ? 100.0 * e.us / total : 0.0);
        std::printf("\n");
    }
    return 0;
}
