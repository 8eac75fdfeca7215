#pragma once
// The embedded default corpus: Mandarin utterances synthesised with libespeak-ng (several voices
// and variants, speaking rates and pitches), a Cantonese "dialect" subset and a noisy subset mixed
// at chosen SNRs, split like the seed's scenarios. Deterministic for a seed.
#include "core/job/job.h"

#include <cstdint>
#include <string>
#include <vector>

namespace espalier::data {

struct SynthOptions {
    std::string outDir;
    int utterances = 2000;                   // total over all splits
    std::uint64_t seed = 1;
    int sampleRate = 16000;
    std::vector<double> snrsDb = {0, 5, 10, 15, 20};
    double dialectFraction = 0.15;           // of train (test_dialect is all dialect)
    double noisyFraction = 0.15;             // of train (test_noisy is all noisy)
    // Fractions of all utterances given to dev and each of the three test sets; train gets the rest.
    double devFraction = 0.05;
    double testFraction = 0.05;
    bool overwrite = false;                  // replace an existing outDir
};

// Split folder names, in order.
const std::vector<std::string>& synthSplitNames();  // train, dev, test_clean, test_dialect, test_noisy

// Builds the corpus under options.outDir: wav/<key>.wav (16-bit PCM) and one folder per split with
// data.list, wav.scp, text and utt2spk, plus synth.json recording the options and voices used.
// Works in "<outDir>.partial" and renames it into place at the end, so a cancelled or failed run
// leaves nothing half-written. Throws InputError for bad options or an existing outDir.
void synthesizeCorpus(const SynthOptions& options, job::JobContext& context);

// The same as a Job (for the GUI and the CLI's progress rendering).
class CorpusSynthJob : public job::Job {
public:
    explicit CorpusSynthJob(SynthOptions options) : options_(std::move(options)) {}
    std::string title() const override;
    std::vector<std::string> cliCommand() const override;
    void run(job::JobContext& context) override { synthesizeCorpus(options_, context); }
    const SynthOptions& options() const { return options_; }

private:
    SynthOptions options_;
};

} // namespace espalier::data
