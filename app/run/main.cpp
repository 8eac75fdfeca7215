// espalier-run: the on-device runner. Links only the runtime (no Qt, no LibTorch), statically, so the
// one binary runs on a board or phone as it is. Each subcommand lives in a *_command.cpp.
#include "app/run/run_commands.h"
#include "core/runtime/error.h"

#include <iostream>

#ifndef ESPALIER_VERSION
#define ESPALIER_VERSION "unknown"
#endif

namespace espalier::run {

const char* const kHelp =
    "espalier-run " ESPALIER_VERSION " - Espalier's on-device runner\n"
    "\n"
    "Usage:\n"
    "  espalier-run --version\n"
    "  espalier-run --help\n"
    "  espalier-run fbank WAV [--bins N] [--runs R] [--rate HZ] [--json]\n"
    "  espalier-run info MODEL.espm\n"
    "  espalier-run transcribe MODEL.espm WAV [--threads N] [--logprobs OUT.f32] [--json]\n"
    "  espalier-run bench MODEL.espm [--frames T | --wav WAV ...] [--threads N] [--cpus LIST]\n"
    "                     [--warmup W] [--runs R] [--json]\n"
    "  espalier-run layout MODEL.espm [--frames T] [--json]\n"
    "  espalier-run device [--json]\n"
    "  espalier-run selfcheck [--json]\n"
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
    "          --logprobs F  also write the T x V log-probabilities as little-endian float32 to F\n"
    "  bench   Time the model after W warm-up runs (default 3) over R runs (default 20): on T frames of\n"
    "          random features (default 600 = 6 s; the encoder alone), or end to end (fbank, encoder,\n"
    "          greedy CTC) on each --wav. Prints min/median/p90/max/std ms, time per layer and per op,\n"
    "          bytes the matrix products move per inference, peak RSS, the CPU and its clusters, and\n"
    "          each core's frequency and the temperatures before and after.\n"
    "          --threads N  compute threads (default 1)\n"
    "          --cpus LIST  pin the process to these CPUs first (e.g. 4-7: a big cluster)\n"
    "  layout  Time each CSR weight of the model both ways, CSR and dense, at T frames (default 128) on\n"
    "          this CPU: what `espalier-cli export --sparse auto --device` chooses by.\n"
    "  device  The CPU (cores decoded, clusters by maximum frequency), memory, OS, frequencies, temperatures.\n"
    "  selfcheck  Every sparse and dense kernel this CPU runs, on one and several threads, against a\n"
    "          double-precision reference; exit 1 on any mismatch.\n"
    "\n"
    "Exit status: 0 success, 2 bad input (arguments or files), 1 other failure.\n";

namespace {

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
    if (command == "layout")
        return runLayout(rest);
    if (command == "device")
        return runDevice(rest);
    if (command == "selfcheck")
        return runSelfcheck(rest);
    throw InputError("unknown subcommand '" + command + "' (see espalier-run --help)");
}

} // namespace

} // namespace espalier::run

int main(int argc, char** argv)
{
    using namespace espalier::run;
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
