#pragma once
// Small helpers shared by the core/data tests: files and short WAVs inside a QTemporaryDir.
#include "core/audio/audio_file.h"

#include <QTemporaryDir>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace datatest {

inline std::string pathIn(const QTemporaryDir& dir, const std::string& name)
{
    return dir.path().toStdString() + "/" + name;
}

// Writes content as is (no newline translation), creating parent folders.
inline void writeText(const std::string& path, const std::string& content)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << content;
}

// Writes a 16-bit WAV holding a quiet 440 Hz tone of exactly round(seconds * rate) samples.
inline void writeTone(const std::string& path, double seconds, int rate = 16000)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    espalier::audio::Audio audio;
    audio.sampleRate = rate;
    audio.samples.resize(static_cast<size_t>(std::lround(seconds * rate)));
    for (size_t i = 0; i < audio.samples.size(); ++i)
        audio.samples[i] = 0.1f * static_cast<float>(std::sin(2.0 * M_PI * 440.0 * double(i) / rate));
    espalier::audio::writeWav(path, audio);
}

// Root mean square of x[begin, end).
inline double rms(const std::vector<float>& x, size_t begin, size_t end)
{
    end = std::min(end, x.size());
    double sum = 0.0;
    for (size_t i = begin; i < end; ++i)
        sum += double(x[i]) * x[i];
    return end > begin ? std::sqrt(sum / double(end - begin)) : 0.0;
}

} // namespace datatest
