#pragma once
// Reading fields of JSON that a device or a file handed in (runner output, probes, sessions): a
// missing or null field is the fallback, a field of the wrong type or out of range is a FormatError
// naming the source and the field — never a library exception or an undefined conversion.
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

namespace espalier::io {

template <typename T>
T jsonField(const nlohmann::json& j, const char* key, const T& fallback, const std::string& source)
{
    if (!j.is_object() || !j.contains(key) || j[key].is_null())
        return fallback;
    const nlohmann::json& v = j[key];
    const auto bad = [&](const char* what) { return FormatError(source + ": field '" + key + "' " + what); };
    if constexpr (std::is_same_v<T, bool>) {
        if (!v.is_boolean())
            throw bad("is not true or false");
        return v.get<bool>();
    } else if constexpr (std::is_integral_v<T>) {
        if (!v.is_number_integer())
            throw bad("is not a whole number");
        if (v.is_number_unsigned()) {
            const auto u = v.get<unsigned long long>();
            if (u > static_cast<unsigned long long>(std::numeric_limits<T>::max()))
                throw bad("is out of range");
            return static_cast<T>(u);
        }
        const auto i = v.get<long long>();
        if (i < static_cast<long long>(std::numeric_limits<T>::min())
            || (std::is_signed_v<T> && i > static_cast<long long>(std::numeric_limits<T>::max())))
            throw bad("is out of range");
        return static_cast<T>(i);
    } else if constexpr (std::is_floating_point_v<T>) {
        if (!v.is_number())
            throw bad("is not a number");
        const double d = v.get<double>();
        if (std::isfinite(d) && std::fabs(d) > static_cast<double>(std::numeric_limits<T>::max()))
            throw bad("is out of range");
        return static_cast<T>(d);
    } else {
        try {
            return v.get<T>();
        } catch (const nlohmann::json::exception&) {
            throw bad("has the wrong type");
        }
    }
}

// The same for a field that must be there: missing or null is a FormatError too.
template <typename T>
T jsonRequired(const nlohmann::json& j, const char* key, const std::string& source)
{
    if (!j.is_object() || !j.contains(key) || j[key].is_null())
        throw FormatError(source + ": field '" + key + "' is missing");
    return jsonField<T>(j, key, T{}, source);
}

} // namespace espalier::io
