#pragma once
// Writes run folders as training writes them (docs/formats/run.md): config.yaml, metrics.jsonl,
// checkpoints/best.json and results/summary.json, so the run store's tests read real layouts.
#include <filesystem>
#include <fstream>
#include <map>
#include <string>

namespace runfixture {

struct FixtureRun {
    std::string id;
    std::string extraConfig;                 // YAML lines appended to the config
    long long seed = 1;
    double lr = 0.002;
    int steps = 100;
    std::map<std::string, double> tests;     // test set -> CER (fraction); empty: not finished
    double devCer = 0.2;
    double sparsity = -1;                    // < 0: no pruning logged
};

inline void writeText(const std::string& path, const std::string& text)
{
    std::filesystem::create_directories(std::filesystem::path(path).parent_path());
    std::ofstream(path) << text;
}

// Writes runsDir/<id>/ and returns its path.
inline std::string writeRun(const std::string& runsDir, const FixtureRun& r)
{
    const std::string dir = runsDir + "/" + r.id;
    writeText(dir + "/config.yaml", "espalier_train: 1\nname: " + r.id + "\nmodel:\n  size: tiny\nprecision: fp32\nsteps: "
                  + std::to_string(r.steps) + "\nseed: " + std::to_string(r.seed) + "\noptimizer:\n  lr: "
                  + std::to_string(r.lr) + "\n  betas: [0.9, 0.98]\n" + r.extraConfig);
    std::string metrics;
    for (int step = 10; step <= r.steps; step += 10) {
        metrics += "{\"step\":" + std::to_string(step) + ",\"loss\":" + std::to_string(100.0 / step) + ",\"lr\":0.001";
        if (r.sparsity >= 0)
            metrics += ",\"sparsity\":" + std::to_string(r.sparsity * step / r.steps);
        metrics += "}\n";
    }
    metrics += "{\"step\":" + std::to_string(r.steps) + ",\"epoch\":1,\"dev_cer\":" + std::to_string(r.devCer) + "}\n";
    writeText(dir + "/metrics.jsonl", metrics);
    writeText(dir + "/checkpoints/best.json", "{\"step\":" + std::to_string(r.steps) + ",\"dev_cer\":"
                  + std::to_string(r.devCer) + ",\"file\":\"best.pt\"}\n");
    writeText(dir + "/checkpoints/step-" + std::string(8 - std::to_string(r.steps).size(), '0')
                  + std::to_string(r.steps) + ".pt", "not a real checkpoint");
    if (!r.tests.empty()) {
        std::string tests;
        for (const auto& [name, cer] : r.tests)
            tests += std::string(tests.empty() ? "" : ",") + "\"" + name + "\":{\"cer\":" + std::to_string(cer)
                + ",\"n\":1000,\"c\":" + std::to_string(static_cast<int>(1000 * (1 - cer))) + ",\"s\":"
                + std::to_string(static_cast<int>(1000 * cer)) + ",\"d\":0,\"i\":0}";
        writeText(dir + "/results/summary.json", "{\"checkpoint\":\"best.pt\",\"steps\":" + std::to_string(r.steps)
                      + ",\"best_dev_cer\":" + std::to_string(r.devCer) + ",\"tests\":{" + tests + "}}\n");
    }
    return dir;
}

} // namespace runfixture
