#pragma once
// Text-to-speech with libespeak-ng, for the synthetic demo corpus.
#include <memory>
#include <string>
#include <vector>

namespace espalier::data {

// One espeak-ng voice with its prosody.
struct VoiceSettings {
    std::string language = "cmn";  // espeak-ng language: "cmn" Mandarin, "yue" Cantonese
    std::string variant;           // a file of espeak-ng-data/voices/!v ("f2", "m3", "klatt"); empty = none
    int rate = 175;                // words per minute, 80..450
    int pitch = 50;                // 0..100, 50 = the voice's normal pitch
    int pitchRange = 50;           // 0..100, 0 = monotone
    std::string name() const;      // the espeak-ng voice name, e.g. "cmn+f2"
};

// Synthesises UTF-8 text with libespeak-ng.
//
// Thread safety: espeak-ng keeps its whole state in globals and is not thread-safe. Each SpeechSynth
// therefore loads a private copy of the library into its own dynamic-linker namespace (glibc
// dlmopen), reloaded fresh for every instance: instances on different threads do not interfere, and
// the same sequence of calls on a new instance gives bit-identical samples (espeak-ng's pitch
// flutter, gain control and breath noise carry state from one utterance to the next, so a shared
// copy would not). Where no private copy can be loaded, every instance shares the process-wide
// library behind one global mutex; output is then not reproducible across instances (isolated()
// is false). Setting ESPALIER_ESPEAK_SHARED=1 forces that mode. A private copy costs about 0.2 MB
// that is not given back when the instance goes. One instance must not be used by two threads at
// once.
class SpeechSynth {
public:
    // Loads espeak-ng with its data from dataPath (an espeak-ng-data folder or its parent; empty =
    // the installed default). Throws IoError when the library or its data cannot be loaded.
    explicit SpeechSynth(const std::string& dataPath = {});
    ~SpeechSynth();
    SpeechSynth(const SpeechSynth&) = delete;
    SpeechSynth& operator=(const SpeechSynth&) = delete;

    int nativeRate() const;               // espeak-ng's output rate (22050 Hz)
    const std::string& dataPath() const;  // the espeak-ng-data folder in use
    const std::string& version() const;   // espeak-ng's version, e.g. "1.51"
    bool isolated() const;                // a private, reproducible copy of the library

    // Names of the installed voice variants (files of voices/!v), sorted.
    std::vector<std::string> variants() const;
    bool hasVariant(const std::string& variant) const;
    bool hasLanguage(const std::string& language) const;  // its dictionary is installed

    // Throws InputError naming the voice and the installed alternatives when it is not installed,
    // or when a prosody value is out of range.
    void checkVoice(const VoiceSettings& voice) const;

    // Speech for text at sampleRate, leading and trailing silence cut to padSeconds (the cut is
    // filled with digital silence). Throws InputError for an unknown voice or text that gives no
    // audible speech.
    std::vector<float> synthesize(const std::string& text, const VoiceSettings& voice, int sampleRate,
                                  double padSeconds = 0.1);

    // espeak-ng's raw output at nativeRate(), in [-1, 1), untrimmed.
    std::vector<float> synthesizeNative(const std::string& text, const VoiceSettings& voice);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Cuts leading and trailing silence (|x| below threshold) so that exactly padSeconds of digital
// silence remain on each side. An all-silent input gives an empty result.
std::vector<float> trimSilence(const std::vector<float>& samples, int sampleRate, double padSeconds,
                               float threshold = 1.0f / 256.0f);

} // namespace espalier::data
