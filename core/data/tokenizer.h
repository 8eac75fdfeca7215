#pragma once
// Character tokenizer for CTC models: id 0 is <blank>, id 1 is <unk>, then characters. Stored as a
// WeNet-style units.txt ("<token> <id>" per line).
#include <string>
#include <unordered_map>
#include <vector>

namespace espalier::data {

class CharTokenizer {
public:
    static constexpr int kBlank = 0;
    static constexpr int kUnk = 1;

    CharTokenizer();  // only <blank> and <unk>
    // Builds the vocabulary from normalised transcripts, characters sorted by code point.
    static CharTokenizer fromTexts(const std::vector<std::string>& texts);
    // Reads units.txt; throws FormatError naming file and line for malformed or inconsistent ids.
    static CharTokenizer load(const std::string& path);
    // The same from units.txt text; errors name sourceName.
    static CharTokenizer parse(const std::string& content, const std::string& sourceName);
    void save(const std::string& path) const;  // atomic

    int size() const { return static_cast<int>(tokens_.size()); }
    const std::string& token(int id) const;   // throws InputError when out of range
    int id(const std::string& token) const;   // kUnk when unknown
    std::vector<int> encode(const std::string& text) const;  // normalises first
    std::string decode(const std::vector<int>& ids) const;   // skips <blank>, renders <unk>

private:
    std::vector<std::string> tokens_;
    std::unordered_map<std::string, int> ids_;
    void add(const std::string& token);
};

} // namespace espalier::data
