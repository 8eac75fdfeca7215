#include "core/data/speech_synth.h"

#include "core/audio/resample.h"
#include "core/runtime/error.h"

#include <espeak-ng/speak_lib.h>

#include <pthread.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

namespace espalier::data {

namespace fs = std::filesystem;

namespace {

// The process's espeak-ng: started once, used under one mutex.
struct Engine {
    std::mutex mutex;
    bool started = false;
    int rate = 0;
    std::string dataPath;
    std::string version;
    std::map<std::string, bool> languageKnown;
};

Engine& engine()
{
    static Engine instance;
    return instance;
}

// A fork() waits until no thread is inside espeak-ng, so that a child never inherits its globals
// half-updated nor the mutex held by a thread that does not exist in the child.
void holdEngineAcrossFork()
{
    static std::once_flag once;
    std::call_once(once, [] {
        pthread_atfork([] { engine().mutex.lock(); }, [] { engine().mutex.unlock(); },
                       [] { engine().mutex.unlock(); });
    });
}

// Collects the samples of one espeak_Synth call into the vector passed as user data.
int collectSamples(short* wav, int count, espeak_EVENT* events)
{
    if (wav && count > 0 && events) {
        auto* out = static_cast<std::vector<short>*>(events->user_data);
        if (out)
            out->insert(out->end(), wav, wav + count);
    }
    return 0;  // continue
}

// espeak-ng falls back to its own path when the one given does not exist, so we check first.
std::string resolveDataPath(const std::string& dataPath)
{
    if (dataPath.empty())
        return {};
    std::error_code ec;
    fs::path path(dataPath);
    if (fs::is_directory(path / "espeak-ng-data", ec))
        path /= "espeak-ng-data";
    if (!fs::is_regular_file(path / "phontab", ec))
        throw IoError("espeak-ng data not found at '" + dataPath +
                      "': expected an espeak-ng-data folder (with phontab). Install espeak-ng-data or "
                      "pass the folder that holds it");
    return path.string();
}

bool sameFolder(const std::string& a, const std::string& b)
{
    std::error_code ec;
    const fs::path ca = fs::weakly_canonical(a, ec);
    const fs::path cb = fs::weakly_canonical(b, ec);
    return ca.lexically_normal() == cb.lexically_normal();
}

// Starts espeak-ng; the engine's mutex is held.
void start(Engine& e, const std::string& path, const std::string& requested)
{
    holdEngineAcrossFork();
    e.rate = espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path.empty() ? nullptr : path.c_str(),
                               espeakINITIALIZE_DONT_EXIT);
    espeak_SetSynthCallback(&collectSamples);
    const char* home = nullptr;
    const char* version = espeak_Info(&home);
    e.version = version ? version : "";
    e.dataPath = home ? home : "";
    std::error_code ec;
    if (e.rate <= 0 || e.dataPath.empty() || !fs::is_regular_file(fs::path(e.dataPath) / "phontab", ec))
        throw IoError("espeak-ng could not load its data" +
                      (requested.empty() ? std::string() : " from '" + requested + "'") +
                      (e.dataPath.empty() ? std::string() : " (looked in '" + e.dataPath + "')") +
                      ": install espeak-ng-data or set ESPEAK_DATA_PATH");
    e.started = true;
}

std::string quoted(const std::string& text)
{
    return "\"" + text + "\"";
}

} // namespace

std::string VoiceSettings::name() const
{
    return variant.empty() ? language : language + "+" + variant;
}

struct SpeechSynth::Impl {
    int rate = 0;
    std::string dataPath;
    std::string version;
};

SpeechSynth::SpeechSynth(const std::string& dataPath) : impl_(std::make_unique<Impl>())
{
    const std::string path = resolveDataPath(dataPath);
    Engine& e = engine();
    std::lock_guard<std::mutex> lock(e.mutex);
    if (!e.started)
        start(e, path, dataPath);
    else if (!path.empty() && !sameFolder(path, e.dataPath))
        throw IoError("espeak-ng already runs in this process with data from '" + e.dataPath +
                      "'; it cannot load '" + dataPath + "' as well");
    impl_->rate = e.rate;
    impl_->dataPath = e.dataPath;
    impl_->version = e.version;
}

SpeechSynth::~SpeechSynth() = default;

bool SpeechSynth::engineStarted()
{
    Engine& e = engine();
    std::lock_guard<std::mutex> lock(e.mutex);
    return e.started;
}

int SpeechSynth::nativeRate() const { return impl_->rate; }
const std::string& SpeechSynth::dataPath() const { return impl_->dataPath; }
const std::string& SpeechSynth::version() const { return impl_->version; }

std::vector<std::string> SpeechSynth::variants() const
{
    std::vector<std::string> names;
    std::error_code ec;
    for (fs::directory_iterator it(fs::path(impl_->dataPath) / "voices" / "!v", ec), end; !ec && it != end;
         it.increment(ec)) {
        if (it->is_regular_file(ec))
            names.push_back(it->path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

bool SpeechSynth::hasVariant(const std::string& variant) const
{
    if (variant.empty() || variant.find('/') != std::string::npos || variant.find('+') != std::string::npos)
        return false;
    std::error_code ec;
    return fs::is_regular_file(fs::path(impl_->dataPath) / "voices" / "!v" / variant, ec);
}

bool SpeechSynth::hasLanguage(const std::string& language) const
{
    if (language.empty() || language.find_first_of("+/ ") != std::string::npos)
        return false;
    Engine& e = engine();
    std::lock_guard<std::mutex> lock(e.mutex);
    auto found = e.languageKnown.find(language);
    if (found != e.languageKnown.end())
        return found->second;
    // espeak-ng accepts a language whose dictionary is missing and then reads nothing, so look
    // for the dictionary as well.
    std::error_code ec;
    const bool known = espeak_SetVoiceByName(language.c_str()) == EE_OK &&
                       fs::is_regular_file(fs::path(impl_->dataPath) / (language + "_dict"), ec);
    e.languageKnown[language] = known;
    return known;
}

void SpeechSynth::checkVoice(const VoiceSettings& voice) const
{
    if (!hasLanguage(voice.language))
        throw InputError("espeak-ng language '" + voice.language + "' is not installed in '" + impl_->dataPath +
                         "' (Mandarin is 'cmn', Cantonese 'yue'); install espeak-ng-data");
    if (!voice.variant.empty() && !hasVariant(voice.variant)) {
        std::ostringstream names;
        int shown = 0;
        for (const auto& name : variants()) {
            if (shown++ == 20) {
                names << ", ...";
                break;
            }
            names << (shown > 1 ? ", " : "") << name;
        }
        throw InputError("espeak-ng voice variant '" + voice.variant + "' is not installed in '" + impl_->dataPath +
                         "/voices/!v'; installed: " + names.str());
    }
    auto checkRange = [&](const char* field, int value, int lo, int hi) {
        if (value < lo || value > hi)
            throw InputError("voice " + voice.name() + ": " + field + " " + std::to_string(value) +
                             " is out of range " + std::to_string(lo) + ".." + std::to_string(hi));
    };
    checkRange("rate", voice.rate, espeakRATE_MINIMUM, espeakRATE_MAXIMUM);
    checkRange("pitch", voice.pitch, 0, 100);
    checkRange("pitch range", voice.pitchRange, 0, 100);
}

std::vector<float> SpeechSynth::synthesizeNative(const std::string& text, const VoiceSettings& voice)
{
    checkVoice(voice);
    std::vector<short> raw;
    {
        std::lock_guard<std::mutex> lock(engine().mutex);
        const std::string name = voice.name();
        if (espeak_SetVoiceByName(name.c_str()) != EE_OK)
            throw InputError("espeak-ng could not select voice '" + name + "'");
        espeak_SetParameter(espeakRATE, voice.rate, 0);
        espeak_SetParameter(espeakVOLUME, 100, 0);
        espeak_SetParameter(espeakPITCH, voice.pitch, 0);
        espeak_SetParameter(espeakRANGE, voice.pitchRange, 0);
        espeak_SetParameter(espeakWORDGAP, 0, 0);
        std::srand(1);
        raw.reserve(size_t(impl_->rate) * 4);
        const espeak_ERROR status = espeak_Synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0,
                                                 espeakCHARS_UTF8, nullptr, &raw);
        if (status != EE_OK)
            throw IoError("espeak-ng failed to synthesise " + quoted(text) + " with voice " + name + " (error " +
                          std::to_string(int(status)) + ")");
    }
    std::vector<float> samples(raw.size());
    std::transform(raw.begin(), raw.end(), samples.begin(), [](short s) { return float(s) / 32768.0f; });
    return samples;
}

std::vector<float> SpeechSynth::synthesize(const std::string& text, const VoiceSettings& voice, int sampleRate,
                                           double padSeconds)
{
    if (sampleRate <= 0)
        throw InputError("speech synthesis: sample rate must be positive, got " + std::to_string(sampleRate));
    return finishSpeech(synthesizeNative(text, voice), impl_->rate, sampleRate, padSeconds, text, voice);
}

std::vector<float> finishSpeech(const std::vector<float>& native, int nativeRate, int sampleRate, double padSeconds,
                                const std::string& text, const VoiceSettings& voice)
{
    if (sampleRate <= 0)
        throw InputError("speech synthesis: sample rate must be positive, got " + std::to_string(sampleRate));
    std::vector<float> trimmed = sampleRate == nativeRate
                                     ? trimSilence(native, sampleRate, padSeconds)
                                     : trimSilence(audio::resample(native, nativeRate, sampleRate), sampleRate,
                                                   padSeconds);
    if (trimmed.empty())
        throw InputError("espeak-ng produced no audible speech for " + quoted(text) + " with voice " + voice.name());
    return trimmed;
}

std::vector<float> trimSilence(const std::vector<float>& samples, int sampleRate, double padSeconds, float threshold)
{
    auto loud = [threshold](float x) { return std::fabs(x) > threshold; };
    auto first = std::find_if(samples.begin(), samples.end(), loud);
    if (first == samples.end())
        return {};
    auto last = std::find_if(samples.rbegin(), samples.rend(), loud).base();
    const size_t pad = size_t(std::lround(std::max(0.0, padSeconds) * std::max(0, sampleRate)));
    std::vector<float> out;
    out.reserve(size_t(last - first) + 2 * pad);
    out.insert(out.end(), pad, 0.0f);
    out.insert(out.end(), first, last);
    out.insert(out.end(), pad, 0.0f);
    return out;
}

} // namespace espalier::data
