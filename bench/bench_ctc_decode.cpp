// CTC decoding speed on model-like log-probabilities: greedy and prefix beam search with and without
// per-frame token pruning. Reports x_realtime: seconds of audio decoded per second (40 ms per frame,
// i.e. 10 ms shift after 4x subsampling).
#include "core/eval/ctc_decode.h"

#include <benchmark/benchmark.h>

#include <cmath>
#include <random>
#include <vector>

namespace {

using namespace espalier::eval;

constexpr int kFrames = 250;  // 10 s of audio
constexpr double kFrameSeconds = 0.04;

// Peaked rows like a trained CTC model's: mostly blank, otherwise one token dominant, with a few
// plausible competitors and a long tail.
std::vector<float> modelLike(int frames, int vocab, unsigned seed)
{
    std::mt19937 rng(seed);
    std::uniform_real_distribution<double> u(0.0, 1.0);
    std::uniform_int_distribution<int> token(1, vocab - 1);
    std::vector<float> data(size_t(frames) * size_t(vocab));
    std::vector<double> logits(static_cast<size_t>(vocab));
    for (int t = 0; t < frames; ++t) {
        for (double& l : logits) l = -8.0 + 2.0 * u(rng);
        const int top = u(rng) < 0.65 ? 0 : token(rng);
        logits[size_t(top)] = 4.0 + 4.0 * u(rng);
        for (int k = 0; k < 3; ++k) logits[size_t(token(rng))] = 2.0 + 4.0 * u(rng);
        logits[0] = std::max(logits[0], 1.0 + 4.0 * u(rng));
        double max = logits[0];
        for (double l : logits) max = std::max(max, l);
        double sum = 0.0;
        for (double l : logits) sum += std::exp(l - max);
        const double norm = max + std::log(sum);
        for (int v = 0; v < vocab; ++v) data[size_t(t) * size_t(vocab) + size_t(v)] = float(logits[size_t(v)] - norm);
    }
    return data;
}

void report(benchmark::State& state)
{
    state.counters["x_realtime"] =
        benchmark::Counter(kFrames * kFrameSeconds * double(state.iterations()), benchmark::Counter::kIsRate);
}

void BM_Greedy(benchmark::State& state)
{
    const int vocab = int(state.range(0));
    const auto data = modelLike(kFrames, vocab, 1);
    const LogProbs lp{kFrames, vocab, data.data()};
    for (auto _ : state) benchmark::DoNotOptimize(ctcGreedy(lp));
    report(state);
}

// Args: vocab, beam, top-k (-1 beam width, 0 all tokens).
void BM_PrefixBeam(benchmark::State& state)
{
    const int vocab = int(state.range(0)), beam = int(state.range(1));
    const TokenPruning pruning{int(state.range(2))};
    const auto data = modelLike(kFrames, vocab, 1);
    const LogProbs lp{kFrames, vocab, data.data()};
    for (auto _ : state) benchmark::DoNotOptimize(ctcPrefixBeamSearch(lp, beam, pruning));
    report(state);
}

} // namespace

BENCHMARK(BM_Greedy)->Arg(500)->Arg(4233)->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_PrefixBeam)
    ->ArgNames({"vocab", "beam", "topk"})
    ->Args({500, 10, -1})
    ->Args({500, 10, 0})
    ->Args({4233, 10, -1})
    ->Args({4233, 10, 0})
    ->Args({4233, 1, -1})
    ->Args({4233, 32, -1})
    ->Unit(benchmark::kMicrosecond);

BENCHMARK_MAIN();
