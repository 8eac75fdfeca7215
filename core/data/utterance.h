#pragma once
#include <string>
#include <vector>

namespace espalier::data {

// One utterance of a corpus, whatever manifest format it came from.
struct Utterance {
    std::string key;
    std::string audioPath;   // absolute, or as written when it could not be resolved
    std::string text;
    double duration = 0.0;   // seconds; 0 when the manifest does not say
    std::string speaker;     // may be empty
};

using UtteranceList = std::vector<Utterance>;

} // namespace espalier::data
