#pragma once
// A dependency-free reader for RIFF WAV files (PCM 16/24/32-bit, IEEE float 32), for the runner on
// devices where libsndfile is not available. The engine uses core/audio (libsndfile) instead.
#include <string>
#include <vector>

namespace espalier::runtime {

struct WavData {
    int sampleRate = 0;
    int channels = 0;
    std::vector<float> samples;  // mono mix-down in [-1, 1]
};

// Throws IoError if the file cannot be opened, FormatError (naming the file) if it is not a
// supported, complete WAV file.
WavData readWav(const std::string& path);
// The same for a file's bytes held in memory; errors name sourceName.
WavData parseWav(const std::string& bytes, const std::string& sourceName);

} // namespace espalier::runtime
