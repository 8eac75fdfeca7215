#include "data/speech_synth.h"

#include "audio/resample.h"
#include "runtime/error.h"

#include <espeak-ng/speak_lib.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <mutex>
#include <sstream>

#if defined(__GLIBC__)
#include <dlfcn.h>
#include <link.h>
#include <unistd.h>  // environ
#define ESPALIER_HAVE_DLMOPEN 1
#endif

namespace espalier::data {

namespace fs = std::filesystem;

namespace {

// The entry points we use, from either the process-wide library or a private copy.
struct EspeakApi {
    decltype(&espeak_Initialize) initialize = nullptr;
    decltype(&espeak_SetSynthCallback) setSynthCallback = nullptr;
    decltype(&espeak_SetVoiceByName) setVoiceByName = nullptr;
    decltype(&espeak_SetParameter) setParameter = nullptr;
    decltype(&espeak_Synth) synth = nullptr;
    decltype(&espeak_Info) info = nullptr;
    decltype(&espeak_Terminate) terminate = nullptr;
    void (*seedRandom)(unsigned) = nullptr;  // the libc espeak-ng draws its breath noise from
    // Sets up the calling thread for a private copy's libc, whose per-thread character tables
    // are only made for threads it started itself (null for the process-wide library).
    void (*prepareThread)() = nullptr;
    // The copy's libc keeps its own pointer to the environment, which goes stale when the process
    // changes its environment (setenv reallocates it): pointed at the process's before each call.
    char*** environment = nullptr;
};

EspeakApi linkedApi()
{
    EspeakApi api;
    api.initialize = &espeak_Initialize;
    api.setSynthCallback = &espeak_SetSynthCallback;
    api.setVoiceByName = &espeak_SetVoiceByName;
    api.setParameter = &espeak_SetParameter;
    api.synth = &espeak_Synth;
    api.info = &espeak_Info;
    api.terminate = &espeak_Terminate;
    api.seedRandom = &std::srand;
    return api;
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

// The process-wide library: initialised once, used under one mutex.
struct SharedLibrary {
    std::mutex mutex;
    bool initialised = false;
    int rate = 0;
    std::string dataPath;
    std::string version;
};

SharedLibrary& sharedLibrary()
{
    static SharedLibrary library;
    return library;
}

#ifdef ESPALIER_HAVE_DLMOPEN

// Dynamic-linker namespaces that hold espeak-ng's dependencies (a libc among them). glibc can make
// only a few namespaces (each libc takes static TLS that is never given back), so they are kept for
// the life of the process and reused; espeak-ng itself is loaded fresh into one for every instance
// and unloaded after, which resets all of its global state.
class NamespacePool {
public:
    static NamespacePool& instance()
    {
        static NamespacePool pool;
        return pool;
    }

    // A fresh espeak-ng in a free namespace; false when none can be had.
    bool load(const std::string& libraryPath, Lmid_t& namespaceId, void*& handle)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        while (!free_.empty()) {
            Lmid_t id = free_.back();
            free_.pop_back();
            handle = dlmopen(id, libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
            if (handle) {
                namespaceId = id;
                return true;
            }
        }
        if (created_ >= kMaxNamespaces)
            return false;
        handle = dlmopen(LM_ID_NEWLM, libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL);
        if (!handle)
            return false;
        ++created_;
        if (dlinfo(handle, RTLD_DI_LMID, &namespaceId) != 0) {
            dlclose(handle);
            return false;
        }
        pinDependencies(namespaceId, handle);
        return true;
    }

    // Unloads espeak-ng and gives the namespace back, unless the library would not unload (its
    // state would then leak into the next instance).
    void unload(const std::string& libraryPath, Lmid_t namespaceId, void* handle)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        dlclose(handle);
        if (void* still = dlmopen(namespaceId, libraryPath.c_str(), RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
            dlclose(still);
            return;
        }
        free_.push_back(namespaceId);
    }

private:
    static constexpr int kMaxNamespaces = 4;

    // Takes a reference on every library of the namespace except espeak-ng, so that unloading
    // espeak-ng leaves its dependencies (and their TLS) in place for the next load.
    static void pinDependencies(Lmid_t namespaceId, void* espeakHandle)
    {
        link_map* own = nullptr;
        if (dlinfo(espeakHandle, RTLD_DI_LINKMAP, &own) != 0 || !own)
            return;
        link_map* entry = own;
        while (entry->l_prev)
            entry = entry->l_prev;
        for (; entry; entry = entry->l_next) {
            if (entry == own || !entry->l_name || !*entry->l_name)
                continue;
            dlmopen(namespaceId, entry->l_name, RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD);  // kept for good
        }
    }

    std::mutex mutex_;
    std::vector<Lmid_t> free_;
    int created_ = 0;
};

std::string linkedLibraryPath()
{
    Dl_info info{};
    if (dladdr(reinterpret_cast<void*>(&espeak_Initialize), &info) && info.dli_fname && *info.dli_fname)
        return info.dli_fname;
    return "libespeak-ng.so.1";
}

template <class F>
bool resolve(void* handle, const char* name, F& target)
{
    target = reinterpret_cast<F>(dlsym(handle, name));
    return target != nullptr;
}

#endif

// espeak-ng's own fallback path when the one given does not exist, so we check first.
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
    EspeakApi api;
    bool isolated = false;
    int rate = 0;
    std::string dataPath;
    std::string version;
    std::mutex ownMutex;
    std::map<std::string, bool> languageKnown;
#ifdef ESPALIER_HAVE_DLMOPEN
    std::string libraryPath;
    Lmid_t namespaceId = 0;
    void* handle = nullptr;
#endif

    // Serialises calls into the library and readies the calling thread for it.
    std::unique_lock<std::mutex> lock()
    {
        std::unique_lock<std::mutex> guard(isolated ? ownMutex : sharedLibrary().mutex);
        prepare();
        return guard;
    }

    void prepare()
    {
        if (api.environment)
            *api.environment = environ;
        if (api.prepareThread)
            api.prepareThread();
    }

    void readInfo()
    {
        const char* path = nullptr;
        const char* v = api.info(&path);
        version = v ? v : "";
        dataPath = path ? path : "";
    }

    void checkData(const std::string& requested)
    {
        std::error_code ec;
        if (rate <= 0 || dataPath.empty() || !fs::is_regular_file(fs::path(dataPath) / "phontab", ec))
            throw IoError("espeak-ng could not load its data" +
                          (requested.empty() ? std::string() : " from '" + requested + "'") +
                          (dataPath.empty() ? std::string() : " (looked in '" + dataPath + "')") +
                          ": install espeak-ng-data or set ESPEAK_DATA_PATH");
    }

#ifdef ESPALIER_HAVE_DLMOPEN
    bool loadPrivateCopy(const std::string& path)
    {
        libraryPath = linkedLibraryPath();
        if (!NamespacePool::instance().load(libraryPath, namespaceId, handle))
            return false;
        EspeakApi copy;
        bool ok = resolve(handle, "espeak_Initialize", copy.initialize) &&
                  resolve(handle, "espeak_SetSynthCallback", copy.setSynthCallback) &&
                  resolve(handle, "espeak_SetVoiceByName", copy.setVoiceByName) &&
                  resolve(handle, "espeak_SetParameter", copy.setParameter) &&
                  resolve(handle, "espeak_Synth", copy.synth) &&
                  resolve(handle, "espeak_Info", copy.info) &&
                  resolve(handle, "espeak_Terminate", copy.terminate);
        if (ok) {
            // The copy draws breath noise from its namespace's libc; seed that one.
            if (void* libc = dlmopen(namespaceId, "libc.so.6", RTLD_NOW | RTLD_LOCAL | RTLD_NOLOAD)) {
                resolve(libc, "srand", copy.seedRandom);
                resolve(libc, "__ctype_init", copy.prepareThread);
                resolve(libc, "__environ", copy.environment);
                dlclose(libc);
            }
        }
        if (!ok || !copy.seedRandom || !copy.prepareThread || !copy.environment) {
            NamespacePool::instance().unload(libraryPath, namespaceId, handle);
            handle = nullptr;
            return false;
        }
        api = copy;
        isolated = true;
        prepare();
        rate = api.initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path.empty() ? nullptr : path.c_str(),
                              espeakINITIALIZE_DONT_EXIT);
        api.setSynthCallback(&collectSamples);
        readInfo();
        return true;
    }
#endif

    void useSharedLibrary(const std::string& path)
    {
        api = linkedApi();
        isolated = false;
        SharedLibrary& shared = sharedLibrary();
        std::lock_guard<std::mutex> guard(shared.mutex);
        if (!shared.initialised) {
            shared.rate = api.initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, path.empty() ? nullptr : path.c_str(),
                                         espeakINITIALIZE_DONT_EXIT);
            api.setSynthCallback(&collectSamples);
            shared.initialised = true;
            readInfo();
            shared.dataPath = dataPath;
            shared.version = version;
        }
        rate = shared.rate;
        dataPath = shared.dataPath;
        version = shared.version;
    }

    void release()
    {
#ifdef ESPALIER_HAVE_DLMOPEN
        if (isolated && handle) {
            prepare();
            api.terminate();
            NamespacePool::instance().unload(libraryPath, namespaceId, handle);
            handle = nullptr;
        }
#endif
    }
};

SpeechSynth::SpeechSynth(const std::string& dataPath) : impl_(std::make_unique<Impl>())
{
    const std::string path = resolveDataPath(dataPath);
    bool loaded = false;
#ifdef ESPALIER_HAVE_DLMOPEN
    const char* forceShared = std::getenv("ESPALIER_ESPEAK_SHARED");
    if (!forceShared || !*forceShared || std::string(forceShared) == "0")
        loaded = impl_->loadPrivateCopy(path);
#endif
    if (!loaded)
        impl_->useSharedLibrary(path);
    try {
        impl_->checkData(dataPath);
    } catch (...) {
        impl_->release();
        throw;
    }
}

SpeechSynth::~SpeechSynth()
{
    impl_->release();
}

int SpeechSynth::nativeRate() const { return impl_->rate; }
const std::string& SpeechSynth::dataPath() const { return impl_->dataPath; }
const std::string& SpeechSynth::version() const { return impl_->version; }
bool SpeechSynth::isolated() const { return impl_->isolated; }

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
    auto lock = impl_->lock();
    auto found = impl_->languageKnown.find(language);
    if (found != impl_->languageKnown.end())
        return found->second;
    // espeak-ng accepts a language whose dictionary is missing and then reads nothing, so look
    // for the dictionary as well.
    std::error_code ec;
    bool known = impl_->api.setVoiceByName(language.c_str()) == EE_OK &&
                 fs::is_regular_file(fs::path(impl_->dataPath) / (language + "_dict"), ec);
    impl_->languageKnown[language] = known;
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
        auto lock = impl_->lock();
        const EspeakApi& api = impl_->api;
        const std::string name = voice.name();
        if (api.setVoiceByName(name.c_str()) != EE_OK)
            throw InputError("espeak-ng could not select voice '" + name + "'");
        api.setParameter(espeakRATE, voice.rate, 0);
        api.setParameter(espeakVOLUME, 100, 0);
        api.setParameter(espeakPITCH, voice.pitch, 0);
        api.setParameter(espeakRANGE, voice.pitchRange, 0);
        api.setParameter(espeakWORDGAP, 0, 0);
        api.seedRandom(1);
        raw.reserve(size_t(impl_->rate) * 4);
        espeak_ERROR status = api.synth(text.c_str(), text.size() + 1, 0, POS_CHARACTER, 0, espeakCHARS_UTF8,
                                        nullptr, &raw);
        if (status != EE_OK)
            throw IoError("espeak-ng failed to synthesise " + quoted(text) + " with voice " + name +
                          " (error " + std::to_string(int(status)) + ")");
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
    std::vector<float> native = synthesizeNative(text, voice);
    std::vector<float> resampled =
        sampleRate == impl_->rate ? std::move(native) : audio::resample(native, impl_->rate, sampleRate);
    std::vector<float> trimmed = trimSilence(resampled, sampleRate, padSeconds);
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
