#pragma once
// What a pipeline does over a corpus: duration change, SNR achieved, fraction of frames and bins
// masked, how often each op fired, so users can check a pipeline does what they meant.
#include "core/augment/pipeline.h"
#include "core/job/job.h"

#include <string>
#include <vector>

namespace espalier::augment {

struct Summary {
    long long count = 0;
    double mean = 0, min = 0, max = 0;
    void add(double v);  // running mean / min / max
};

struct OpStats {
    std::string type;
    int index = 0;
    long long applied = 0;   // utterances it fired on
    long long skipped = 0;   // by its probability
};

struct AugmentStats {
    long long utterances = 0;
    double inputSeconds = 0, outputSeconds = 0;
    Summary durationRatio;          // output / input duration
    Summary snrDb;                  // measured: 10 log10(P(clean before noise) / P(added noise)), noisy utterances only
    Summary maskedFrameFraction;    // frames inside at least one time mask / frames
    Summary maskedBinFraction;      // bins inside at least one frequency mask / bins
    std::vector<OpStats> ops;
};

// Runs the pipeline over every utterance of a manifest, or of every split of a corpus folder (at most
// `limit` when > 0), seeding utterance i with Pipeline::utteranceSeed(seed, i). Throws InputError
// naming the file and line if the manifest has problems.
AugmentStats computeAugmentStats(const std::string& manifestPath, const Pipeline& pipeline, std::uint64_t seed,
                                 long long limit, job::JobContext& context);

} // namespace espalier::augment
