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

// Synthesises UTF-8 text with the process's libespeak-ng.
//
// espeak-ng keeps its whole state in globals: it is started once per process (by the first
// SpeechSynth) and every call of every instance runs under one process-wide mutex, so instances
// may be used from any thread but never run in parallel. Starting it sets the process's LC_CTYPE
// locale to a UTF-8 one (espeak-ng does this itself).
//
// Output is not reproducible within a process: espeak-ng's pitch flutter, gain control and breath
// noise carry state from one utterance to the next, so the same text and voice give different
// samples depending on what the process synthesised before. Work that must be reproducible
// (corpus synthesis) runs espeak-ng in forked worker processes instead (data/synth_worker.h),
// which requires that the parent process has not started espeak-ng (engineStarted()).
class SpeechSynth {
public:
    // Starts espeak-ng with its data from dataPath (an espeak-ng-data folder or its parent; empty =
    // the installed default, or whatever the process already uses). Throws IoError when the data
    // cannot be loaded, or when the process already runs espeak-ng with data from another folder.
    explicit SpeechSynth(const std::string& dataPath = {});
    ~SpeechSynth();
    SpeechSynth(const SpeechSynth&) = delete;
    SpeechSynth& operator=(const SpeechSynth&) = delete;

    // Whether espeak-ng has been started in this process (a forked child inherits the answer).
    static bool engineStarted();

    int nativeRate() const;               // espeak-ng's output rate (22050 Hz)
    const std::string& dataPath() const;  // the espeak-ng-data folder in use
    const std::string& version() const;   // espeak-ng's version, e.g. "1.51"

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

    // espeak-ng's raw output at nativeRate(), in [-1, 1), untrimmed. libc's rand(), which espeak-ng
    // draws breath noise from, is seeded with a fixed value before each utterance.
    std::vector<float> synthesizeNative(const std::string& text, const VoiceSettings& voice);

private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// The second half of synthesize(), for native output made elsewhere (a worker process): resamples
// from nativeRate to sampleRate and trims the silence to padSeconds. Throws InputError naming text
// and voice when nothing audible remains.
std::vector<float> finishSpeech(const std::vector<float>& native, int nativeRate, int sampleRate, double padSeconds,
                                const std::string& text, const VoiceSettings& voice);

// Cuts leading and trailing silence (|x| below threshold) so that exactly padSeconds of digital
// silence remain on each side. An all-silent input gives an empty result.
std::vector<float> trimSilence(const std::vector<float>& samples, int sampleRate, double padSeconds,
                               float threshold = 1.0f / 256.0f);

} // namespace espalier::data
