#include "core/augment/applied_op.h"

#include <cstdio>

namespace espalier::augment {

namespace {

std::string fixed(double v, int decimals)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.*f", decimals, v);
    return buffer;
}

std::string general(double v)
{
    char buffer[64];
    std::snprintf(buffer, sizeof buffer, "%.4g", v);
    return buffer;
}

bool endsWith(const std::string& s, const std::string& tail)
{
    return s.size() >= tail.size() && s.compare(s.size() - tail.size(), tail.size(), tail) == 0;
}

std::string fileName(const std::string& path)
{
    const size_t slash = path.find_last_of("/\\");
    return slash == std::string::npos ? path : path.substr(slash + 1);
}

std::string plural(size_t n, const std::string& what)
{
    return std::to_string(n) + " " + what + (n == 1 ? "" : "s");
}

// "type: name=value, label=text, 2 freq masks, 3 time masks" for ops without a dedicated line.
std::string generic(const AppliedOp& op)
{
    std::vector<std::string> parts;
    for (const auto& [name, v] : op.values)
        if (!endsWith(name, "_seed") && !endsWith(name, "_measured")) parts.push_back(name + "=" + general(v));
    for (const auto& [name, v] : op.labels) parts.push_back(name + "=" + v);
    size_t freq = 0, time = 0;
    for (const auto& m : op.masks) (m.axis == MaskAxis::Frequency ? freq : time)++;
    if (freq) parts.push_back(plural(freq, "freq mask"));
    if (time) parts.push_back(plural(time, "time mask"));
    std::string s = op.type;
    for (size_t i = 0; i < parts.size(); ++i) s += (i ? ", " : ": ") + parts[i];
    return s;
}

} // namespace

double AppliedOp::value(const std::string& name, double fallback) const
{
    for (const auto& [n, v] : values)
        if (n == name) return v;
    return fallback;
}

bool AppliedOp::hasValue(const std::string& name) const
{
    for (const auto& entry : values)
        if (entry.first == name) return true;
    return false;
}

std::string AppliedOp::label(const std::string& name) const
{
    for (const auto& [n, v] : labels)
        if (n == name) return v;
    return {};
}

void AppliedOp::set(const std::string& name, double v)
{
    for (auto& entry : values)
        if (entry.first == name) {
            entry.second = v;
            return;
        }
    values.emplace_back(name, v);
}

void AppliedOp::setLabel(const std::string& name, const std::string& v)
{
    for (auto& entry : labels)
        if (entry.first == name) {
            entry.second = v;
            return;
        }
    labels.emplace_back(name, v);
}

std::string AppliedOp::summary() const
{
    if (!applied) return type + ": skipped";
    if ((type == "speed" || type == "tempo") && hasValue("factor"))
        return type + " \u00d7" + fixed(value("factor", 1), 2);
    if (type == "gain" && hasValue("gain_db")) {
        const double db = value("gain_db", 0);
        std::string s = "gain " + std::string(db >= 0 ? "+" : "") + fixed(db, 1) + " dB";
        if (value("clipped_fraction_measured", 0) > 0)
            s += " (" + fixed(100.0 * value("clipped_fraction_measured", 0), 2) + " % clipped)";
        return s;
    }
    if (type == "crop" && hasValue("ratio")) {
        const double ratio = value("ratio", 1);
        return "crop \u00d7" + fixed(ratio, 2) + (ratio > 1 ? " (pad " : " (from sample ") +
               std::to_string((long long)value("start", 0)) + (ratio > 1 ? " before)" : ")");
    }
    if (type == "noise" && hasValue("snr_db")) {
        std::string s = "noise " + label("noise");
        if (!label("file").empty() && label("noise") == "file") s += " " + fileName(label("file"));
        s += " @ " + fixed(value("snr_db", 0), 1) + " dB";
        if (!label("skipped").empty()) s += " (skipped: " + label("skipped") + ")";
        return s;
    }
    if (type == "reverb") {
        if (!label("rir").empty()) return "reverb " + fileName(label("rir"));
        if (hasValue("rt60")) return "reverb RT60 " + fixed(value("rt60", 0), 2) + " s";
    }
    return generic(*this);
}

} // namespace espalier::augment
