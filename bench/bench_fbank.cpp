// Fbank throughput: 10 s of 16 kHz audio per iteration, single-threaded. The x_realtime counter is
// audio seconds per compute second.
#include "core/runtime/fbank.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <vector>

namespace {

std::vector<float> makeAudio(int rate, double seconds)
{
    std::vector<float> x(static_cast<size_t>(rate * seconds));
    std::uint64_t state = 12345;
    for (size_t i = 0; i < x.size(); ++i) {
        state = state * 6364136223846793005ull + 1442695040888963407ull;
        const double noise = static_cast<double>(state >> 40) / 16777216.0 - 0.5;
        const double t = static_cast<double>(i) / rate;
        x[i] = static_cast<float>(0.3 * std::sin(2.0 * 3.141592653589793 * (200.0 + 150.0 * t) * t) + 0.01 * noise);
    }
    return x;
}

void BM_Fbank(benchmark::State& state)
{
    const int rate = 16000;
    const double seconds = 10.0;
    const std::vector<float> audio = makeAudio(rate, seconds);
    espalier::runtime::FbankOptions options;
    options.sampleRate = rate;
    options.numMelBins = static_cast<int>(state.range(0));
    espalier::runtime::Fbank fbank(options);
    for (auto _ : state) {
        auto features = fbank.compute(audio);
        benchmark::DoNotOptimize(features.data.data());
        benchmark::ClobberMemory();
    }
    state.counters["x_realtime"] =
        benchmark::Counter(seconds * static_cast<double>(state.iterations()), benchmark::Counter::kIsRate);
    state.counters["frames"] = fbank.numFrames(static_cast<std::int64_t>(audio.size()));
}

void BM_FbankConstruct(benchmark::State& state)
{
    espalier::runtime::FbankOptions options;
    for (auto _ : state) {
        espalier::runtime::Fbank fbank(options);
        benchmark::DoNotOptimize(&fbank);
    }
}

} // namespace

BENCHMARK(BM_Fbank)->Arg(80)->Unit(benchmark::kMillisecond);
BENCHMARK(BM_FbankConstruct)->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
