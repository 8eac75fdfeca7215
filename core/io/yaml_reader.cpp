#include "core/io/yaml_reader.h"

#include "core/runtime/error.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace espalier::io {

std::string joinNames(const std::vector<std::string>& names)
{
    std::string out;
    for (const auto& s : names)
        out += (out.empty() ? "" : ", ") + s;
    return out;
}

std::string YamlReader::describe(const YAML::Node& node)
{
    if (!node.IsDefined())
        return "nothing";
    if (node.IsScalar())
        return "'" + node.Scalar() + "'";
    return node.IsMap() ? "a map" : node.IsSequence() ? "a list" : "nothing";
}

std::string YamlReader::at(const YAML::Mark& mark) const
{
    return source_ + (mark.line >= 0 ? ":" + std::to_string(mark.line + 1) : std::string());
}

void YamlReader::fail(const YAML::Node& node, const std::string& field, const std::string& problem) const
{
    throw InputError(at(node) + ": " + (field.empty() ? std::string() : field + ": ") + problem);
}

void YamlReader::requireDefined(const YAML::Node& node, const std::string& field) const
{
    if (!node.IsDefined())
        throw InputError(source_ + ": " + (field.empty() ? std::string() : field + ": ") + "missing");
}

void YamlReader::checkKeys(const YAML::Node& map, const std::string& prefix, const std::vector<std::string>& keys) const
{
    requireDefined(map, prefix);
    if (!map.IsMap())
        fail(map, prefix, "expected a map with " + joinNames(keys) + ", got " + describe(map));
    for (auto it = map.begin(); it != map.end(); ++it) {
        const std::string key = it->first.Scalar();
        if (std::find(keys.begin(), keys.end(), key) == keys.end())
            fail(it->first, prefix.empty() ? key : prefix + "." + key, "unknown key (expected " + joinNames(keys) + ")");
    }
}

long long YamlReader::integer(const YAML::Node& node, const std::string& field) const
{
    requireDefined(node, field);
    if (node.IsScalar()) {
        const std::string& s = node.Scalar();
        long long v = 0;
        const auto r = std::from_chars(s.data(), s.data() + s.size(), v);
        if (!s.empty() && r.ec == std::errc() && r.ptr == s.data() + s.size())
            return v;
    }
    fail(node, field, "expected a whole number, got " + describe(node));
}

int YamlReader::integer32(const YAML::Node& node, const std::string& field) const
{
    const long long v = integer(node, field);
    if (v < std::numeric_limits<int>::min() || v > std::numeric_limits<int>::max())
        fail(node, field, "number out of range: " + node.Scalar());
    return int(v);
}

double YamlReader::number(const YAML::Node& node, const std::string& field) const
{
    requireDefined(node, field);
    if (node.IsScalar()) {
        const std::string& s = node.Scalar();
        char* end = nullptr;
        const double v = std::strtod(s.c_str(), &end);
        if (!s.empty() && end == s.c_str() + s.size() && std::isfinite(v))
            return v;
    }
    fail(node, field, "expected a number, got " + describe(node));
}

bool YamlReader::boolean(const YAML::Node& node, const std::string& field) const
{
    requireDefined(node, field);
    bool value = false;
    if (node.IsScalar() && YAML::convert<bool>::decode(node, value))
        return value;
    fail(node, field, "expected true or false, got " + describe(node));
}

std::string YamlReader::string(const YAML::Node& node, const std::string& field) const
{
    requireDefined(node, field);
    if (!node.IsScalar())
        fail(node, field, "expected a string, got " + describe(node));
    return node.Scalar();
}

} // namespace espalier::io
