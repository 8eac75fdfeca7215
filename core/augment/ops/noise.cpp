#include "core/augment/ops/noise.h"

#include "core/audio/mix.h"
#include "core/augment/ops/audio_cache.h"
#include "core/augment/ops/audio_list.h"

#include <cmath>
#include <tuple>

namespace espalier::augment {

namespace {

const std::vector<std::string> kSources = {"white", "pink", "brown", "babble", "file"};

bool contains(const std::vector<std::string>& list, const std::string& item)
{
    for (const auto& s : list)
        if (s == item) return true;
    return false;
}

// The noise looped from offset over length samples.
std::vector<float> looped(const std::vector<float>& source, size_t offset, size_t length)
{
    std::vector<float> out(length, 0.0f);
    if (source.empty()) return out;
    for (size_t i = 0; i < length; ++i) out[i] = source[(offset + i) % source.size()];
    return out;
}

} // namespace

NoiseOp::~NoiseOp() = default;

std::vector<ParamSpec> NoiseOp::specs()
{
    ParamSpec snr;
    snr.name = "snr_db";
    snr.kind = ParamSpec::Kind::NumberList;
    snr.help = "Target signal-to-noise ratio in dB, drawn uniformly from [lo, hi]";
    snr.min = -20.0;
    snr.max = 80.0;
    snr.defaultValue = std::vector<double>{10.0, 20.0};
    ParamSpec choices = snr;
    choices.name = "snr_choices";
    choices.help = "Target SNRs in dB to pick from (instead of snr_db)";
    choices.defaultValue = std::vector<double>{};
    ParamSpec source;
    source.name = "source";
    source.kind = ParamSpec::Kind::ChoiceList;
    source.help = "Noise kinds to pick from: coloured noise, babble or files of noise_manifest";
    source.choices = kSources;
    source.defaultValue = std::vector<std::string>{"white", "pink", "brown"};
    ParamSpec manifest;
    manifest.name = "noise_manifest";
    manifest.kind = ParamSpec::Kind::Path;
    manifest.help = "Manifest of noise recordings (file) or speech (babble)";
    manifest.defaultValue = std::string();
    ParamSpec talkers;
    talkers.name = "talkers";
    talkers.kind = ParamSpec::Kind::NumberList;
    talkers.help = "Number of babble talkers, drawn from [lo, hi]";
    talkers.min = 1;
    talkers.max = 32;
    talkers.defaultValue = std::vector<double>{3, 5};
    return {snr, choices, source, manifest, talkers};
}

std::unique_ptr<Op> NoiseOp::create(const ParamMap& params, const OpContext& context)
{
    const auto specList = specs();
    const ParamReader reader(params, context, specList);
    std::unique_ptr<NoiseOp> op(new NoiseOp);
    std::tie(op->snrLo_, op->snrHi_) = reader.range("snr_db");
    if (reader.has("snr_choices")) {
        if (reader.has("snr_db")) reader.fail("snr_choices", "cannot be given together with 'snr_db': give one");
        op->snrChoices_ = reader.numbers("snr_choices");
        if (op->snrChoices_.empty()) reader.fail("snr_choices", "must list at least one SNR");
    }
    op->sources_ = reader.choices("source");
    if (op->sources_.empty())
        reader.fail("source", "must list at least one noise kind (choices: white, pink, brown, babble, file)");
    const auto talkers = reader.range("talkers");
    if (talkers.first != std::floor(talkers.first) || talkers.second != std::floor(talkers.second))
        reader.fail("talkers", "must be whole numbers");
    op->talkersLo_ = int(talkers.first);
    op->talkersHi_ = int(talkers.second);

    const std::string manifest = reader.path("noise_manifest");
    if (const auto it = params.find("noise_manifest"); it != params.end())
        if (const auto* s = std::get_if<std::string>(&it->second)) op->manifestParam_ = *s;
    for (const char* needsFiles : {"babble", "file"}) {
        if (contains(op->sources_, needsFiles) && manifest.empty())
            reader.fail("source", std::string("includes '") + needsFiles +
                                      "', which needs 'noise_manifest' (a manifest of " +
                                      (needsFiles == std::string("babble") ? "speech" : "noise") + " recordings)");
    }
    if (!manifest.empty()) op->noiseFiles_ = readAudioList(reader, "noise_manifest", manifest);
    op->cache_ = std::make_shared<AudioCache>();
    return op;
}

ParamMap NoiseOp::params() const
{
    ParamMap p;
    if (snrChoices_.empty())
        p["snr_db"] = std::vector<double>{snrLo_, snrHi_};
    else
        p["snr_choices"] = snrChoices_;
    p["source"] = sources_;
    if (!manifestParam_.empty()) p["noise_manifest"] = manifestParam_;
    p["talkers"] = std::vector<double>{double(talkersLo_), double(talkersHi_)};
    return p;
}

AppliedOp NoiseOp::draw(const Signal& input, runtime::SeededRandom& random) const
{
    AppliedOp a;
    a.type = type();
    a.set("snr_db", snrChoices_.empty() ? random.uniform(snrLo_, snrHi_) : random.pick(snrChoices_));
    const std::string source = random.pick(sources_);
    a.setLabel("noise", source);
    if (source != "file" && source != "babble") {
        a.set("noise_seed", double(random.next() >> 11));  // exact in a double
        return a;
    }
    const int count = source == "babble" ? random.between(talkersLo_, talkersHi_) : 1;
    if (source == "babble") a.set("talkers", count);
    for (int i = 0; i < count; ++i) {
        const std::string& file = random.pick(noiseFiles_);
        const auto samples = cache_->get(file, input.sampleRate);
        a.labels.emplace_back("file", file);
        a.values.emplace_back("offset", samples->empty() ? 0.0 : double(random.below(samples->size())));
    }
    return a;
}

void NoiseOp::apply(Signal& signal, AppliedOp& drawn) const
{
    if (signal.samples.empty()) return;
    const double signalPower = audio::power(signal.samples);
    if (!(signalPower > 0.0)) {
        drawn.setLabel("skipped", "silent input");
        return;
    }
    const std::string source = drawn.label("noise");
    const size_t length = signal.samples.size();
    std::vector<float> noise;
    if (source == "white" || source == "pink" || source == "brown") {
        const auto colour = source == "white" ? audio::NoiseColour::White
                            : source == "pink" ? audio::NoiseColour::Pink
                                               : audio::NoiseColour::Brown;
        noise = audio::colouredNoise(colour, length, std::uint64_t(drawn.value("noise_seed", 0.0)));
    } else {
        std::vector<std::string> files;
        std::vector<double> offsets;
        for (const auto& [name, v] : drawn.labels)
            if (name == "file") files.push_back(v);
        for (const auto& [name, v] : drawn.values)
            if (name == "offset") offsets.push_back(v);
        noise.assign(length, 0.0f);
        for (size_t t = 0; t < files.size(); ++t) {
            const auto samples = cache_->get(files[t], signal.sampleRate);
            const size_t offset = t < offsets.size() ? size_t(offsets[t]) : 0;
            std::vector<float> part = looped(*samples, offset, length);
            double scale = 1.0;
            if (source == "babble") {  // each talker at the same level
                const double p = audio::power(part);
                scale = p > 0.0 ? 1.0 / std::sqrt(p) : 0.0;
            }
            for (size_t i = 0; i < length; ++i) noise[i] += float(scale * part[i]);
        }
    }
    if (!(audio::power(noise) > 0.0)) {
        drawn.setLabel("skipped", "silent noise");
        return;
    }
    std::vector<float> mixed = audio::mixAtSnr(signal.samples, noise, drawn.value("snr_db", 0.0));
    double addedPower = 0.0;
    for (size_t i = 0; i < length; ++i) {
        const double added = double(mixed[i]) - double(signal.samples[i]);
        addedPower += added * added;
    }
    addedPower /= double(length);
    if (addedPower > 0.0) drawn.set("snr_measured_db", 10.0 * std::log10(signalPower / addedPower));
    signal.samples = std::move(mixed);
    signal.features = {};
}

} // namespace espalier::augment
