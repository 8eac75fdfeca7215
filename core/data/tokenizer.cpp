#include "core/data/tokenizer.h"

#include "core/data/text_normalize.h"
#include "core/io/atomic_file.h"
#include "core/runtime/error.h"

#include <cerrno>
#include <cstdlib>
#include <set>

namespace espalier::data {
namespace {

const char* const kBlankToken = "<blank>";
const char* const kUnkToken = "<unk>";

bool isSpace(char c) { return c == ' ' || c == '\t' || c == '\r'; }

// Parses a non-negative decimal integer; false when s is anything else.
bool parseId(const std::string& s, int& out)
{
    if (s.empty() || s.size() > 9) return false;
    for (char c : s)
        if (c < '0' || c > '9') return false;
    out = std::atoi(s.c_str());
    return true;
}

} // namespace

CharTokenizer::CharTokenizer()
{
    add(kBlankToken);
    add(kUnkToken);
}

void CharTokenizer::add(const std::string& token)
{
    ids_.emplace(token, static_cast<int>(tokens_.size()));
    tokens_.push_back(token);
}

CharTokenizer CharTokenizer::fromTexts(const std::vector<std::string>& texts)
{
    // UTF-8 byte order is code point order, and std::string compares bytes as unsigned char.
    std::set<std::string> characters;
    for (const auto& text : texts)
        for (auto& c : normalizeForCer(text)) characters.insert(std::move(c));
    CharTokenizer tokenizer;
    for (const auto& c : characters)
        if (!tokenizer.ids_.count(c)) tokenizer.add(c);
    return tokenizer;
}

CharTokenizer CharTokenizer::load(const std::string& path)
{
    return parse(io::readFile(path), path);
}

CharTokenizer CharTokenizer::parse(const std::string& content, const std::string& path)
{
    CharTokenizer tokenizer;
    tokenizer.tokens_.clear();
    tokenizer.ids_.clear();
    std::vector<int> lineOf;  // line of each token, for duplicate messages
    const auto fail = [&](int line, const std::string& what) {
        throw FormatError(path + ":" + std::to_string(line) + ": " + what);
    };

    size_t pos = 0;
    int lineNo = 0;
    if (content.compare(0, 3, "\xEF\xBB\xBF") == 0) pos = 3;
    while (pos < content.size()) {
        size_t end = content.find('\n', pos);
        if (end == std::string::npos) end = content.size();
        ++lineNo;
        std::string line = content.substr(pos, end - pos);
        pos = end + 1;
        while (!line.empty() && isSpace(line.back())) line.pop_back();
        size_t start = 0;
        while (start < line.size() && isSpace(line[start])) ++start;
        if (start == line.size()) continue;

        const size_t tokenEnd = line.find_first_of(" \t", start);
        if (tokenEnd == std::string::npos)
            fail(lineNo, "expected '<token> <id>', found no id in '" + line.substr(0, 80) + "'");
        const std::string token = line.substr(start, tokenEnd - start);
        const size_t idStart = line.find_first_not_of(" \t", tokenEnd);
        const std::string idText = line.substr(idStart);
        if (idText.find_first_of(" \t") != std::string::npos)
            fail(lineNo, "expected '<token> <id>', found more than two fields");
        int id = 0;
        if (!parseId(idText, id)) fail(lineNo, "id '" + idText.substr(0, 40) + "' is not a non-negative integer");
        const int expected = tokenizer.size();
        if (id != expected)
            fail(lineNo, "id " + idText + " of '" + token + "' is out of order: ids must run 0..n-1, expected " +
                             std::to_string(expected));
        const auto previous = tokenizer.ids_.find(token);
        if (previous != tokenizer.ids_.end())
            fail(lineNo, "duplicate token '" + token + "' (first on line " +
                             std::to_string(lineOf[static_cast<size_t>(previous->second)]) + ")");
        if (id == kBlank && token != kBlankToken)
            fail(lineNo, "id 0 must be <blank> (the CTC blank), found '" + token + "'");
        if (id == kUnk && token != kUnkToken)
            fail(lineNo, "id 1 must be <unk>, found '" + token + "'");
        tokenizer.add(token);
        lineOf.push_back(lineNo);
    }
    if (tokenizer.size() < 2)
        throw FormatError(path + ": expected at least '<blank> 0' and '<unk> 1', found " +
                          std::to_string(tokenizer.size()) + " token(s)");
    return tokenizer;
}

void CharTokenizer::save(const std::string& path) const
{
    std::string content;
    for (size_t i = 0; i < tokens_.size(); ++i) content += tokens_[i] + ' ' + std::to_string(i) + '\n';
    io::writeFileAtomic(path, content);
}

const std::string& CharTokenizer::token(int id) const
{
    if (id < 0 || id >= size())
        throw InputError("token id " + std::to_string(id) + " is out of range 0.." + std::to_string(size() - 1));
    return tokens_[static_cast<size_t>(id)];
}

int CharTokenizer::id(const std::string& token) const
{
    const auto it = ids_.find(token);
    return it == ids_.end() ? kUnk : it->second;
}

std::vector<int> CharTokenizer::encode(const std::string& text) const
{
    std::vector<int> ids;
    for (const auto& c : normalizeForCer(text)) ids.push_back(id(c));
    return ids;
}

std::string CharTokenizer::decode(const std::vector<int>& ids) const
{
    std::string text;
    for (int i : ids)
        if (i != kBlank) text += token(i);
    return text;
}

} // namespace espalier::data
