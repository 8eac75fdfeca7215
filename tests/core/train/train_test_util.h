#pragma once
// A tiny "tone language" corpus for the trainer tests: each character is a tone of its own pitch,
// so a tiny model learns to transcribe it in a few hundred steps. Written as WAVs plus WeNet
// data.list manifests inside a test's temporary folder.
#include "core/audio/audio_file.h"
#include "core/data/manifest.h"
#include "core/runtime/random.h"
#include "core/train/train_config.h"
#include "core/train/trainer.h"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace traintest {

inline const std::vector<std::string>& toneCharacters()
{
    static const std::vector<std::string> chars = {"一", "二", "三", "四"};
    return chars;
}

// Writes `count` utterances of 3 to 5 tone characters to dir/<name>/data.list (WAVs in dir/wav).
// Returns the manifest path.
inline std::string writeToneSplit(const std::string& dir, const std::string& name, int count, std::uint64_t seed)
{
    namespace fs = std::filesystem;
    const int rate = 16000;
    const double freqs[] = {300.0, 700.0, 1300.0, 2200.0};
    espalier::runtime::SeededRandom random(seed);
    espalier::data::UtteranceList list;
    fs::create_directories(dir + "/wav");
    fs::create_directories(dir + "/" + name);
    for (int u = 0; u < count; ++u) {
        espalier::audio::Audio audio;
        audio.sampleRate = rate;
        std::string text;
        const int chars = random.between(3, 5);
        auto silence = [&](double seconds) { audio.samples.insert(audio.samples.end(), size_t(seconds * rate), 0.0f); };
        silence(0.05);
        for (int c = 0; c < chars; ++c) {
            const int id = random.between(0, 3);
            text += toneCharacters()[size_t(id)];
            const size_t n = size_t(random.uniform(0.12, 0.18) * rate);
            for (size_t i = 0; i < n; ++i) {
                const double env = std::sin(M_PI * double(i) / double(n));
                audio.samples.push_back(float(0.3 * env * std::sin(2.0 * M_PI * freqs[id] * double(i) / rate)));
            }
            silence(0.05);
        }
        const std::string key = name + "_" + std::to_string(u);
        const std::string wav = dir + "/wav/" + key + ".wav";
        espalier::audio::writeWav(wav, audio);
        list.push_back({key, wav, text, audio.duration(), "spk"});
    }
    const std::string manifest = dir + "/" + name + "/data.list";
    espalier::data::writeWenetList(manifest, list);
    return manifest;
}

// A tiny-model config training on `train` (dev = train unless given): fast and deterministic.
inline espalier::train::TrainConfig tinyConfig(const std::string& train, const std::string& dev = {})
{
    espalier::train::TrainConfig c;
    c.data.train = train;
    c.data.dev = dev;
    c.model.config = espalier::model::ModelConfig::preset("tiny");
    c.model.config.inputDim = 40;
    c.model.config.dropout = 0.0;
    c.features.fbank.numMelBins = 40;
    c.optimizer.lr = 3e-3;
    c.optimizer.weightDecay = 0.0;
    c.schedule.type = espalier::train::ScheduleType::Constant;
    c.schedule.warmupSteps = 10;
    c.batch.maxFrames = 2000;
    c.steps = 20;
    c.checkpointEvery = 1000;
    c.evalEvery = 0;
    c.logEvery = 1;
    c.seed = 7;
    c.threads = 1;  // deterministic and quick on a busy 2-core machine
    c.dataWorkers = 2;
    c.prefetch = 3;
    return c;
}

// Prepares a fresh run in `run` and trains it to its end; false when it stopped early.
inline bool trainNewRun(const espalier::train::TrainConfig& config, const std::string& run)
{
    espalier::job::CancellationToken token;
    espalier::job::JobContext context(nullptr, token);
    espalier::train::Trainer trainer(config, run);
    trainer.prepare(context, false);
    return trainer.train(context);
}

// The loss of every step a trainer took (its history).
inline std::vector<double> losses(const espalier::train::Trainer& trainer)
{
    std::vector<double> out;
    for (const auto& m : trainer.history())
        out.push_back(m.loss);
    return out;
}

// The JSON-object lines of a file.
inline std::vector<std::string> readLines(const std::string& path)
{
    std::vector<std::string> lines;
    std::ifstream in(path);
    std::string line;
    while (std::getline(in, line))
        if (!line.empty())
            lines.push_back(line);
    return lines;
}

} // namespace traintest
