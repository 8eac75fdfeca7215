// espalier-cli features / cmvn: the shared Kaldi fbank front end.
#include "app/cli/commands.h"
#include "core/audio/audio_file.h"
#include "core/data/global_cmvn.h"
#include "core/io/npy.h"
#include "core/runtime/fbank.h"

namespace espalier::cli {

namespace {
void addFbankOptions(CLI::App* cmd, runtime::FbankOptions& options)
{
    cmd->add_option("--bins", options.numMelBins, "Mel bins")->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--rate", options.sampleRate, "Sample rate the audio is resampled to")
        ->capture_default_str()->check(CLI::PositiveNumber);
    cmd->add_option("--dither", options.dither, "Dither (0 at inference)")->capture_default_str();
}
} // namespace

void addFeaturesCommands(CLI::App& app, const CliContext& context, Action& action)
{
    struct Args {
        std::string wav, out, manifest;
        runtime::FbankOptions fbank;
    };
    auto args = std::make_shared<Args>();

    CLI::App* features = app.add_subcommand(
        "features", "Compute Kaldi-compatible log-mel fbank of one audio file and write it as .npy (frames x bins, float32)");
    features->add_option("wav", args->wav, "Audio file (WAV, FLAC, OGG, ...)")->required();
    features->add_option("--out", args->out, "Output .npy file")->required();
    addFbankOptions(features, args->fbank);
    features->callback([&context, &action, args] {
        action = [&context, args] {
            const audio::Audio wav = audio::readAudio(args->wav, args->fbank.sampleRate);
            runtime::Fbank fbank(args->fbank);
            const runtime::FeatureMatrix feats = fbank.compute(wav.samples);
            io::writeNpy(args->out, feats.data.data(), {size_t(feats.frames), size_t(feats.bins)});
            if (context.json)
                context.printJson({{"out", args->out}, {"frames", feats.frames}, {"bins", feats.bins},
                                   {"duration_s", wav.duration()}});
            else
                std::printf("wrote %d x %d fbank features of %s (%.2f s) to %s\n", feats.frames, feats.bins,
                            args->wav.c_str(), wav.duration(), args->out.c_str());
            return kExitOk;
        };
    });

    CLI::App* cmvn = app.add_subcommand(
        "cmvn", "Compute global CMVN statistics over a manifest (WeNet global_cmvn JSON)");
    cmvn->add_option("manifest", args->manifest, "Manifest: Kaldi dir, WeNet data.list, NeMo manifest")->required();
    cmvn->add_option("--out", args->out, "Output JSON file")->required();
    addFbankOptions(cmvn, args->fbank);
    cmvn->callback([&context, &action, args] {
        action = [&context, args] {
            data::GlobalCmvnJob job(args->manifest, args->out, args->fbank);
            return context.runJob(job);
        };
    });
}

} // namespace espalier::cli
