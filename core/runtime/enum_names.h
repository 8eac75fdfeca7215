#pragma once
// One table per enum of the names it has in files and on command lines, so the name of a value,
// the parse of a name and the "expected a, b or c" of an error come from one place. A value may
// have more than one name (aliases): the first is its own, every one parses.
//   const EnumNames<Precision> kPrecisions{{Precision::Fp32, "fp32"}, {Precision::Bf16, "bf16"}};
//   kPrecisions.name(Precision::Bf16) == "bf16";  kPrecisions.parse("fp32") == Precision::Fp32
//   "expected " + kPrecisions.expected()  ->  "expected fp32 or bf16"
#include "core/runtime/error.h"

#include <algorithm>
#include <initializer_list>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace espalier {

// "a", "a or b", "a, b or c" (or another last conjunction: "a, b and/or c").
inline std::string joinAlternatives(const std::vector<std::string>& names, const std::string& conjunction = "or")
{
    std::string out;
    for (size_t i = 0; i < names.size(); ++i)
        out += (i == 0 ? "" : i + 1 == names.size() ? " " + conjunction + " " : ", ") + names[i];
    return out;
}

template <typename Enum>
class EnumNames {
public:
    EnumNames(std::initializer_list<std::pair<Enum, const char*>> entries) : entries_(entries) {}
    explicit EnumNames(std::vector<std::pair<Enum, const char*>> entries) : entries_(std::move(entries)) {}

    // The value's own name; "?" for a value the table lacks.
    const char* name(Enum value) const
    {
        for (const auto& [v, n] : entries_)
            if (v == value)
                return n;
        return "?";
    }

    bool has(Enum value) const
    {
        return std::any_of(entries_.begin(), entries_.end(), [value](const auto& e) { return e.first == value; });
    }

    std::optional<Enum> parse(const std::string& name) const
    {
        for (const auto& [v, n] : entries_)
            if (name == n)
                return v;
        return std::nullopt;
    }

    // The value named, or InputError "field: expected a, b or c, got 'name'".
    Enum require(const std::string& name, const std::string& field) const
    {
        if (const std::optional<Enum> value = parse(name))
            return *value;
        throw InputError(field + ": expected " + expected() + ", got '" + name + "'");
    }

    // Every value once, in the table's order.
    std::vector<Enum> values() const
    {
        std::vector<Enum> out;
        for (const auto& [v, n] : entries_)
            if (std::find(out.begin(), out.end(), v) == out.end())
                out.push_back(v);
        return out;
    }

    // Each value's own name, in the table's order.
    std::vector<std::string> names() const
    {
        std::vector<std::string> out;
        for (Enum v : values())
            out.push_back(name(v));
        return out;
    }

    // "a", "a or b", "a, b or c": the own names, for "expected ..." messages.
    std::string expected() const { return joinAlternatives(names()); }

private:
    std::vector<std::pair<Enum, const char*>> entries_;
};

} // namespace espalier
