#pragma once
// Turns LibTorch's c10::Error into Espalier's errors at the engine boundary, with context.
#include "core/runtime/error.h"

#include <c10/util/Exception.h>

#include <string>
#include <utility>
#include <vector>

namespace espalier::model {

// The informative line of a torch error message: its first line, or for a TorchScript interpreter failure
// the final "RuntimeError: ..." line; never the C++ backtrace LibTorch appends.
inline std::string torchMessage(const std::string& message)
{
    std::vector<std::string> lines;
    size_t start = 0;
    while (start <= message.size()) {
        size_t end = message.find('\n', start);
        if (end == std::string::npos)
            end = message.size();
        const std::string line = message.substr(start, end - start);
        if (line.find_first_not_of(" \t\r") != std::string::npos)
            lines.push_back(line);
        start = end + 1;
    }
    if (lines.empty())
        return "LibTorch error";
    if (lines.size() > 1 && lines.front().find("TorchScript interpreter") != std::string::npos)
        return lines.back();
    return lines.front();
}

inline std::string torchMessage(const c10::Error& e)
{
    return torchMessage(std::string(e.what_without_backtrace()));
}

// Calls f(); a c10::Error, or the std::runtime_error the TorchScript interpreter throws, becomes
// ErrorType("context: torch's message"). Espalier's own errors pass through.
template <typename ErrorType = Error, typename F>
auto withTorchContext(const std::string& context, F&& f) -> decltype(f())
{
    try {
        return std::forward<F>(f)();
    } catch (const Error&) {
        throw;
    } catch (const c10::Error& e) {
        throw ErrorType(context + ": " + torchMessage(e));
    } catch (const std::runtime_error& e) {
        throw ErrorType(context + ": " + torchMessage(std::string(e.what())));
    }
}

} // namespace espalier::model
