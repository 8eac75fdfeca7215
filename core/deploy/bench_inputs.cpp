#include "core/deploy/bench_inputs.h"

#include "core/audio/audio_file.h"
#include "core/data/manifest.h"
#include "core/runtime/crc32.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <filesystem>

namespace fs = std::filesystem;

namespace espalier::deploy {

namespace {

std::string safeName(const std::string& text)
{
    std::string out;
    for (const char c : text)
        out += (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_') ? c : '_';
    return out;
}

std::string checksum(const std::string& text)
{
    char buf[16];
    std::snprintf(buf, sizeof buf, "%08x", runtime::crc32(text.data(), text.size()));
    return buf;
}

} // namespace

BenchInput featuresInput(int frames)
{
    BenchInput i;
    i.name = std::to_string(frames) + " frames";
    i.frames = frames;
    return i;
}

BenchInput testSetInput(const std::string& split, int count, const std::string& name)
{
    if (count < 1 || count > 1000)
        throw InputError("utterances per test set must be between 1 and 1000, got " + std::to_string(count));
    const fs::path path = fs::path(split).lexically_normal();
    BenchInput input;
    input.name = !name.empty() ? name : (fs::is_directory(path) ? path : path.parent_path()).filename().string();
    if (input.name.empty())
        input.name = "audio";
    input.split = fs::absolute(path).string();
    input.utterances = count;
    return input;
}

void resolveTestSet(BenchInput& input, int sampleRate, const std::string& cacheDir)
{
    data::UtteranceList list = data::loadManifest(input.split);
    if (list.empty())
        throw InputError("test set '" + input.split + "' holds no utterances");
    for (data::Utterance& u : list)
        if (u.duration <= 0.0)
            u.duration = audio::probeAudio(u.audioPath).duration();
    std::sort(list.begin(), list.end(), [](const data::Utterance& a, const data::Utterance& b) {
        return a.duration < b.duration || (a.duration == b.duration && a.key < b.key);
    });
    // One folder per split (its path's checksum: two corpora's "test" splits do not meet), one file per
    // utterance key (its checksum too: keys "a.b" and "a_b" do not meet once made file-name safe).
    const fs::path dir = fs::path(cacheDir) / (safeName(input.name) + "-" + checksum(input.split));
    std::error_code ec;
    fs::create_directories(dir, ec);
    input.wavs.clear();
    const size_t n = std::min(list.size(), size_t(std::max(1, input.utterances)));
    for (size_t i = 0; i < n; ++i) {
        const size_t at = n == 1 ? list.size() / 2 : i * (list.size() - 1) / (n - 1);
        const data::Utterance& u = list[at];
        const fs::path wav = dir / (safeName(u.key) + "-" + checksum(u.key) + "_" + std::to_string(sampleRate) + ".wav");
        if (!fs::exists(wav, ec))
            audio::writeWav(wav.string(), audio::readAudio(u.audioPath, sampleRate));
        input.wavs.push_back(wav.string());
    }
}

} // namespace espalier::deploy
