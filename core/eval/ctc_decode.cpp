#include "core/eval/ctc_decode.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <unordered_map>
#include <utility>

namespace espalier::eval {
namespace {

constexpr double kNegInf = -std::numeric_limits<double>::infinity();
constexpr int kBlank = 0;
constexpr int kSmallTopK = 64;  // up to this k, top-k tokens are picked in one pass without a full list

double logAdd(double a, double b)
{
    if (a < b) std::swap(a, b);
    if (b == kNegInf) return a;
    return a + std::log1p(std::exp(b - a));
}

// A prefix is a node of a trie that only ever grows: node 0 is the empty prefix.
struct Node {
    int parent;
    int token;
};

// A prefix in the beam with log-probabilities of its alignments ending in blank / in its last token.
struct Prefix {
    int node;
    double blank;
    double nonBlank;
};

// A prefix scored for the next frame; node is -1 until a new extension survives the cut.
struct Candidate {
    int parent;
    int token;
    int node;
    double blank;
    double nonBlank;
    double total;
};

// Best first; ties broken by (parent, token) so the search is deterministic.
bool better(const Candidate& a, const Candidate& b)
{
    if (a.total != b.total) return a.total > b.total;
    if (a.parent != b.parent) return a.parent < b.parent;
    return a.token < b.token;
}

class PrefixBeamSearch {
public:
    PrefixBeamSearch(const LogProbs& lp, int beam, const TokenPruning& pruning)
        : lp_(lp), beam_(beam), pruning_(pruning)
    {
        nodes_.push_back({-1, -1});
        prefixes_.push_back({0, 0.0, kNegInf});
    }

    std::vector<Hypothesis> run()
    {
        for (int t = 0; t < lp_.frames; ++t) step(lp_.row(t));
        std::vector<Candidate> final;
        for (const Prefix& p : prefixes_)
            final.push_back({nodes_[p.node].parent, nodes_[p.node].token, p.node, p.blank, p.nonBlank,
                             logAdd(p.blank, p.nonBlank)});
        std::sort(final.begin(), final.end(), better);
        std::vector<Hypothesis> out;
        out.reserve(final.size());
        for (const Candidate& c : final) out.push_back({tokensOf(c.node), c.total});
        return out;
    }

private:
    const LogProbs& lp_;
    int beam_;
    TokenPruning pruning_;
    std::vector<Node> nodes_;
    std::unordered_map<uint64_t, int> children_;  // (parent, token) -> node
    std::vector<Prefix> prefixes_;
    std::vector<Candidate> candidates_;
    std::vector<int> tokens_;
    std::vector<int> beamIndex_;                         // node -> index in prefixes_, or -1
    std::vector<std::vector<std::pair<int, int>>> kids_;  // per prefix: (token, index) of its children in the beam

    static uint64_t key(int parent, int token)
    {
        return (static_cast<uint64_t>(static_cast<uint32_t>(parent)) << 32) | static_cast<uint32_t>(token);
    }

    // Non-blank tokens that may start a new label in this frame.
    void selectTokens(const float* row)
    {
        tokens_.clear();
        const int v = lp_.vocab;
        const int k = pruning_.topK == TokenPruning::kBeamWidth ? beam_ : pruning_.topK;
        const float floor = pruning_.minLogProb;
        if (k > 0 && k <= kSmallTopK) {
            // One pass keeping the k best sorted (best first, lower id first on ties).
            const auto size = static_cast<size_t>(k);
            for (int c = 1; c < v; ++c) {
                const float x = row[c];
                if (!(x >= floor) || (tokens_.size() == size && !(x > row[tokens_.back()]))) continue;
                if (tokens_.size() == size) tokens_.pop_back();
                auto at = tokens_.end();
                while (at != tokens_.begin() && row[*(at - 1)] < x) --at;
                tokens_.insert(at, c);
            }
            return;
        }
        for (int c = 1; c < v; ++c)
            if (row[c] >= floor) tokens_.push_back(c);
        if (k != TokenPruning::kAllTokens && k < static_cast<int>(tokens_.size())) {
            std::nth_element(tokens_.begin(), tokens_.begin() + k, tokens_.end(), [row](int a, int b) {
                return row[a] != row[b] ? row[a] > row[b] : a < b;
            });
            tokens_.resize(static_cast<size_t>(k));
        }
    }

    void step(const float* row)
    {
        selectTokens(row);
        const int n = static_cast<int>(prefixes_.size());
        beamIndex_.resize(nodes_.size(), -1);
        for (int i = 0; i < n; ++i) beamIndex_[prefixes_[i].node] = i;
        kids_.resize(static_cast<size_t>(n));
        for (auto& k : kids_) k.clear();
        for (int i = 0; i < n; ++i) {
            const Node& node = nodes_[prefixes_[i].node];
            if (node.parent >= 0 && beamIndex_[node.parent] >= 0)
                kids_[beamIndex_[node.parent]].push_back({node.token, i});
        }

        // Each prefix kept as it is: a blank, or its last token repeated without a blank between.
        candidates_.clear();
        const double blankLp = row[kBlank];
        for (const Prefix& p : prefixes_) {
            const Node& node = nodes_[p.node];
            const double stay = node.token >= 0 ? p.nonBlank + row[node.token] : kNegInf;
            candidates_.push_back({node.parent, node.token, p.node, logAdd(p.blank, p.nonBlank) + blankLp, stay, 0.0});
        }
        // Each prefix extended by a token; the same token as its last needs a blank in between.
        for (int i = 0; i < n; ++i) {
            const Prefix& p = prefixes_[i];
            const int last = nodes_[p.node].token;
            const double total = logAdd(p.blank, p.nonBlank);
            for (int c : tokens_) {
                const double score = (c == last ? p.blank : total) + row[c];
                if (score == kNegInf) continue;
                int hit = -1;
                for (const auto& [token, index] : kids_[i])
                    if (token == c) hit = index;
                if (hit >= 0)
                    candidates_[hit].nonBlank = logAdd(candidates_[hit].nonBlank, score);
                else
                    candidates_.push_back({p.node, c, -1, kNegInf, score, 0.0});
            }
        }
        for (int i = 0; i < n; ++i) beamIndex_[prefixes_[i].node] = -1;

        for (Candidate& c : candidates_) c.total = logAdd(c.blank, c.nonBlank);
        if (static_cast<int>(candidates_.size()) > beam_) {
            std::nth_element(candidates_.begin(), candidates_.begin() + beam_, candidates_.end(), better);
            candidates_.resize(static_cast<size_t>(beam_));
        }
        prefixes_.clear();
        for (const Candidate& c : candidates_) prefixes_.push_back({nodeFor(c), c.blank, c.nonBlank});
    }

    int nodeFor(const Candidate& c)
    {
        if (c.node >= 0) return c.node;
        const auto [it, inserted] = children_.try_emplace(key(c.parent, c.token), static_cast<int>(nodes_.size()));
        if (inserted) nodes_.push_back({c.parent, c.token});
        return it->second;
    }

    std::vector<int> tokensOf(int node) const
    {
        std::vector<int> tokens;
        for (; node > 0; node = nodes_[node].parent) tokens.push_back(nodes_[node].token);
        std::reverse(tokens.begin(), tokens.end());
        return tokens;
    }
};

} // namespace

void validateLogProbs(const LogProbs& logProbs)
{
    if (logProbs.frames < 0)
        throw InputError("CTC log-probabilities: frame count must not be negative, got " +
                         std::to_string(logProbs.frames));
    if (logProbs.frames == 0) return;
    if (logProbs.vocab < 1)
        throw InputError("CTC log-probabilities: vocabulary size must be at least 1 (the blank), got " +
                         std::to_string(logProbs.vocab));
    if (!logProbs.data) throw InputError("CTC log-probabilities: no data for " + std::to_string(logProbs.frames) + " frames");
}

Hypothesis ctcGreedyHypothesis(const LogProbs& logProbs)
{
    validateLogProbs(logProbs);
    Hypothesis h;
    int previous = kBlank;
    for (int t = 0; t < logProbs.frames; ++t) {
        const float* row = logProbs.row(t);
        const int best = static_cast<int>(std::max_element(row, row + logProbs.vocab) - row);
        h.logProb += row[best];
        if (best != kBlank && best != previous) h.tokens.push_back(best);
        previous = best;
    }
    return h;
}

std::vector<int> ctcGreedy(const LogProbs& logProbs)
{
    return ctcGreedyHypothesis(logProbs).tokens;
}

std::vector<Hypothesis> ctcPrefixBeamSearch(const LogProbs& logProbs, int beam, const TokenPruning& pruning)
{
    validateLogProbs(logProbs);
    if (beam < 1) throw InputError("CTC prefix beam search: beam width must be at least 1, got " + std::to_string(beam));
    if (pruning.topK < TokenPruning::kBeamWidth)
        throw InputError("CTC prefix beam search: top-k must be -1 (beam width), 0 (all tokens) or positive, got " +
                         std::to_string(pruning.topK));
    return PrefixBeamSearch(logProbs, beam, pruning).run();
}

} // namespace espalier::eval
