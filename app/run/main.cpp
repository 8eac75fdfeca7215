// espalier-run: the on-device runner. Links only the runtime (no Qt, no LibTorch), so arguments are
// parsed by hand. Each subcommand is one function taking the arguments after its name.
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
#include <cstdlib>
#include <iostream>
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
