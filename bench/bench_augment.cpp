// Augmentation throughput on 10 s of 16 kHz audio, single-threaded: whole pipelines (presets, fbank
// included) and each op alone (draw + apply, no fbank; spec_augment on ready features). x_realtime is
// audio seconds per second of process CPU time, i.e. multiples of real time per core. Each
// benchmark runs 5 repetitions and reports mean, median and spread.
#include "core/augment/op_registry.h"
#include "core/augment/pipeline.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

using namespace espalier;

constexpr int kRate = 16000;
constexpr double kSeconds = 10.0;

augment::Signal makeSignal()
{
    augment::Signal s;
    s.sampleRate = kRate;
    s.samples.resize(size_t(kRate * kSeconds));
    std::uint64_t state = 12345;
    for (size_t i = 0; i < s.samples.size(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const double noise = double(state >> 40) / 16777216.0 - 0.5;
        const double t = double(i) / kRate;
        const double envelope = 0.5 + 0.5 * std::sin(2.0 * M_PI * 2.5 * t);
        s.samples[i] = float(0.3 * envelope * std::sin(2.0 * M_PI * (200.0 + 150.0 * std::sin(t)) * t) + 0.01 * noise);
    }
    return s;
}

void setRate(benchmark::State& state)
{
    state.counters["x_realtime"] =
        benchmark::Counter(kSeconds * double(state.iterations()), benchmark::Counter::kIsRate);
}

// A whole pipeline: resampling-free input, every op drawn afresh per iteration, fbank included.
void pipelineBenchmark(benchmark::State& state, const augment::Pipeline& pipeline)
{
    const augment::Signal input = makeSignal();
    std::uint64_t seed = 1;
    for (auto _ : state) {
        augment::PipelineResult r = pipeline.run(input, seed++);
        benchmark::DoNotOptimize(r.output.features.data.data());
        benchmark::ClobberMemory();
    }
    setRate(state);
}

// One op alone: draw + apply on a copy of the input (the copy is timed too; it is a memcpy).
void opBenchmark(benchmark::State& state, const std::string& type, const augment::ParamMap& params)
{
    augment::OpContext context;
    const auto op = augment::createOp(type, params, context);
    augment::Signal input = makeSignal();
    if (op->domain() == augment::Domain::Features) {
        runtime::Fbank fbank(runtime::FbankOptions{});
        input.features = fbank.compute(input.samples);
    }
    std::uint64_t seed = 1;
    for (auto _ : state) {
        augment::Signal s = input;
        runtime::SeededRandom random(seed++);
        augment::AppliedOp record = op->draw(s, random);
        op->apply(s, record);
        benchmark::DoNotOptimize(s.samples.data());
        benchmark::DoNotOptimize(s.features.data.data());
        benchmark::ClobberMemory();
    }
    setRate(state);
}

void configure(benchmark::internal::Benchmark* b)
{
    b->Unit(benchmark::kMillisecond)->MeasureProcessCPUTime()->Repetitions(5)->DisplayAggregatesOnly(true);
}

void registerAll()
{
    for (const std::string& name : augment::Pipeline::presetNames()) {
        const augment::Pipeline pipeline = augment::Pipeline::preset(name);
        configure(benchmark::RegisterBenchmark(("BM_Pipeline/" + name).c_str(),
                                               [pipeline](benchmark::State& s) { pipelineBenchmark(s, pipeline); }));
    }
    // Fbank alone through the pipeline (no ops), the floor under every preset.
    configure(benchmark::RegisterBenchmark("BM_Pipeline/fbank-only", [](benchmark::State& s) {
        pipelineBenchmark(s, augment::Pipeline::fromYaml("espalier_augment: 1\nops: []\n", "fbank-only"));
    }));

    const std::vector<std::pair<std::string, augment::ParamMap>> ops = {
        {"speed", {{"factors", std::vector<double>{0.9, 1.1}}}},
        {"tempo", {{"factors", std::vector<double>{0.9, 1.1}}}},
        {"crop", {{"ratio", std::vector<double>{0.8, 1.2}}}},
        {"gain", {{"db", std::vector<double>{-10, 10}}}},
        {"noise", {{"snr_db", std::vector<double>{0, 20}}, {"source", std::vector<std::string>{"white", "pink", "brown"}}}},
        {"reverb", {{"rt60", std::vector<double>{0.2, 0.8}}}},
        {"spec_augment", {}},
    };
    for (const auto& [type, params] : ops)
        configure(benchmark::RegisterBenchmark(("BM_Op/" + type).c_str(),
                                               [type = type, params = params](benchmark::State& s) {
                                                   opBenchmark(s, type, params);
                                               }));
}

} // namespace

int main(int argc, char** argv)
{
    registerAll();
    benchmark::Initialize(&argc, argv);
    if (benchmark::ReportUnrecognizedArguments(argc, argv))
        return 1;
    benchmark::RunSpecifiedBenchmarks();
    benchmark::Shutdown();
    return 0;
}
