#pragma once
// espalier-run parses its own arguments (it links only the runtime): "--name value" and "--name=value"
// options, flags and positional arguments, each subcommand declaring what it takes.
#include <map>
#include <string>
#include <vector>

namespace espalier::run {

class ArgParser {
public:
    // usage: the subcommand's synopsis, quoted in errors.
    ArgParser(std::string command, std::string usage);

    void option(const std::string& name);    // takes a value; repeatable (values() gives all)
    void flag(const std::string& name);
    // Parses args; InputError naming the subcommand and the argument for anything unknown or missing.
    // Returns false when --help was given.
    bool parse(const std::vector<std::string>& args);

    bool has(const std::string& name) const;
    std::string value(const std::string& name, const std::string& fallback = {}) const;  // the last one
    std::vector<std::string> values(const std::string& name) const;
    // An integer option in [min, max], or fallback when absent.
    long integer(const std::string& name, long fallback, long min, long max) const;
    double number(const std::string& name, double fallback, double min, double max) const;
    const std::vector<std::string>& positional() const { return positional_; }
    // Exactly n positional arguments, named in the error (e.g. {"MODEL.espm", "WAV"}).
    void requirePositional(const std::vector<std::string>& names) const;

private:
    std::string command_, usage_;
    std::map<std::string, bool> known_;  // name -> takes a value
    std::map<std::string, std::vector<std::string>> values_;
    std::vector<std::string> positional_;
};

} // namespace espalier::run
