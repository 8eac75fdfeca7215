// espalier-run fbank: the runtime's front end on a WAV, timed.
#include "app/run/run_args.h"
#include "app/run/run_commands.h"
#include "core/runtime/error.h"
#include "core/runtime/fbank.h"
#include "core/runtime/json_writer.h"
#include "core/runtime/latency_stats.h"
#include "core/runtime/wav_reader.h"

#include <chrono>
#include <cstdint>
#include <iostream>
#include <sstream>

namespace espalier::run {

namespace {
constexpr int kModelRate = 16000;
}

int runFbank(const Args& args)
{
    ArgParser p("fbank", "espalier-run fbank WAV [--bins N] [--runs R] [--rate HZ] [--json]");
    p.option("--bins");
    p.option("--runs");
    p.option("--rate");
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    if (p.positional().empty())
        throw InputError("fbank: missing WAV file (usage: espalier-run fbank WAV [--bins N] [--runs R])");
    if (p.positional().size() > 1)
        throw InputError("fbank: one WAV file expected, got a second one: '" + p.positional()[1] + "'");
    const std::string wavPath = p.positional()[0];
    const int bins = int(p.integer("--bins", 80, 3, 4096));
    const int runs = int(p.integer("--runs", 10, 1, 1000000));
    const int rate = int(p.integer("--rate", 0, 1, 1000000));

    const runtime::WavData wav = runtime::readWav(wavPath);
    if (rate == 0 && wav.sampleRate != kModelRate)
        throw InputError("'" + wavPath + "' is " + std::to_string(wav.sampleRate) + " Hz; espalier-run cannot resample: "
                         + "convert it to " + std::to_string(kModelRate) + " Hz, or pass --rate "
                         + std::to_string(wav.sampleRate) + " to compute features at its own rate");
    if (rate != 0 && wav.sampleRate != rate)
        throw InputError("'" + wavPath + "' is " + std::to_string(wav.sampleRate) + " Hz but --rate is "
                         + std::to_string(rate) + "; espalier-run cannot resample");

    runtime::FbankOptions options;
    options.sampleRate = wav.sampleRate;
    options.numMelBins = bins;
    runtime::Fbank fbank(options);
    const auto numSamples = static_cast<std::int64_t>(wav.samples.size());
    if (fbank.numFrames(numSamples) == 0)
        throw InputError("'" + wavPath + "' holds " + std::to_string(numSamples) + " samples, fewer than one "
                         + std::to_string(fbank.frameLength()) + "-sample frame");

    std::vector<double> seconds;
    runtime::FeatureMatrix features;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        features = fbank.compute(wav.samples);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double perRun = runtime::summarize(seconds).median;
    const double duration = static_cast<double>(numSamples) / wav.sampleRate;
    const double realtime = perRun > 0.0 ? duration / perRun : 0.0;

    if (p.has("--json")) {
        runtime::JsonWriter j;
        j.beginObject()
            .field("file", wavPath)
            .field("sample_rate", wav.sampleRate)
            .field("channels", wav.channels)
            .field("duration_s", duration)
            .field("frames", features.frames)
            .field("bins", features.bins)
            .field("runs", runs)
            .field("median_ms", perRun * 1e3)
            .field("x_realtime", realtime)
            .endObject();
        std::cout << j.str() << "\n";
        return kExitOk;
    }
    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(3);
    out << "file:       " << wavPath << "\n"
        << "audio:      " << wav.sampleRate << " Hz, " << wav.channels << " channel(s), " << duration << " s\n"
        << "features:   " << features.frames << " frames x " << features.bins << " bins\n"
        << "time:       " << perRun * 1e3 << " ms per run (median of " << runs << ")\n";
    out.precision(0);
    out << "speed:      " << realtime << "x real time\n";
    std::cout << out.str();
    return kExitOk;
}

} // namespace espalier::run
