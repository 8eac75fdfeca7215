#pragma once
// Output of a CER evaluation: compute-cer.py's text report, JSON, and the Kaldi-style hypotheses file.
#include "core/eval/cer.h"

#include <string>

namespace espalier::eval {

// compute-cer's summary line without a newline, e.g. "Overall -> 4.94 % N=104765 C=99872 S=4721 D=172 I=284".
std::string formatOverallLine(const EditCounts& counts);

// compute-cer's block for one utterance (verbose mode), each line ending in a newline:
//   utt: KEY
//   WER: x.xx % N=… C=… S=… D=… I=…
//   lab: 你 好 世 界
//   rec: 你   世 介
// then an empty line. Aligned characters are padded with spaces to the wider of the pair, counting East
// Asian wide and ambiguous characters as two columns; an utterance with nothing to align has no lab/rec lines.
std::string formatUtteranceBlock(const UtteranceCer& utterance);

// The whole of compute-cer's standard output: with perUtterance, each utterance's block after an empty line,
// a rule of 75 '=' and an empty line; then the overall line. (compute-cer's per-cluster lines are not
// produced.)
std::string formatCerReport(const CerAccumulator& results, bool perUtterance = true);

// JSON: {"overall": {"cer", "n", "c", "s", "d", "i"}, "utterances": [{"key", "ref", "hyp", "cer", "n", "c",
// "s", "d", "i", "ops"}]} where cer is a fraction and ops spells the alignment with one letter per column
// (C correct, S substitution, D deletion, I insertion). "utterances" is left out without perUtterance.
std::string cerToJson(const CerAccumulator& results, bool perUtterance = true, int indent = 2);

// Writes cerToJson to path atomically; throws IoError naming the path.
void writeCerJson(const std::string& path, const CerAccumulator& results, bool perUtterance = true);

// Writes the hypotheses as a Kaldi text file ("<key> <hyp>" per line, in the order added; just the key
// for an empty hypothesis; line breaks inside a hypothesis become spaces), atomically.
void writeHypotheses(const std::string& path, const CerAccumulator& results);

} // namespace espalier::eval
