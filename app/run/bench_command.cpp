// espalier-run bench: the model's latency on this device, as mobile benchmark tools report it
// (warm-up, runs, percentiles, per-layer profile, peak memory), with the CPU state before and after.
#include "app/run/device_json.h"
#include "app/run/run_args.h"
#include "app/run/run_commands.h"
#include "core/runtime/asr_runtime.h"
#include "core/runtime/device_info.h"
#include "core/runtime/error.h"
#include "core/runtime/json_writer.h"
#include "core/runtime/latency_stats.h"
#include "core/runtime/spmm.h"
#include "core/runtime/thread_pool.h"
#include "core/runtime/wav_reader.h"

#include <sched.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <sstream>

namespace espalier::run {

namespace {

const char* const kUsage = "espalier-run bench MODEL.espm [--frames T | --wav WAV ...] [--threads N] [--cpus LIST] "
                           "[--warmup W] [--runs R] [--json]";

void pinTo(const std::string& list)
{
    const std::vector<int> cpus = runtime::parseCpuList(list);
    cpu_set_t set;
    CPU_ZERO(&set);
    for (const int c : cpus) {
        if (c >= CPU_SETSIZE)
            throw InputError("--cpus: CPU " + std::to_string(c) + " is beyond what this system can address");
        CPU_SET(c, &set);
    }
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        throw InputError("--cpus " + list + ": this device has no such CPUs online (sched_setaffinity failed)");
}

struct Utterance {
    std::string path;
    std::vector<float> samples;
    double seconds = 0.0;
    std::vector<double> ms;
};

double elapsedMs(std::chrono::steady_clock::time_point since)
{
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - since).count();
}

void writeSummary(runtime::JsonWriter& j, const runtime::LatencySummary& s)
{
    j.field("min_ms", s.min)
        .field("median_ms", s.median)
        .field("p90_ms", s.p90)
        .field("max_ms", s.max)
        .field("mean_ms", s.mean)
        .field("std_ms", s.std);
}

void writeProfile(runtime::JsonWriter& j, const std::vector<runtime::ProfileEntry>& entries, double perRun)
{
    for (const runtime::ProfileEntry& e : entries)
        j.field(e.name, e.us / 1000.0 / perRun);
}

} // namespace

int runBench(const Args& args)
{
    ArgParser p("bench", kUsage);
    for (const char* o : {"--frames", "--wav", "--threads", "--cpus", "--warmup", "--runs"})
        p.option(o);
    p.flag("--json");
    if (!p.parse(args)) {
        std::cout << kHelp;
        return kExitOk;
    }
    p.requirePositional({"MODEL.espm"});
    if (p.has("--frames") && p.has("--wav"))
        throw InputError("bench: give --frames (random features) or --wav (real utterances), not both");
    const int frames = int(p.integer("--frames", 600, 7, 100000));
    const int warmup = int(p.integer("--warmup", 3, 0, 1000));
    const int runs = int(p.integer("--runs", 20, 1, 100000));
    const int threads = int(p.integer("--threads", 1, 1, 256));
    if (p.has("--cpus"))
        pinTo(p.value("--cpus"));  // first, so the compute threads inherit the mask
    runtime::setComputeThreads(threads);

    const std::string modelPath = p.positional()[0];
    const auto loadStart = std::chrono::steady_clock::now();
    runtime::AsrRuntime rt(runtime::readEspm(modelPath), modelPath);
    const double loadMs = elapsedMs(loadStart);

    std::vector<Utterance> utterances;
    for (const std::string& path : p.values("--wav")) {
        runtime::WavData wav = runtime::readWav(path);
        if (wav.sampleRate != rt.frontEnd().sampleRate)
            throw InputError("'" + path + "' is " + std::to_string(wav.sampleRate) + " Hz; the model expects "
                             + std::to_string(rt.frontEnd().sampleRate) + " Hz (espalier-run cannot resample)");
        Utterance u;
        u.path = path;
        u.seconds = double(wav.samples.size()) / wav.sampleRate;
        u.samples = std::move(wav.samples);
        utterances.push_back(std::move(u));
    }
    std::vector<float> features;
    if (utterances.empty()) {
        std::mt19937 rng(1);
        std::normal_distribution<float> d;
        features.resize(size_t(frames) * size_t(rt.inputDim()));
        for (float& v : features)
            v = d(rng);
    }
    // One inference: the encoder on the random features, or each utterance end to end.
    auto inferOnce = [&](std::vector<double>* ms) {
        if (utterances.empty()) {
            const auto start = std::chrono::steady_clock::now();
            rt.logProbs(features.data(), frames);
            if (ms)
                ms->push_back(elapsedMs(start));
            return;
        }
        for (Utterance& u : utterances) {
            const auto start = std::chrono::steady_clock::now();
            try {
                rt.transcribe(u.samples);
            } catch (const InputError&) {
                throw InputError("'" + u.path + "' is too short to transcribe");
            }
            if (ms) {
                const double t = elapsedMs(start);
                ms->push_back(t);
                u.ms.push_back(t);
            }
        }
    };

    const runtime::MachineState before = runtime::readMachineState();
    for (int i = 0; i < warmup; ++i)
        inferOnce(nullptr);
    rt.resetProfile();
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i)
        inferOnce(&ms);
    const runtime::MachineState after = runtime::readMachineState();
    const runtime::LatencySummary summary = runtime::summarize(ms);
    const double inferences = double(ms.size());
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    const runtime::DeviceInfo device = runtime::readDeviceInfo();

    if (p.has("--json")) {
        runtime::JsonWriter j;
        j.beginObject()
            .field("runner", "espalier-run " ESPALIER_VERSION)
            .field("model", modelPath)
            .field("input", utterances.empty() ? "features" : "wav")
            .field("frames", utterances.empty() ? frames : 0)
            .field("threads", threads)
            .field("affinity", currentAffinity())
            .field("warmup", warmup)
            .field("runs", runs)
            .field("load_ms", loadMs)
            .field("kernel", runtime::spmmKernelName());
        writeSummary(j, summary);
        j.key("latencies_ms").beginArray();
        for (const double v : ms)
            j.value(v);
        j.endArray();
        j.key("utterances").beginArray();
        for (const Utterance& u : utterances) {
            j.beginObject().field("wav", u.path).field("audio_s", u.seconds);
            writeSummary(j, runtime::summarize(u.ms));
            j.endObject();
        }
        j.endArray();
        j.key("layers_ms").beginObject();
        writeProfile(j, rt.layerProfile(), inferences);
        j.endObject().key("profile_ms").beginObject();
        writeProfile(j, rt.opProfile(), inferences);
        j.endObject()
            .field("bytes_per_inference", rt.bytesMoved())
            .field("peak_rss_kb", static_cast<long long>(usage.ru_maxrss));
        j.key("device");
        writeDeviceInfo(j, device);
        j.key("before");
        writeMachineState(j, before);
        j.key("after");
        writeMachineState(j, after);
        j.endObject();
        std::cout << j.str() << "\n";
        return kExitOk;
    }

    std::ostringstream out;
    out.setf(std::ios::fixed);
    out.precision(2);
    out << modelPath << ": ";
    if (utterances.empty())
        out << frames << " frames of random features (encoder only)";
    else
        out << utterances.size() << " utterance(s) end to end";
    out << ", " << runs << " runs after " << warmup << " warm-up, " << threads << " thread(s) on CPUs "
        << currentAffinity() << "\n"
        << "  " << device.cpu << "; sparse kernel " << runtime::spmmKernelName() << "\n"
        << "  min " << summary.min << " ms, median " << summary.median << " ms, p90 " << summary.p90 << " ms, max "
        << summary.max << " ms, std " << summary.std << " ms; load " << loadMs << " ms\n"
        << "  peak RSS " << usage.ru_maxrss / 1024 << " MiB; matrix products move "
        << double(rt.bytesMoved()) / 1e6 << " MB per inference\n"
        << "  per layer (ms per inference):\n";
    for (const runtime::ProfileEntry& e : rt.layerProfile())
        out << "    " << e.name << std::string(e.name.size() < 24 ? 24 - e.name.size() : 1, ' ') << e.us / 1000.0 / inferences
            << "\n";
    out << "  per op (ms per inference):\n";
    for (const runtime::ProfileEntry& e : rt.opProfile())
        out << "    " << e.name << std::string(e.name.size() < 24 ? 24 - e.name.size() : 1, ' ') << e.us / 1000.0 / inferences
            << "\n";
    auto describeState = [](const runtime::MachineState& s) {
        std::ostringstream t;
        long top = 0;
        for (const long f : s.curKHz)
            top = std::max(top, f);
        double hottest = -1e9;
        for (const auto& r : s.temperatures)
            hottest = std::max(hottest, r.celsius);
        t << (top > 0 ? std::to_string(top / 1000) + " MHz max" : std::string("frequency unknown")) << ", "
          << (s.temperatures.empty() ? std::string("no thermal zones") : std::to_string(int(hottest)) + " °C hottest zone");
        return t.str();
    };
    out << "  before: " << describeState(before) << "; after: " << describeState(after) << "\n";
    std::cout << out.str();
    return kExitOk;
}

} // namespace espalier::run
