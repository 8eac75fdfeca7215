#pragma once
// Kaldi-compatible log-mel filterbank features (torchaudio.compliance.kaldi.fbank semantics), shared
// by training (core) and deployment (espalier-run) so both see identical features.
#include <cstddef>
#include <cstdint>
#include <vector>

namespace espalier::runtime {

struct FbankOptions {
    int sampleRate = 16000;
    int numMelBins = 80;
    float frameLengthMs = 25.0f;
    float frameShiftMs = 10.0f;
    float dither = 0.0f;             // std-dev of Gaussian noise added per sample (0 at inference)
    float preemphasis = 0.97f;
    bool removeDcOffset = true;
    bool snipEdges = true;
    float lowFreq = 20.0f;
    float highFreq = 0.0f;           // <= 0 means offset from Nyquist, as Kaldi
    float inputScale = 32768.0f;     // samples in [-1, 1] are scaled to the int16 range first
    float energyFloor = 0.0f;        // unused while use_energy is false; kept for Kaldi parity
    std::uint64_t ditherSeed = 0;    // seed of the dither generator; its sequence runs on across compute() calls
};

// Row-major feature matrix: frames × bins.
struct FeatureMatrix {
    int frames = 0;
    int bins = 0;
    std::vector<float> data;
    float at(int frame, int bin) const { return data[static_cast<std::size_t>(frame) * bins + bin]; }
};

// Computes fbank features. Construct once per configuration (precomputes window, mel banks, FFT plan)
// and reuse; not thread-safe for concurrent compute() calls on one instance.
class Fbank {
public:
    // Throws espalier::InputError for invalid options (naming the field).
    explicit Fbank(const FbankOptions& options);
    ~Fbank();
    Fbank(const Fbank&) = delete;
    Fbank& operator=(const Fbank&) = delete;

    const FbankOptions& options() const;
    int frameLength() const;   // samples per window
    int frameShift() const;    // samples per hop
    int paddedLength() const;  // FFT size
    // Number of frames produced for a signal of numSamples samples.
    int numFrames(std::int64_t numSamples) const;

    // samples: mono, in [-1, 1] at options().sampleRate.
    FeatureMatrix compute(const float* samples, std::int64_t numSamples);
    FeatureMatrix compute(const std::vector<float>& samples) { return compute(samples.data(), static_cast<std::int64_t>(samples.size())); }

private:
    struct Impl;
    Impl* impl_;
};

} // namespace espalier::runtime
