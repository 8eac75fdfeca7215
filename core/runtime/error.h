#pragma once
// The error types every layer of Espalier throws. They live in the runtime (the bottom layer, no
// dependencies) so the engine, the runner and the GUI share one hierarchy.
#include <stdexcept>
#include <string>

namespace espalier {

// Base of every error Espalier throws on purpose; the message is meant for the user.
class Error : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// The user handed in something invalid (bad argument, malformed file content, bad config value).
class InputError : public Error {
public:
    using Error::Error;
};

// A file or device could not be read or written.
class IoError : public Error {
public:
    using Error::Error;
};

// A file exists but is not in the expected format (corrupt, truncated, unsupported).
class FormatError : public InputError {
public:
    using InputError::InputError;
};

// A job was cancelled through its token.
class CancelledError : public Error {
public:
    CancelledError() : Error("cancelled") {}
    using Error::Error;
};

} // namespace espalier
