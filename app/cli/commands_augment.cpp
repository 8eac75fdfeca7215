// espalier-cli augment ...: preview a pipeline on one file, corpus statistics, built-in presets.
#include "app/cli/commands.h"
#include "core/audio/audio_file.h"
#include "core/augment/augment_stats.h"
#include "core/augment/pipeline.h"
#include "core/augment/preview.h"
#include "core/augment/spectrogram_image.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <filesystem>
#include <memory>

namespace espalier::cli {

namespace {

struct PipelineChoice {
    std::string file, preset;
};

void addPipelineOptions(CLI::App* cmd, PipelineChoice& choice)
{
    auto* file = cmd->add_option("--pipeline", choice.file, "Pipeline YAML file (docs/formats/augment.md)");
    auto* preset = cmd->add_option("--preset", choice.preset, "Built-in pipeline (see 'augment presets')");
    file->excludes(preset);
}

std::string presetList()
{
    std::string names;
    for (const auto& n : augment::Pipeline::presetNames())
        names += (names.empty() ? "" : ", ") + n;
    return names;
}

augment::Pipeline loadPipeline(const PipelineChoice& choice)
{
    if (!choice.preset.empty())
        return augment::Pipeline::preset(choice.preset);
    if (choice.file.empty())
        throw InputError("give --pipeline FILE.yaml or --preset NAME (presets: " + presetList() + ")");
    if (!std::filesystem::is_regular_file(choice.file))
        throw InputError("pipeline file not found: " + choice.file);
    return augment::Pipeline::load(choice.file);
}

std::string pipelineLabel(const augment::Pipeline& p, const PipelineChoice& choice)
{
    return !p.name().empty() ? p.name() : !choice.file.empty() ? choice.file : choice.preset;
}

const char* axisName(augment::MaskAxis axis)
{
    return axis == augment::MaskAxis::Time ? "time" : "frequency";
}

// Adds name: value to an object; a name drawn several times (a babble op's files and offsets)
// becomes an array of its values in order.
template <class T>
void addDrawn(nlohmann::ordered_json& object, const std::string& name, const T& value)
{
    if (!object.contains(name)) {
        object[name] = value;
        return;
    }
    nlohmann::ordered_json& slot = object[name];
    if (!slot.is_array())
        slot = nlohmann::ordered_json::array({slot});
    slot.push_back(value);
}

// One AppliedOp as JSON, keeping the drawn values in their order.
nlohmann::ordered_json opJson(const augment::AppliedOp& op)
{
    nlohmann::ordered_json values = nlohmann::ordered_json::object();
    for (const auto& [name, v] : op.values)
        addDrawn(values, name, v);
    nlohmann::ordered_json labels = nlohmann::ordered_json::object();
    for (const auto& [name, v] : op.labels)
        addDrawn(labels, name, v);
    nlohmann::ordered_json masks = nlohmann::ordered_json::array();
    for (const auto& m : op.masks)
        masks.push_back({{"axis", axisName(m.axis)}, {"start", m.start}, {"width", m.width}});
    return {{"type", op.type},     {"index", op.index},   {"applied", op.applied}, {"values", values},
            {"labels", labels},    {"masks", masks},      {"summary", op.summary()}};
}

int preview(const CliContext& context, const std::string& wav, const PipelineChoice& choice, std::uint64_t seed,
            const std::string& outDir)
{
    const augment::Pipeline pipeline = loadPipeline(choice);
    const audio::Audio input = audio::readAudio(wav, pipeline.fbankOptions().sampleRate);
    augment::Signal signal;
    signal.samples = input.samples;
    signal.sampleRate = input.sampleRate;
    const augment::AugmentPreview preview = augment::previewPipeline(pipeline, signal, seed);
    const augment::PipelineResult& result = preview.result;
    const runtime::FeatureMatrix& before = preview.before;
    if (before.frames == 0 || result.output.features.frames == 0)
        throw InputError(wav + ": too short for a spectrogram (" + std::to_string(input.duration())
                         + " s, or shorter than one frame after augmentation)");

    std::filesystem::create_directories(outDir);
    const auto path = [&outDir](const char* name) { return (std::filesystem::path(outDir) / name).string(); };
    audio::Audio out;
    out.sampleRate = result.output.sampleRate;
    out.samples = result.output.samples;
    audio::writeWav(path("augmented.wav"), out);
    // Same colour range for both pictures, so a gain or noise change shows as a colour change.
    augment::SpectrogramStyle style;
    style.fixedRange = true;
    style.range = augment::autoRange(before, style.dynamicRangeDb);
    augment::writeSpectrogramPng(path("before.png"), before, {}, style);
    augment::writeSpectrogramPng(path("after.png"), result.output.features, preview.masks(), style);

    nlohmann::ordered_json ops = nlohmann::ordered_json::array();
    for (const auto& op : result.applied)
        ops.push_back(opJson(op));
    const nlohmann::ordered_json doc = {
        {"input", wav},
        {"pipeline", pipelineLabel(pipeline, choice)},
        {"seed", seed},
        {"sample_rate", out.sampleRate},
        {"input_duration_s", input.duration()},
        {"output_duration_s", out.duration()},
        {"frames_before", before.frames},
        {"frames_after", result.output.features.frames},
        {"bins", result.output.features.bins},
        {"ops", ops}};
    io::writeFileAtomic(path("ops.json"), doc.dump(2) + "\n");

    if (context.json) {
        nlohmann::ordered_json printed = doc;
        printed["out"] = outDir;
        std::printf("%s\n", printed.dump().c_str());
        return kExitOk;
    }
    std::printf("pipeline %s, seed %llu: %s %.2f s -> %.2f s\n", pipelineLabel(pipeline, choice).c_str(),
                static_cast<unsigned long long>(seed), wav.c_str(), input.duration(), out.duration());
    for (const auto& op : result.applied)
        std::printf("  %d. %s\n", op.index + 1, op.summary().c_str());
    std::printf("wrote augmented.wav, before.png, after.png and ops.json to %s\n", outDir.c_str());
    return kExitOk;
}

nlohmann::json summaryJson(const augment::Summary& s)
{
    return {{"count", s.count}, {"mean", s.mean}, {"min", s.min}, {"max", s.max}};
}

void printStats(const augment::AugmentStats& s, const std::string& label, std::uint64_t seed)
{
    std::printf("pipeline %s, seed %llu: %lld utterances\n", label.c_str(), static_cast<unsigned long long>(seed),
                s.utterances);
    std::printf("duration   %.1f s -> %.1f s (x%.3f); per utterance mean x%.3f, min x%.3f, max x%.3f\n",
                s.inputSeconds, s.outputSeconds, s.inputSeconds > 0 ? s.outputSeconds / s.inputSeconds : 0.0,
                s.durationRatio.mean, s.durationRatio.min, s.durationRatio.max);
    if (s.snrDb.count > 0)
        std::printf("SNR        mean %.1f dB, min %.1f dB, max %.1f dB over %lld noisy utterances\n", s.snrDb.mean,
                    s.snrDb.min, s.snrDb.max, s.snrDb.count);
    else
        std::printf("SNR        no noise added\n");
    std::printf("masked     frames %.1f %% mean (max %.1f %%), bins %.1f %% mean (max %.1f %%)\n",
                100 * s.maskedFrameFraction.mean, 100 * s.maskedFrameFraction.max, 100 * s.maskedBinFraction.mean,
                100 * s.maskedBinFraction.max);
    std::printf("%-3s %-14s %8s %8s\n", "#", "op", "applied", "skipped");
    for (const auto& op : s.ops)
        std::printf("%-3d %-14s %8lld %8lld\n", op.index + 1, op.type.c_str(), op.applied, op.skipped);
}

int stats(const CliContext& context, const std::string& manifest, const PipelineChoice& choice, std::uint64_t seed,
          long long limit)
{
    const augment::Pipeline pipeline = loadPipeline(choice);
    auto result = std::make_shared<augment::AugmentStats>();
    std::vector<std::string> command = {"espalier-cli", "augment", "stats", manifest};
    if (!choice.file.empty())
        command.insert(command.end(), {"--pipeline", choice.file});
    else
        command.insert(command.end(), {"--preset", choice.preset});
    command.insert(command.end(), {"--seed", std::to_string(seed)});
    if (limit > 0)
        command.insert(command.end(), {"--limit", std::to_string(limit)});
    job::FunctionJob job("Augmentation statistics", command, [&](job::JobContext& jobContext) {
        *result = augment::computeAugmentStats(manifest, pipeline, seed, limit, jobContext);
    });
    const int code = context.runJob(job);
    if (code != kExitOk)
        return code;
    const augment::AugmentStats& s = *result;
    if (!context.json) {
        printStats(s, pipelineLabel(pipeline, choice), seed);
        return kExitOk;
    }
    nlohmann::json ops = nlohmann::json::array();
    for (const auto& op : s.ops)
        ops.push_back({{"index", op.index}, {"type", op.type}, {"applied", op.applied}, {"skipped", op.skipped}});
    context.printJson({{"event", "augment_stats"},
                       {"manifest", manifest},
                       {"pipeline", pipelineLabel(pipeline, choice)},
                       {"seed", seed},
                       {"utterances", s.utterances},
                       {"input_seconds", s.inputSeconds},
                       {"output_seconds", s.outputSeconds},
                       {"duration_ratio", summaryJson(s.durationRatio)},
                       {"snr_db", summaryJson(s.snrDb)},
                       {"masked_frame_fraction", summaryJson(s.maskedFrameFraction)},
                       {"masked_bin_fraction", summaryJson(s.maskedBinFraction)},
                       {"ops", ops}});
    return kExitOk;
}

int presets(const CliContext& context, const std::string& show)
{
    if (!show.empty()) {
        const std::string yaml = augment::Pipeline::preset(show).toYaml();
        if (context.json)
            context.printJson({{"name", show}, {"yaml", yaml}});
        else
            std::printf("%s", yaml.c_str());
        return kExitOk;
    }
    nlohmann::json list = nlohmann::json::array();
    for (const auto& name : augment::Pipeline::presetNames()) {
        const augment::Pipeline p = augment::Pipeline::preset(name);
        std::vector<std::string> types;
        std::string joined;
        for (size_t i = 0; i < p.size(); ++i) {
            types.push_back(p.op(i).type());
            joined += (i ? " -> " : "") + p.op(i).type();
        }
        if (context.json)
            list.push_back({{"name", name}, {"ops", types}});
        else
            std::printf("%-22s %s\n", name.c_str(), joined.c_str());
    }
    if (context.json)
        context.printJson({{"presets", list}});
    return kExitOk;
}

} // namespace

void addAugmentCommands(CLI::App& app, const CliContext& context, Action& action)
{
    CLI::App* augment = app.add_subcommand("augment", "Augmentation pipelines: preview, corpus statistics, presets");
    augment->require_subcommand(1);

    struct Args {
        std::string input, out, show;
        PipelineChoice pipeline;
        std::uint64_t seed = 0;
        long long limit = 0;
    };
    auto args = std::make_shared<Args>();

    CLI::App* previewCmd = augment->add_subcommand(
        "preview", "Augment one audio file: writes augmented.wav, before.png, after.png (masks outlined) and ops.json");
    previewCmd->add_option("wav", args->input, "Audio file (WAV, FLAC, OGG, ...)")->required();
    addPipelineOptions(previewCmd, args->pipeline);
    previewCmd->add_option("--seed", args->seed, "Random seed")->capture_default_str();
    previewCmd->add_option("--out", args->out, "Output folder")->required();
    previewCmd->callback([&context, &action, args] {
        action = [&context, args] { return preview(context, args->input, args->pipeline, args->seed, args->out); };
    });

    CLI::App* statsCmd = augment->add_subcommand(
        "stats", "Run a pipeline over a corpus: duration change, SNR achieved, fraction masked, per-op counts");
    statsCmd->add_option("manifest", args->input, "Manifest (Kaldi dir, WeNet data.list, NeMo manifest) or corpus folder")->required();
    addPipelineOptions(statsCmd, args->pipeline);
    statsCmd->add_option("--seed", args->seed, "Random seed (utterance i uses a seed derived from it and i)")
        ->capture_default_str();
    statsCmd->add_option("--limit", args->limit, "At most this many utterances (0: all)")
        ->capture_default_str()->check(CLI::NonNegativeNumber);
    statsCmd->callback([&context, &action, args] {
        action = [&context, args] { return stats(context, args->input, args->pipeline, args->seed, args->limit); };
    });

    CLI::App* presetsCmd = augment->add_subcommand("presets", "List the built-in pipelines, or print one as YAML");
    presetsCmd->add_option("--show", args->show, "Print this preset's YAML (a starting point for your own file)");
    presetsCmd->callback([&context, &action, args] {
        action = [&context, args] { return presets(context, args->show); };
    });
}

} // namespace espalier::cli
