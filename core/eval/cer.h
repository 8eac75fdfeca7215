#pragma once
// Character error rate as WeNet's tools/compute-cer.py computes it: both texts normalised with
// data::normalizeForCer, aligned by Levenshtein distance with unit costs, counted as N (reference
// characters), C (correct), S, D, I.
#include <cstddef>
#include <string>
#include <unordered_set>
#include <vector>

namespace espalier::eval {

// Counts of one alignment or a sum of them.
struct EditCounts {
    long long n = 0;  // reference characters: C + S + D
    long long c = 0;
    long long s = 0;
    long long d = 0;
    long long i = 0;

    long long errors() const { return s + d + i; }
    // (S + D + I) / N as a fraction; 0 when N is 0, as compute-cer prints it (insertions against an empty
    // reference still show in I).
    double errorRate() const;
    EditCounts& operator+=(const EditCounts& other);
};

bool operator==(const EditCounts& a, const EditCounts& b);
inline bool operator!=(const EditCounts& a, const EditCounts& b) { return !(a == b); }

enum class EditOp { Correct, Substitution, Deletion, Insertion };

// One column of an alignment; the side a deletion or insertion lacks is the empty string.
struct AlignedPair {
    std::string ref;
    std::string hyp;
    EditOp op = EditOp::Correct;
};

struct Alignment {
    std::vector<AlignedPair> pairs;
    EditCounts counts;
};

// Minimum-edit alignment of two token sequences (no normalisation). Among equal-cost alignments it takes
// compute-cer's: at each cell a deletion wins ties, then an insertion, then the diagonal.
Alignment alignTokens(const std::vector<std::string>& ref, const std::vector<std::string>& hyp);

// One utterance's result: the texts as given and the alignment of their normalised characters.
struct UtteranceCer {
    std::string key;
    std::string ref;
    std::string hyp;
    EditCounts counts;
    std::vector<AlignedPair> alignment;
};

// Normalises both texts and aligns them.
UtteranceCer scoreUtterance(const std::string& key, const std::string& ref, const std::string& hyp);

// Utterances of one test set, in the order added, and their total.
class CerAccumulator {
public:
    // Scores and adds an utterance. Throws InputError for an empty key, a key with whitespace (it could not
    // be written as a Kaldi text line) or a key already added.
    const UtteranceCer& add(const std::string& key, const std::string& ref, const std::string& hyp);
    // Adds an utterance scored elsewhere; same checks.
    const UtteranceCer& add(UtteranceCer utterance);

    const EditCounts& total() const { return total_; }
    const std::vector<UtteranceCer>& utterances() const { return utterances_; }
    std::size_t size() const { return utterances_.size(); }
    void clear();

private:
    EditCounts total_;
    std::vector<UtteranceCer> utterances_;
    std::unordered_set<std::string> keys_;
};

} // namespace espalier::eval
