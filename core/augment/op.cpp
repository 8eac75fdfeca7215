#include "core/augment/op.h"

#include "core/runtime/error.h"

#include <charconv>
#include <cmath>
#include <filesystem>
#include <sstream>
#include <stdexcept>

namespace espalier::augment {

namespace {

std::string formatNumber(double v)
{
    std::ostringstream out;
    out.imbue(std::locale::classic());
    out << v;
    return out.str();
}

std::string formatList(const std::vector<double>& values)
{
    std::string s = "[";
    for (size_t i = 0; i < values.size(); ++i) s += (i ? ", " : "") + formatNumber(values[i]);
    return s + "]";
}

std::string joinNames(const std::vector<std::string>& names)
{
    std::string s;
    for (size_t i = 0; i < names.size(); ++i) s += (i ? ", " : "") + names[i];
    return s;
}

const char* kindName(const ParamValue& v)
{
    switch (v.index()) {
    case 0: return "a number";
    case 1: return "a string";
    case 2: return "a list of numbers";
    default: return "a list of strings";
    }
}

// A string the YAML layer left unparsed ("0.9") read as a number; false when it is not one.
bool parseNumber(const std::string& text, double& out)
{
    if (text.empty()) return false;
    const char* begin = text.data();
    if (*begin == '+') ++begin;
    const auto [end, ec] = std::from_chars(begin, text.data() + text.size(), out);
    return ec == std::errc() && end == text.data() + text.size();
}

} // namespace

ParamReader::ParamReader(const ParamMap& params, const OpContext& context, const std::vector<ParamSpec>& specs)
    : params_(params), context_(context), specs_(specs)
{
    std::vector<std::string> known;
    for (const auto& s : specs_) known.push_back(s.name);
    for (const auto& [name, value] : params_) {
        bool found = false;
        for (const auto& s : specs_) found = found || s.name == name;
        if (!found) {
            const std::string prefix = context_.where.empty() ? std::string() : context_.where + ": ";
            throw InputError(prefix + "unknown parameter '" + name + "' (known: " + joinNames(known) + ")");
        }
    }
    for (const auto& s : specs_)
        if (s.required && !params_.count(s.name)) fail(s.name, "is required");
}

const ParamSpec& ParamReader::spec(const std::string& name) const
{
    for (const auto& s : specs_)
        if (s.name == name) return s;
    throw std::logic_error("ParamReader: no spec for parameter '" + name + "'");
}

const ParamValue& ParamReader::value(const std::string& name) const
{
    const auto it = params_.find(name);
    return it != params_.end() ? it->second : spec(name).defaultValue;
}

bool ParamReader::has(const std::string& name) const
{
    spec(name);
    return params_.count(name) > 0;
}

void ParamReader::fail(const std::string& name, const std::string& problem) const
{
    const std::string prefix = context_.where.empty() ? std::string() : context_.where + ": ";
    throw InputError(prefix + "'" + name + "' " + problem);
}

std::vector<double> ParamReader::numbers(const std::string& name) const
{
    const ParamSpec& s = spec(name);
    const ParamValue& v = value(name);
    std::vector<double> out;
    if (const auto* d = std::get_if<double>(&v)) {
        out = {*d};
    } else if (const auto* list = std::get_if<std::vector<double>>(&v)) {
        out = *list;
    } else if (const auto* text = std::get_if<std::string>(&v)) {
        double d = 0;
        if (!parseNumber(*text, d)) fail(name, "must be a number, got '" + *text + "'");
        out = {d};
    } else {
        const auto& strings = std::get<std::vector<std::string>>(v);
        for (const auto& text : strings) {
            double d = 0;
            if (!parseNumber(text, d)) fail(name, "must be a list of numbers, got '" + text + "' in it");
            out.push_back(d);
        }
    }
    for (double d : out) {
        if (!std::isfinite(d)) fail(name, "must be a finite number, got " + formatNumber(d));
        if (s.min != s.max && (d < s.min || d > s.max))
            fail(name, "must be within [" + formatNumber(s.min) + ", " + formatNumber(s.max) + "], got " +
                           formatNumber(d));
    }
    return out;
}

double ParamReader::number(const std::string& name) const
{
    const ParamValue& v = value(name);
    if (v.index() == 2 || v.index() == 3) {
        const size_t n = v.index() == 2 ? std::get<2>(v).size() : std::get<3>(v).size();
        if (n != 1) fail(name, std::string("must be a single number, got ") + kindName(v));
    }
    return numbers(name).front();
}

int ParamReader::integer(const std::string& name) const
{
    const double d = number(name);
    if (d != std::floor(d) || std::fabs(d) > 1e9) fail(name, "must be a whole number, got " + formatNumber(d));
    return int(d);
}

std::vector<std::string> ParamReader::choices(const std::string& name) const
{
    const ParamSpec& s = spec(name);
    const ParamValue& v = value(name);
    std::vector<std::string> out;
    if (const auto* text = std::get_if<std::string>(&v))
        out = {*text};
    else if (const auto* list = std::get_if<std::vector<std::string>>(&v))
        out = *list;
    else if (const auto* numbersList = std::get_if<std::vector<double>>(&v); numbersList && numbersList->empty())
        out = {};
    else
        fail(name, std::string("must be ") + (s.kind == ParamSpec::Kind::ChoiceList ? "a list of names" : "a name") +
                       (s.choices.empty() ? "" : " among " + joinNames(s.choices)) + ", got " + kindName(v));
    if (!s.choices.empty()) {
        for (const auto& c : out) {
            bool ok = false;
            for (const auto& known : s.choices) ok = ok || known == c;
            if (!ok) fail(name, "has unknown value '" + c + "' (choices: " + joinNames(s.choices) + ")");
        }
    }
    return out;
}

std::string ParamReader::choice(const std::string& name) const
{
    const auto list = choices(name);
    if (list.size() != 1) fail(name, "must be a single name, got " + std::to_string(list.size()));
    return list.front();
}

std::string ParamReader::path(const std::string& name) const
{
    const ParamValue& v = value(name);
    const auto* text = std::get_if<std::string>(&v);
    if (!text) fail(name, std::string("must be a file path, got ") + kindName(v));
    if (text->empty()) return {};
    std::filesystem::path p(*text);
    if (p.is_relative() && !context_.baseDir.empty()) p = std::filesystem::path(context_.baseDir) / p;
    return p.lexically_normal().string();
}

std::pair<double, double> ParamReader::range(const std::string& name) const
{
    const auto values = numbers(name);
    if (values.size() == 1) return {values[0], values[0]};
    if (values.size() != 2)
        fail(name, "must be [lo, hi] (two numbers) or one number, got " + formatList(values));
    if (values[0] > values[1]) fail(name, "must be [lo, hi] with lo <= hi, got " + formatList(values));
    return {values[0], values[1]};
}

void Op::setProbability(double p)
{
    if (!(p >= 0.0 && p <= 1.0))
        throw InputError("'probability' must be within [0, 1], got " + formatNumber(p));
    probability_ = p;
}

} // namespace espalier::augment
