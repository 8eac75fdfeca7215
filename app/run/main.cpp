// espalier-run: the on-device runner. Links only the runtime (no Qt, no LibTorch), so arguments are
// parsed by hand. Each subcommand is one function taking the arguments after its name.
#include "runtime/asr_runtime.h"
#include "runtime/error.h"
#include "runtime/espm.h"
#include "runtime/fbank.h"
#include "runtime/spmm.h"
#include "runtime/wav_reader.h"

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <sys/resource.h>
#include <sstream>
#include <string>
#include <vector>

#ifndef ESPALIER_VERSION
#define ESPALIER_VERSION "unknown"
#endif

namespace {

constexpr int kExitOk = 0;
constexpr int kExitFailure = 1;
constexpr int kExitBadInput = 2;
constexpr int kModelRate = 16000;

using Args = std::vector<std::string>;

const char* const kHelp =
    "espalier-run " ESPALIER_VERSION " - Espalier's on-device runner\n"
    "\n"
    "Usage:\n"
    "  espalier-run --version\n"
    "  espalier-run --help\n"
    "  espalier-run fbank WAV [--bins N] [--runs R] [--rate HZ] [--json]\n"
    "  espalier-run info MODEL.espm\n"
    "  espalier-run transcribe MODEL.espm WAV\n"
    "  espalier-run bench MODEL.espm [--frames T] [--warmup W] [--runs R] [--json]\n"
    "\n"
    "Subcommands:\n"
    "  fbank   Compute Kaldi-compatible log-mel features of a WAV file R times and report\n"
    "          frames, bins, the median time per run and the speed in multiples of real time.\n"
    "          --bins N    mel bins (default 80)\n"
    "          --runs R    timed runs (default 10)\n"
    "          --rate HZ   sample rate the WAV must have (default 16000; the runner cannot resample)\n"
    "          --json      print one JSON object instead of text\n"
    "  info    Check an .espm model (magic, version, sizes, checksums) and list its sections, architecture,\n"
    "          vocabulary size and tensors (dense or CSR, density), with the sparse kernel this CPU runs.\n"
    "  transcribe  Features with the model's front end, the encoder, greedy CTC: prints the text.\n"
    "  bench   Time the encoder on T frames of features (default 600 = 6 s) after W warm-up runs\n"
    "          (default 3) over R runs (default 20): min/median/p90/max/std ms, time per op kind,\n"
    "          peak RSS and the CPU; --json prints one JSON object.\n"
    "\n"
    "Exit status: 0 success, 2 bad input (arguments or files), 1 other failure.\n";

[[noreturn]] void badArgument(const std::string& message) { throw espalier::InputError(message); }

// Splits "--name=value" and "--name value" forms; returns the value and advances i.
std::string optionValue(const Args& args, size_t& i, const std::string& name)
{
    const std::string& arg = args[i];
    if (arg.size() > name.size() && arg.compare(0, name.size(), name) == 0 && arg[name.size()] == '=')
        return arg.substr(name.size() + 1);
    if (i + 1 >= args.size())
        badArgument(name + " needs a value");
    return args[++i];
}

bool isOption(const std::string& arg, const std::string& name)
{
    return arg == name || (arg.size() > name.size() && arg.compare(0, name.size() + 1, name + "=") == 0);
}

long parseInteger(const std::string& name, const std::string& text, long min, long max)
{
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max)
        badArgument(name + " expects an integer from " + std::to_string(min) + " to " + std::to_string(max)
                    + ", got '" + text + "'");
    return v;
}

std::string jsonString(const std::string& s)
{
    std::string out = "\"";
    for (const char c : s) {
        switch (c) {
        case '"': out += "\\\""; break;
        case '\\': out += "\\\\"; break;
        case '\n': out += "\\n"; break;
        case '\r': out += "\\r"; break;
        case '\t': out += "\\t"; break;
        default:
            if (static_cast<unsigned char>(c) < 0x20) {
                char buf[8];
                std::snprintf(buf, sizeof buf, "\\u%04x", static_cast<unsigned>(c));
                out += buf;
            } else {
                out += c;
            }
        }
    }
    return out + "\"";
}

double median(std::vector<double> values)
{
    std::sort(values.begin(), values.end());
    const size_t n = values.size();
    return n % 2 ? values[n / 2] : 0.5 * (values[n / 2 - 1] + values[n / 2]);
}

int runFbank(const Args& args)
{
    std::string wavPath;
    int bins = 80;
    int runs = 10;
    int rate = 0;
    bool json = false;
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (isOption(arg, "--bins"))
            bins = static_cast<int>(parseInteger("--bins", optionValue(args, i, "--bins"), 3, 4096));
        else if (isOption(arg, "--runs"))
            runs = static_cast<int>(parseInteger("--runs", optionValue(args, i, "--runs"), 1, 1000000));
        else if (isOption(arg, "--rate"))
            rate = static_cast<int>(parseInteger("--rate", optionValue(args, i, "--rate"), 1, 1000000));
        else if (arg == "--json")
            json = true;
        else if (arg == "--help" || arg == "-h") {
            std::cout << kHelp;
            return kExitOk;
        } else if (!arg.empty() && arg[0] == '-' && arg != "-")
            badArgument("fbank: unknown option '" + arg + "' (see espalier-run --help)");
        else if (wavPath.empty())
            wavPath = arg;
        else
            badArgument("fbank: one WAV file expected, got a second one: '" + arg + "'");
    }
    if (wavPath.empty())
        badArgument("fbank: missing WAV file (usage: espalier-run fbank WAV [--bins N] [--runs R])");

    const espalier::runtime::WavData wav = espalier::runtime::readWav(wavPath);
    if (rate == 0 && wav.sampleRate != kModelRate)
        badArgument("'" + wavPath + "' is " + std::to_string(wav.sampleRate) + " Hz; espalier-run cannot resample: "
                    + "convert it to " + std::to_string(kModelRate) + " Hz, or pass --rate "
                    + std::to_string(wav.sampleRate) + " to compute features at its own rate");
    if (rate != 0 && wav.sampleRate != rate)
        badArgument("'" + wavPath + "' is " + std::to_string(wav.sampleRate) + " Hz but --rate is "
                    + std::to_string(rate) + "; espalier-run cannot resample");

    espalier::runtime::FbankOptions options;
    options.sampleRate = wav.sampleRate;
    options.numMelBins = bins;
    espalier::runtime::Fbank fbank(options);
    const auto numSamples = static_cast<std::int64_t>(wav.samples.size());
    if (fbank.numFrames(numSamples) == 0)
        badArgument("'" + wavPath + "' holds " + std::to_string(numSamples) + " samples, fewer than one "
                    + std::to_string(fbank.frameLength()) + "-sample frame");

    std::vector<double> seconds;
    seconds.reserve(static_cast<size_t>(runs));
    espalier::runtime::FeatureMatrix features;
    for (int r = 0; r < runs; ++r) {
        const auto start = std::chrono::steady_clock::now();
        features = fbank.compute(wav.samples);
        seconds.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
    const double perRun = median(seconds);
    const double duration = static_cast<double>(numSamples) / wav.sampleRate;
    const double realtime = perRun > 0.0 ? duration / perRun : 0.0;

    std::ostringstream out;
    if (json) {
        out << "{\"file\":" << jsonString(wavPath) << ",\"sample_rate\":" << wav.sampleRate
            << ",\"channels\":" << wav.channels << ",\"duration_s\":" << duration
            << ",\"frames\":" << features.frames << ",\"bins\":" << features.bins << ",\"runs\":" << runs
            << ",\"median_ms\":" << perRun * 1e3 << ",\"x_realtime\":" << realtime << "}\n";
    } else {
        out.setf(std::ios::fixed);
        out.precision(3);
        out << "file:       " << wavPath << "\n"
            << "audio:      " << wav.sampleRate << " Hz, " << wav.channels << " channel(s), " << duration << " s\n"
            << "features:   " << features.frames << " frames x " << features.bins << " bins\n"
            << "time:       " << perRun * 1e3 << " ms per run (median of " << runs << ")\n";
        out.precision(0);
        out << "speed:      " << realtime << "x real time\n";
    }
    std::cout << out.str();
    return kExitOk;
}

int runInfo(const Args& args)
{
    if (args.size() != 1)
        badArgument("info takes one argument: MODEL.espm");
    const espalier::runtime::EspmModel model = espalier::runtime::readEspm(args[0]);
    std::cout << args[0] << ": " << model.metaValue("graph", "unknown graph") << ", " << model.vocabulary.size()
              << " units, " << model.tensors.size() << " tensors; sparse kernel here: "
              << espalier::runtime::spmmKernelName() << "\n";
    for (const auto& [key, value] : model.meta)
        std::cout << "  " << key << " " << value << "\n";
    long long sparse = 0, nonzeros = 0, elements = 0;
    for (const auto& t : model.tensors) {
        elements += t.numel();
        if (t.sparse) {
            ++sparse;
            nonzeros += t.csr.nonzeros();
            std::cout << "  csr   " << t.name << " " << t.csr.rows << "x" << t.csr.cols << " density "
                      << 100.0 * t.csr.density() << " %" << (t.csr.narrowIndices() ? "" : " (32-bit indices)") << "\n";
        } else {
            nonzeros += t.numel();
        }
    }
    std::cout << "  " << sparse << " of " << model.tensors.size() << " tensors stored CSR; " << nonzeros << " of "
              << elements << " values stored\n";
    return kExitOk;
}

// The front end the model was trained with, from its META.
espalier::runtime::FbankOptions modelFbank(const espalier::runtime::EspmModel& m)
{
    espalier::runtime::FbankOptions o;
    auto num = [&m](const char* key, double fallback) {
        const std::string v = m.metaValue(key);
        return v.empty() ? fallback : std::atof(v.c_str());
    };
    o.sampleRate = int(num("fbank.sample_rate", 16000));
    o.numMelBins = int(num("fbank.num_mel_bins", 80));
    o.frameLengthMs = float(num("fbank.frame_length_ms", 25));
    o.frameShiftMs = float(num("fbank.frame_shift_ms", 10));
    o.preemphasis = float(num("fbank.preemphasis", 0.97));
    o.lowFreq = float(num("fbank.low_freq", 20));
    o.highFreq = float(num("fbank.high_freq", 0));
    o.removeDcOffset = m.metaValue("fbank.remove_dc_offset", "true") == "true";
    o.snipEdges = m.metaValue("fbank.snip_edges", "true") == "true";
    o.dither = 0.0f;
    return o;
}

int runTranscribe(const Args& args)
{
    if (args.size() != 2)
        badArgument("transcribe takes MODEL.espm WAV");
    espalier::runtime::AsrRuntime rt(espalier::runtime::readEspm(args[0]), args[0]);
    const espalier::runtime::FbankOptions options = modelFbank(rt.model());
    const espalier::runtime::WavData wav = espalier::runtime::readWav(args[1]);
    if (wav.sampleRate != options.sampleRate)
        badArgument("'" + args[1] + "' is " + std::to_string(wav.sampleRate) + " Hz; the model expects "
                    + std::to_string(options.sampleRate) + " Hz (espalier-run cannot resample)");
    espalier::runtime::Fbank fbank(options);
    const espalier::runtime::FeatureMatrix features = fbank.compute(wav.samples);
    if (features.frames < 7)
        badArgument("'" + args[1] + "' is too short to transcribe");
    std::cout << rt.greedyText(rt.logProbs(features.data.data(), features.frames)) << "\n";
    return kExitOk;
}

// "model name" on x86, "CPU implementer"/"CPU part" on ARM (reference.md's table decodes them).
std::string cpuDescription()
{
    std::ifstream in("/proc/cpuinfo");
    std::string line, implementer, part;
    while (std::getline(in, line)) {
        const auto value = [&line] { return line.substr(line.find(':') + 2); };
        if (line.rfind("model name", 0) == 0)
            return value();
        if (line.rfind("CPU implementer", 0) == 0 && implementer.empty())
            implementer = value();
        if (line.rfind("CPU part", 0) == 0 && part.empty())
            part = value();
    }
    return implementer.empty() ? "unknown CPU" : "ARM implementer " + implementer + " part " + part;
}

int runBench(const Args& args)
{
    if (args.empty())
        badArgument("bench takes MODEL.espm [--frames T] [--warmup W] [--runs R] [--json]");
    int frames = 600, warmup = 3, runs = 20;
    bool json = false;
    for (size_t i = 1; i < args.size(); ++i) {
        const std::string& a = args[i];
        auto integer = [&](const char* name, int lo, int hi) {
            const int v = std::atoi(optionValue(args, i, name).c_str());
            if (v < lo || v > hi)
                badArgument(std::string(name) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi));
            return v;
        };
        if (a.rfind("--frames", 0) == 0)
            frames = integer("--frames", 7, 100000);
        else if (a.rfind("--warmup", 0) == 0)
            warmup = integer("--warmup", 0, 1000);
        else if (a.rfind("--runs", 0) == 0)
            runs = integer("--runs", 1, 100000);
        else if (a == "--json")
            json = true;
        else
            badArgument("bench: unknown option '" + a + "'");
    }
    espalier::runtime::AsrRuntime rt(espalier::runtime::readEspm(args[0]), args[0]);
    std::mt19937 rng(1);
    std::normal_distribution<float> d;
    std::vector<float> features(size_t(frames) * size_t(rt.inputDim()));
    for (float& v : features)
        v = d(rng);
    for (int i = 0; i < warmup; ++i)
        rt.logProbs(features.data(), frames);
    rt.resetProfile();
    std::vector<double> ms;
    for (int i = 0; i < runs; ++i) {
        const auto start = std::chrono::steady_clock::now();
        rt.logProbs(features.data(), frames);
        ms.push_back(std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
    }
    std::vector<double> sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    double mean = 0.0, var = 0.0;
    for (double v : ms)
        mean += v / double(ms.size());
    for (double v : ms)
        var += (v - mean) * (v - mean) / double(ms.size());
    const auto pick = [&sorted](double q) { return sorted[std::min(sorted.size() - 1, size_t(q * double(sorted.size())))]; };
    rusage usage{};
    getrusage(RUSAGE_SELF, &usage);
    std::ostringstream out;
    if (json) {
        out << "{\"model\":" << jsonString(args[0]) << ",\"frames\":" << frames << ",\"runs\":" << runs
            << ",\"min_ms\":" << sorted.front() << ",\"median_ms\":" << pick(0.5) << ",\"p90_ms\":" << pick(0.9)
            << ",\"max_ms\":" << sorted.back() << ",\"std_ms\":" << std::sqrt(var) << ",\"peak_rss_kb\":" << usage.ru_maxrss
            << ",\"kernel\":" << jsonString(espalier::runtime::spmmKernelName()) << ",\"cpu\":" << jsonString(cpuDescription())
            << ",\"profile_ms\":{";
        bool first = true;
        for (const auto& [kind, us] : rt.profile()) {
            out << (first ? "" : ",") << jsonString(kind) << ":" << us / 1000.0 / runs;
            first = false;
        }
        out << "}}\n";
    } else {
        out << args[0] << ": " << frames << " frames, " << runs << " runs after " << warmup << " warm-up; "
            << cpuDescription() << ", sparse kernel " << espalier::runtime::spmmKernelName() << "\n"
            << "  min " << sorted.front() << " ms, median " << pick(0.5) << " ms, p90 " << pick(0.9) << " ms, max "
            << sorted.back() << " ms, std " << std::sqrt(var) << " ms; peak RSS " << usage.ru_maxrss / 1024 << " MiB\n";
        for (const auto& [kind, us] : rt.profile())
            out << "  " << kind << ": " << us / 1000.0 / runs << " ms per run\n";
    }
    std::cout << out.str();
    return kExitOk;
}

int dispatch(const Args& args)
{
    if (args.empty()) {
        std::cerr << kHelp;
        return kExitBadInput;
    }
    const std::string& command = args[0];
    const Args rest(args.begin() + 1, args.end());
    if (command == "--version" || command == "-V") {
        std::cout << "espalier-run " ESPALIER_VERSION "\n";
        return kExitOk;
    }
    if (command == "--help" || command == "-h" || command == "help") {
        std::cout << kHelp;
        return kExitOk;
    }
    if (command == "fbank")
        return runFbank(rest);
    if (command == "info")
        return runInfo(rest);
    if (command == "transcribe")
        return runTranscribe(rest);
    if (command == "bench")
        return runBench(rest);
    badArgument("unknown subcommand '" + command + "' (see espalier-run --help)");
}

} // namespace

int main(int argc, char** argv)
{
    try {
        return dispatch(Args(argv + 1, argv + argc));
    } catch (const espalier::InputError& e) {
        std::cerr << "espalier-run: error: " << e.what() << "\n";
        return kExitBadInput;
    } catch (const std::exception& e) {
        std::cerr << "espalier-run: error: " << e.what() << "\n";
        return kExitFailure;
    }
}
