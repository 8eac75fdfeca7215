#pragma once
// An augmentation pipeline: an ordered list of ops with probabilities and the fbank configuration,
// stored as YAML (docs/formats/augment.md), applied per utterance with a seeded generator.
#include "core/augment/op.h"
#include "core/runtime/fbank.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace espalier::augment {

struct PipelineResult {
    Signal output;                  // augmented waveform and its (augmented) features
    std::vector<AppliedOp> applied; // one record per op, in order (applied=false when skipped)
};

class Pipeline {
public:
    static constexpr int kFormatVersion = 1;

    Pipeline();
    Pipeline(const Pipeline& other);            // deep copy (ops are cloned through their params)
    Pipeline& operator=(const Pipeline& other);
    Pipeline(Pipeline&&) noexcept;
    Pipeline& operator=(Pipeline&&) noexcept;
    ~Pipeline();

    // Parses and validates YAML; every error names sourceName, the line and the field.
    static Pipeline fromYaml(const std::string& yaml, const std::string& sourceName, const std::string& baseDir = {});
    static Pipeline load(const std::string& path);
    std::string toYaml() const;
    void save(const std::string& path) const;  // atomic

    // Built-in presets: "wenet-aishell" (2 freq masks <= 10 bins, 2 time masks <= 50 frames, no warp),
    // "espnet-nemo" (2 freq masks <= 27 bins, 10 time masks <= 5 % of the length, time warp 5),
    // "wenet-aishell+speed" (speed 0.9/1.0/1.1 then the WeNet masks) and "seed-full" (the seed's
    // time, frequency and environment augmentation together).
    static std::vector<std::string> presetNames();
    static Pipeline preset(const std::string& name);  // throws InputError listing the names

    const std::string& name() const { return name_; }
    void setName(const std::string& name) { name_ = name; }
    const runtime::FbankOptions& fbankOptions() const { return fbank_; }
    void setFbankOptions(const runtime::FbankOptions& options);  // re-validates mask widths
    const std::string& baseDir() const { return baseDir_; }

    size_t size() const { return ops_.size(); }
    const Op& op(size_t index) const { return *ops_.at(index); }
    // Editing (the GUI's pipeline editor). Each validates like loading does and throws InputError.
    void insert(size_t index, const std::string& type, const ParamMap& params, double probability = 1.0);
    void replace(size_t index, const ParamMap& params, double probability);
    void remove(size_t index);
    void move(size_t from, size_t to);

    // Runs the pipeline on a copy of input. Waveform ops run in order; features are computed with
    // fbankOptions() before the first feature-domain op (all waveform ops must come before it) and
    // at the end if no feature op ran. Op i draws from its own stream deriveSeed(seed, i), so
    // changing or locking one op leaves the others' draws unchanged. locked maps op index to a
    // record to re-apply instead of drawing (the preview's "lock").
    PipelineResult run(const Signal& input, std::uint64_t seed,
                       const std::map<size_t, AppliedOp>& locked = {}) const;

    // The seed for utterance `index` of a run seeded with `seed` (training and stats use it).
    static std::uint64_t utteranceSeed(std::uint64_t seed, std::uint64_t index);

private:
    OpContext contextFor(size_t index, const std::string& type) const;
    std::string name_;
    std::string baseDir_;
    std::string sourceName_;
    runtime::FbankOptions fbank_;
    std::vector<std::unique_ptr<Op>> ops_;
};

} // namespace espalier::augment
