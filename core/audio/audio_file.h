#pragma once
// Decoding and writing audio files with libsndfile (WAV, FLAC, OGG/Vorbis, and whatever else the
// installed libsndfile reads).
#include <string>
#include <vector>

namespace espalier::audio {

// Mono float samples in [-1, 1] at sampleRate.
struct Audio {
    int sampleRate = 0;
    std::vector<float> samples;
    double duration() const { return sampleRate > 0 ? double(samples.size()) / sampleRate : 0.0; }
};

struct AudioInfo {
    int sampleRate = 0;
    int channels = 0;
    long long frames = 0;
    std::string format;  // e.g. "WAV PCM_16", "FLAC PCM_24"
    double duration() const { return sampleRate > 0 ? double(frames) / sampleRate : 0.0; }
};

// Reads the header only (fast). Throws IoError (missing/unreadable) or FormatError (corrupt,
// empty, unsupported), always naming the file.
AudioInfo probeAudio(const std::string& path);

// Decodes any channel count to mono (mean of channels). Throws as probeAudio, and FormatError for
// truncated files (fewer frames than the header promises) and files with no samples.
Audio readAudio(const std::string& path);

// Decodes and resamples to targetRate when it differs.
Audio readAudio(const std::string& path, int targetRate);

// Writes 16-bit PCM WAV atomically (samples are clipped to [-1, 1]). Throws IoError.
void writeWav(const std::string& path, const Audio& audio);

} // namespace espalier::audio
