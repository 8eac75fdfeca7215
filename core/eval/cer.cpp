#include "core/eval/cer.h"

#include "core/data/text_normalize.h"
#include "core/runtime/error.h"

#include <algorithm>
#include <cctype>

namespace espalier::eval {

double EditCounts::errorRate() const
{
    return n == 0 ? 0.0 : static_cast<double>(errors()) / static_cast<double>(n);
}

EditCounts& EditCounts::operator+=(const EditCounts& other)
{
    n += other.n;
    c += other.c;
    s += other.s;
    d += other.d;
    i += other.i;
    return *this;
}

bool operator==(const EditCounts& a, const EditCounts& b)
{
    return a.n == b.n && a.c == b.c && a.s == b.s && a.d == b.d && a.i == b.i;
}

Alignment alignTokens(const std::vector<std::string>& ref, const std::vector<std::string>& hyp)
{
    const size_t rows = ref.size() + 1, cols = hyp.size() + 1;
    std::vector<size_t> dist(rows * cols);
    std::vector<EditOp> op(rows * cols, EditOp::Correct);
    const auto at = [cols](size_t r, size_t c) { return r * cols + c; };
    for (size_t r = 1; r < rows; ++r) {
        dist[at(r, 0)] = r;
        op[at(r, 0)] = EditOp::Deletion;
    }
    for (size_t c = 1; c < cols; ++c) {
        dist[at(0, c)] = c;
        op[at(0, c)] = EditOp::Insertion;
    }
    for (size_t r = 1; r < rows; ++r) {
        for (size_t c = 1; c < cols; ++c) {
            size_t best = dist[at(r - 1, c)] + 1;
            EditOp bestOp = EditOp::Deletion;
            if (dist[at(r, c - 1)] + 1 < best) {
                best = dist[at(r, c - 1)] + 1;
                bestOp = EditOp::Insertion;
            }
            const bool same = ref[r - 1] == hyp[c - 1];
            if (dist[at(r - 1, c - 1)] + (same ? 0 : 1) < best) {
                best = dist[at(r - 1, c - 1)] + (same ? 0 : 1);
                bestOp = same ? EditOp::Correct : EditOp::Substitution;
            }
            dist[at(r, c)] = best;
            op[at(r, c)] = bestOp;
        }
    }

    Alignment out;
    size_t r = rows - 1, c = cols - 1;
    while (r > 0 || c > 0) {
        const EditOp o = op[at(r, c)];
        switch (o) {
        case EditOp::Correct:
        case EditOp::Substitution:
            out.pairs.push_back({ref[r - 1], hyp[c - 1], o});
            ++(o == EditOp::Correct ? out.counts.c : out.counts.s);
            --r;
            --c;
            break;
        case EditOp::Deletion:
            out.pairs.push_back({ref[r - 1], std::string(), o});
            ++out.counts.d;
            --r;
            break;
        case EditOp::Insertion:
            out.pairs.push_back({std::string(), hyp[c - 1], o});
            ++out.counts.i;
            --c;
            break;
        }
    }
    std::reverse(out.pairs.begin(), out.pairs.end());
    out.counts.n = out.counts.c + out.counts.s + out.counts.d;
    return out;
}

UtteranceCer scoreUtterance(const std::string& key, const std::string& ref, const std::string& hyp)
{
    Alignment a = alignTokens(data::normalizeForCer(ref), data::normalizeForCer(hyp));
    return {key, ref, hyp, a.counts, std::move(a.pairs)};
}

const UtteranceCer& CerAccumulator::add(const std::string& key, const std::string& ref, const std::string& hyp)
{
    return add(scoreUtterance(key, ref, hyp));
}

const UtteranceCer& CerAccumulator::add(UtteranceCer utterance)
{
    const std::string& key = utterance.key;
    if (key.empty()) throw InputError("CER: utterance key is empty");
    if (std::any_of(key.begin(), key.end(), [](unsigned char ch) { return std::isspace(ch); }))
        throw InputError("CER: utterance key '" + key + "' contains whitespace; keys must be single words");
    if (!keys_.insert(key).second) throw InputError("CER: utterance key '" + key + "' was already scored");
    total_ += utterance.counts;
    utterances_.push_back(std::move(utterance));
    return utterances_.back();
}

void CerAccumulator::clear()
{
    total_ = {};
    utterances_.clear();
    keys_.clear();
}

} // namespace espalier::eval
