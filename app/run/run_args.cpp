#include "app/run/run_args.h"

#include "core/runtime/error.h"

#include <cerrno>
#include <cstdlib>

namespace espalier::run {

ArgParser::ArgParser(std::string command, std::string usage) : command_(std::move(command)), usage_(std::move(usage))
{
}

void ArgParser::option(const std::string& name)
{
    known_[name] = true;
}

void ArgParser::flag(const std::string& name)
{
    known_[name] = false;
}

bool ArgParser::parse(const std::vector<std::string>& args)
{
    for (size_t i = 0; i < args.size(); ++i) {
        const std::string& arg = args[i];
        if (arg == "--help" || arg == "-h")
            return false;
        if (arg.size() < 2 || arg[0] != '-' || arg == "-") {
            positional_.push_back(arg);
            continue;
        }
        const size_t eq = arg.find('=');
        const std::string name = arg.substr(0, eq);
        const auto it = known_.find(name);
        if (it == known_.end())
            throw InputError(command_ + ": unknown option '" + name + "' (usage: " + usage_ + ")");
        if (!it->second) {
            if (eq != std::string::npos)
                throw InputError(command_ + ": " + name + " takes no value");
            values_[name].push_back("true");
        } else if (eq != std::string::npos) {
            values_[name].push_back(arg.substr(eq + 1));
        } else {
            if (i + 1 >= args.size())
                throw InputError(command_ + ": " + name + " needs a value");
            values_[name].push_back(args[++i]);
        }
    }
    return true;
}

bool ArgParser::has(const std::string& name) const
{
    return values_.count(name) > 0;
}

std::string ArgParser::value(const std::string& name, const std::string& fallback) const
{
    const auto it = values_.find(name);
    return it == values_.end() ? fallback : it->second.back();
}

std::vector<std::string> ArgParser::values(const std::string& name) const
{
    const auto it = values_.find(name);
    return it == values_.end() ? std::vector<std::string>{} : it->second;
}

long ArgParser::integer(const std::string& name, long fallback, long min, long max) const
{
    if (!has(name))
        return fallback;
    const std::string text = value(name);
    char* end = nullptr;
    errno = 0;
    const long v = std::strtol(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE || v < min || v > max)
        throw InputError(name + " expects an integer from " + std::to_string(min) + " to " + std::to_string(max)
                         + ", got '" + text + "'");
    return v;
}

double ArgParser::number(const std::string& name, double fallback, double min, double max) const
{
    if (!has(name))
        return fallback;
    const std::string text = value(name);
    char* end = nullptr;
    const double v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !(v >= min && v <= max))
        throw InputError(name + " expects a number from " + std::to_string(min) + " to " + std::to_string(max)
                         + ", got '" + text + "'");
    return v;
}

void ArgParser::requirePositional(const std::vector<std::string>& names) const
{
    if (positional_.size() < names.size())
        throw InputError(command_ + ": missing " + names[positional_.size()] + " (usage: " + usage_ + ")");
    if (positional_.size() > names.size())
        throw InputError(command_ + ": unexpected argument '" + positional_[names.size()] + "' (usage: " + usage_ + ")");
}

} // namespace espalier::run
