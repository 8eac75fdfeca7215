#pragma once
// A small streaming JSON writer for the runner's machine-readable output (the runtime links no JSON
// library). Commas and escaping are handled here; the caller nests objects and arrays.
#include <cstdint>
#include <string>
#include <vector>

namespace espalier::runtime {

class JsonWriter {
public:
    JsonWriter& beginObject();
    JsonWriter& endObject();
    JsonWriter& beginArray();
    JsonWriter& endArray();
    JsonWriter& key(const std::string& name);
    JsonWriter& value(const std::string& text);
    JsonWriter& value(const char* text) { return value(std::string(text)); }
    JsonWriter& value(double number);  // non-finite numbers are written as null
    JsonWriter& value(long long number);
    JsonWriter& value(int number) { return value(static_cast<long long>(number)); }
    JsonWriter& value(bool flag);
    JsonWriter& null();
    // key(name).value(v) in one call.
    template <typename T>
    JsonWriter& field(const std::string& name, const T& v)
    {
        key(name);
        return value(v);
    }

    const std::string& str() const { return out_; }

private:
    void separate();

    std::string out_;
    std::vector<bool> empty_;  // per open container: nothing written in it yet
    bool afterKey_ = false;
};

// text as a JSON string literal, quotes included.
std::string jsonQuote(const std::string& text);

} // namespace espalier::runtime
