// espalier-cli corpus ...: validate, statistics, format conversion and the synthetic demo corpus.
#include "app/cli/commands.h"
#include "core/data/corpus.h"
#include "core/data/corpus_synth.h"
#include "core/data/manifest.h"
#include "core/data/validate.h"
#include "core/runtime/error.h"

namespace espalier::cli {

namespace {

nlohmann::json issueJson(const data::ManifestIssue& issue)
{
    return {{"file", issue.file}, {"line", issue.line}, {"key", issue.key}, {"message", issue.message}};
}

nlohmann::json splitJson(const data::SplitStats& s)
{
    return {{"name", s.name}, {"utterances", s.utterances}, {"hours", s.hours}, {"characters", s.characters},
            {"vocabulary", s.vocabulary}, {"speakers", s.speakers}, {"min_duration_s", s.minDuration},
            {"max_duration_s", s.maxDuration}, {"mean_duration_s", s.meanDuration}};
}

int validate(const CliContext& context, const std::string& path)
{
    const data::ValidationReport report = data::validateManifest(path);
    if (context.json) {
        nlohmann::json issues = nlohmann::json::array();
        for (const auto& issue : report.issues)
            issues.push_back(issueJson(issue));
        context.printJson({{"path", report.path}, {"format", data::manifestFormatNames().name(report.format)},
                           {"utterances", report.utterances}, {"ok", report.ok()}, {"issues", issues}});
    } else {
        for (const auto& issue : report.issues)
            std::printf("%s\n", issue.toString().c_str());
        std::printf("%s: %zu utterances, %zu problem%s\n", report.path.c_str(), report.utterances,
                    report.issues.size(), report.issues.size() == 1 ? "" : "s");
    }
    return report.ok() ? kExitOk : kExitBadInput;
}

int stats(const CliContext& context, const std::string& path)
{
    const data::CorpusStats stats = data::corpusStats(path);
    if (context.json) {
        nlohmann::json splits = nlohmann::json::array();
        for (const auto& s : stats.splits)
            splits.push_back(splitJson(s));
        context.printJson({{"path", stats.path}, {"splits", splits}, {"total", splitJson(stats.total)}});
        return kExitOk;
    }
    std::printf("%-14s %10s %8s %10s %6s %8s %9s\n", "split", "utterances", "hours", "characters", "vocab",
                "speakers", "mean dur");
    auto row = [](const data::SplitStats& s) {
        std::printf("%-14s %10zu %8.3f %10zu %6zu %8zu %8.2fs\n", s.name.c_str(), s.utterances, s.hours,
                    s.characters, s.vocabulary, s.speakers, s.meanDuration);
    };
    for (const auto& s : stats.splits)
        row(s);
    row(stats.total);
    return kExitOk;
}

int convert(const CliContext& context, const std::string& in, const std::string& to, const std::string& out)
{
    // The target format first: a typo should not wait for a large manifest to load.
    if (to != "kaldi" && to != "wenet" && to != "nemo")
        throw InputError("--to: cannot write manifests in format '" + to + "' (use kaldi, wenet or nemo)");
    const data::UtteranceList utterances = data::loadManifest(in);
    switch (data::parseManifestFormat(to)) {
    case data::ManifestFormat::Kaldi: data::writeKaldiDir(out, utterances); break;
    case data::ManifestFormat::WeNet: data::writeWenetList(out, utterances); break;
    case data::ManifestFormat::NeMo: data::writeNemoManifest(out, utterances); break;
    default: break;  // refused above
    }
    if (context.json)
        context.printJson({{"in", in}, {"out", out}, {"format", to}, {"utterances", utterances.size()}});
    else
        std::printf("wrote %zu utterances to %s (%s)\n", utterances.size(), out.c_str(), to.c_str());
    return kExitOk;
}

} // namespace

void addCorpusCommands(CLI::App& app, const CliContext& context, Action& action)
{
    CLI::App* corpus = app.add_subcommand("corpus", "Corpora: validate, statistics, convert, synthesise the demo corpus");
    corpus->require_subcommand(1);

    struct Args {
        std::string path, to, out;
        data::SynthOptions synth;
    };
    auto args = std::make_shared<Args>();

    CLI::App* validateCmd = corpus->add_subcommand(
        "validate", "Report every bad line of a manifest or corpus (missing or unreadable audio, empty text, duplicate key); exit 2 if any");
    validateCmd->add_option("path", args->path, "Corpus folder or manifest (Kaldi dir, data.list, NeMo, AISHELL-1 root)")->required();
    validateCmd->callback([&context, &action, args] { action = [&context, args] { return validate(context, args->path); }; });

    CLI::App* statsCmd = corpus->add_subcommand("stats", "Hours, utterances and vocabulary per split");
    statsCmd->add_option("path", args->path, "Corpus folder or manifest")->required();
    statsCmd->callback([&context, &action, args] { action = [&context, args] { return stats(context, args->path); }; });

    CLI::App* convertCmd = corpus->add_subcommand("convert", "Convert a manifest to another format");
    convertCmd->add_option("in", args->path, "Input manifest")->required();
    convertCmd->add_option("--to", args->to, "kaldi, wenet or nemo")->required();
    convertCmd->add_option("--out", args->out, "Output folder (kaldi) or file")->required();
    convertCmd->callback([&context, &action, args] { action = [&context, args] { return convert(context, args->path, args->to, args->out); }; });

    CLI::App* synth = corpus->add_subcommand(
        "synth", "Synthesise the demo corpus with espeak-ng: Mandarin, Cantonese dialect and noisy subsets");
    synth->add_option("--out", args->synth.outDir, "Output folder")->required();
    synth->add_option("--utterances", args->synth.utterances, "Utterances over all splits")->capture_default_str();
    synth->add_option("--seed", args->synth.seed, "Random seed")->capture_default_str();
    synth->add_option("--snr", args->synth.snrsDb, "SNRs (dB) the noisy subset draws from")->capture_default_str();
    synth->add_option("--dialect-fraction", args->synth.dialectFraction, "Fraction of train that is Cantonese")->capture_default_str();
    synth->add_option("--noisy-fraction", args->synth.noisyFraction, "Fraction of train that is noisy")->capture_default_str();
    synth->add_flag("--overwrite", args->synth.overwrite, "Replace an existing output folder");
    synth->callback([&context, &action, args] {
        action = [&context, args] {
            data::CorpusSynthJob job(args->synth);
            return context.runJob(job);
        };
    });
}

} // namespace espalier::cli
