#include "core/eval/cer_report.h"

#include "core/eval/display_width.h"
#include "core/io/atomic_file.h"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

namespace espalier::eval {
namespace {

// compute-cer's figure: errors * 100 / N, 0 when N is 0 (computed in this order so it rounds the same).
double errorPercent(const EditCounts& k)
{
    return k.n == 0 ? 0.0 : static_cast<double>(k.errors()) * 100.0 / static_cast<double>(k.n);
}

std::string rateAndCounts(const char* label, const EditCounts& k)
{
    char buffer[192];
    std::snprintf(buffer, sizeof buffer, "%s%4.2f %% N=%lld C=%lld S=%lld D=%lld I=%lld", label, errorPercent(k), k.n,
                  k.c, k.s, k.d, k.i);
    return buffer;
}

char opLetter(EditOp op)
{
    switch (op) {
    case EditOp::Correct: return 'C';
    case EditOp::Substitution: return 'S';
    case EditOp::Deletion: return 'D';
    case EditOp::Insertion: return 'I';
    }
    return '?';
}

nlohmann::json countsJson(const EditCounts& k)
{
    return {{"cer", k.errorRate()}, {"n", k.n}, {"c", k.c}, {"s", k.s}, {"d", k.d}, {"i", k.i}};
}

} // namespace

std::string formatOverallLine(const EditCounts& counts)
{
    return rateAndCounts("Overall -> ", counts);
}

std::string formatUtteranceBlock(const UtteranceCer& utterance)
{
    std::string out = "utt: " + utterance.key + "\n" + rateAndCounts("WER: ", utterance.counts) + "\n";
    if (utterance.alignment.empty()) return out;
    std::string lab = "lab: ", rec = "rec: ";
    for (const AlignedPair& pair : utterance.alignment) {
        const int labWidth = displayWidth(pair.ref), recWidth = displayWidth(pair.hyp);
        const int width = std::max(labWidth, recWidth);
        lab += pair.ref + std::string(static_cast<size_t>(width - labWidth), ' ') + ' ';
        rec += pair.hyp + std::string(static_cast<size_t>(width - recWidth), ' ') + ' ';
    }
    return out + lab + "\n" + rec + "\n\n";
}

std::string formatCerReport(const CerAccumulator& results, bool perUtterance)
{
    std::string out;
    if (perUtterance) {
        for (const UtteranceCer& u : results.utterances()) out += "\n" + formatUtteranceBlock(u);
        out += std::string(75, '=') + "\n\n";
    }
    return out + formatOverallLine(results.total()) + "\n";
}

std::string cerToJson(const CerAccumulator& results, bool perUtterance, int indent)
{
    nlohmann::json root;
    root["overall"] = countsJson(results.total());
    if (perUtterance) {
        nlohmann::json list = nlohmann::json::array();
        for (const UtteranceCer& u : results.utterances()) {
            nlohmann::json item = {{"key", u.key}, {"ref", u.ref}, {"hyp", u.hyp}};
            item.update(countsJson(u.counts));
            std::string ops;
            for (const AlignedPair& pair : u.alignment) ops += opLetter(pair.op);
            item["ops"] = ops;
            list.push_back(std::move(item));
        }
        root["utterances"] = std::move(list);
    }
    return root.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

void writeCerJson(const std::string& path, const CerAccumulator& results, bool perUtterance)
{
    io::writeFileAtomic(path, cerToJson(results, perUtterance) + "\n");
}

void writeHypotheses(const std::string& path, const CerAccumulator& results)
{
    std::string text;
    for (const UtteranceCer& u : results.utterances()) {
        text += u.key;
        if (!u.hyp.empty()) {
            std::string hyp = u.hyp;
            std::replace(hyp.begin(), hyp.end(), '\n', ' ');
            std::replace(hyp.begin(), hyp.end(), '\r', ' ');
            text += ' ' + hyp;
        }
        text += '\n';
    }
    io::writeFileAtomic(path, text);
}

} // namespace espalier::eval
