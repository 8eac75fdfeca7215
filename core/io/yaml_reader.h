#pragma once
// Typed reading of YAML config fields with errors that name the file, the line and the field
// ("small.yaml:14: optimizer.lr: expected a number, got 'fast'"): shared by the model, training and
// other config readers so every config reports problems the same way.
#include "core/runtime/enum_names.h"

#include <yaml-cpp/yaml.h>

#include <optional>
#include <string>
#include <vector>

namespace espalier::io {

class YamlReader {
public:
    explicit YamlReader(std::string sourceName) : source_(std::move(sourceName)) {}

    const std::string& sourceName() const { return source_; }
    // "source:line" (the 1-based line of mark; just the source when the mark is unknown).
    std::string at(const YAML::Mark& mark) const;
    // A missing node (a key the map lacks, which yaml-cpp returns as an invalid node) has no line.
    std::string at(const YAML::Node& node) const { return node.IsDefined() ? at(node.Mark()) : source_; }
    // Throws InputError "source:line: field: problem" at node's line ("source:line: problem" for an empty field).
    [[noreturn]] void fail(const YAML::Node& node, const std::string& field, const std::string& problem) const;
    // Every reader below fails with "field: missing" for a missing node, rather than letting
    // yaml-cpp throw its own InvalidNode from under the message.
    // Fails unless map is a map whose keys are all in `keys`.
    void checkKeys(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& keys) const;

    long long integer(const YAML::Node& node, const std::string& field) const;
    int integer32(const YAML::Node& node, const std::string& field) const;
    double number(const YAML::Node& node, const std::string& field) const;  // finite
    bool boolean(const YAML::Node& node, const std::string& field) const;
    std::string string(const YAML::Node& node, const std::string& field) const;

    // One of an enum's names (enum_names.h); fails with "expected a, b or c, got 'x'".
    template <typename Enum>
    Enum choice(const YAML::Node& node, const std::string& field, const EnumNames<Enum>& names) const
    {
        const std::string name = string(node, field);
        if (const std::optional<Enum> value = names.parse(name))
            return *value;
        fail(node, field, "expected " + names.expected() + ", got " + describe(node));
    }

    // "'value'", "a map", "a list" or "nothing", for messages.
    static std::string describe(const YAML::Node& node);

private:
    void requireDefined(const YAML::Node& node, const std::string& field) const;
    std::string source_;
};

// "a, b, c".
std::string joinNames(const std::vector<std::string>& names);

} // namespace espalier::io
