#include "core/job/shell_quote.h"

namespace espalier::job {

std::string shellJoin(const std::vector<std::string>& argv)
{
    std::string out;
    for (const auto& arg : argv) {
        // '=' is plain except in the first word, where the shell would read NAME=value as an assignment.
        const bool first = out.empty();
        if (!first)
            out += ' ';
        const char* safe = first ? "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:,+@%"
                                 : "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./=:,+@%";
        const bool plain = !arg.empty() && arg.find_first_not_of(safe) == std::string::npos;
        if (plain) {
            out += arg;
            continue;
        }
        out += '\'';
        for (char c : arg) {
            if (c == '\'')
                out += "'\\''";
            else
                out += c;
        }
        out += '\'';
    }
    return out;
}

} // namespace espalier::job
