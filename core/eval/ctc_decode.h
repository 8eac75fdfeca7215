#pragma once
// CTC decoding of one utterance's log-probabilities: greedy (best path) and prefix beam search.
// Torch-free: the model's output comes in as a plain float matrix.
#include <limits>
#include <vector>

namespace espalier::eval {

// Borrowed view of one utterance's CTC output: `frames` rows of `vocab` log-probabilities, row-major,
// each row a log-softmax over the vocabulary, token 0 the blank. `frames` is the valid length: for
// utterance b of a padded batch [B, Tmax, V] pass data + b * Tmax * V and frames = lengths[b]; rows past
// it are never read.
struct LogProbs {
    int frames = 0;
    int vocab = 0;
    const float* data = nullptr;

    const float* row(int t) const { return data + static_cast<long long>(t) * vocab; }
};

// Throws InputError unless frames >= 0, vocab >= 1 (when frames > 0) and data is set (when frames > 0).
void validateLogProbs(const LogProbs& logProbs);

// A decoded label sequence (repeats collapsed, blanks removed) and its log-probability.
struct Hypothesis {
    std::vector<int> tokens;
    // Greedy: log-probability of the single best path. Prefix beam search: log of the summed probability
    // of every alignment of `tokens` the search kept (exact when no candidate was pruned).
    double logProb = 0.0;
};

// Best-path decoding: argmax per frame (lowest id on ties), collapse repeats, drop blanks.
std::vector<int> ctcGreedy(const LogProbs& logProbs);

// The same with the best path's log-probability.
Hypothesis ctcGreedyHypothesis(const LogProbs& logProbs);

// Per-frame candidate pruning for prefix beam search. Blank and the continuation of each prefix's last
// token are always scored; only extensions by a new token are pruned.
struct TokenPruning {
    static constexpr int kBeamWidth = -1;  // topK: as many tokens as the beam is wide (WeNet's first pass)
    static constexpr int kAllTokens = 0;   // topK: no top-k pruning

    // Extend prefixes only with the k most probable non-blank tokens of each frame.
    int topK = kBeamWidth;
    // Skip tokens whose log-probability in the frame is below this.
    float minLogProb = -std::numeric_limits<float>::infinity();
};

// CTC prefix beam search in log space (blank / non-blank probability per prefix), keeping `beam`
// prefixes per frame. Returns the final beam, best first (at most `beam` hypotheses; one empty
// hypothesis with logProb 0 for zero frames). Throws InputError for beam < 1 or a bad matrix.
std::vector<Hypothesis> ctcPrefixBeamSearch(const LogProbs& logProbs, int beam,
                                            const TokenPruning& pruning = {});

} // namespace espalier::eval
