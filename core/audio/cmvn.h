#pragma once
// Global cepstral mean and variance statistics over a corpus, as WeNet's global_cmvn.
#include <string>
#include <vector>

namespace espalier::audio {

struct CmvnStats {
    std::vector<double> sum;        // per bin
    std::vector<double> sumSquares; // per bin
    long long frames = 0;

    void accumulate(const float* features, int frames, int bins);
    void merge(const CmvnStats& other);
    std::vector<float> mean() const;
    std::vector<float> invStddev() const;  // 1 / max(stddev, floor)
    // JSON in WeNet's global_cmvn layout: {"mean_stat": [...], "var_stat": [...], "frame_num": N}.
    std::string toJson() const;
    static CmvnStats fromJson(const std::string& json, const std::string& sourceName);
};

} // namespace espalier::audio
