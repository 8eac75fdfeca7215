#include "core/deploy/target_layout.h"

#include "core/deploy/device_session.h"
#include "core/runtime/error.h"

#include <nlohmann/json.hpp>

namespace espalier::deploy {

std::map<std::string, runtime::LayoutTiming> parseLayoutTimings(const std::string& runnerOutput, const std::string& source)
{
    nlohmann::json j;
    try {
        j = nlohmann::json::parse(runnerOutput);
    } catch (const nlohmann::json::exception&) {
        throw FormatError(source + " printed something that is not JSON: '" + runnerOutput.substr(0, 120) + "'");
    }
    if (!j.is_object() || !j.contains("tensors") || !j["tensors"].is_array())
        throw FormatError(source + ": no 'tensors' list in its output");
    std::map<std::string, runtime::LayoutTiming> timings;
    for (const nlohmann::json& t : j["tensors"]) {
        if (!t.is_object() || !t.contains("name") || !t["name"].is_string() || !t.contains("dense_us")
            || !t["dense_us"].is_number() || !t.contains("csr_us") || !t["csr_us"].is_number())
            throw FormatError(source + ": a tensor entry lacks name, dense_us or csr_us");
        timings[t["name"].get<std::string>()] = {t["dense_us"].get<double>(), t["csr_us"].get<double>()};
    }
    return timings;
}

LayoutTimer layoutTimerOn(DeviceSession& session, double timeoutSeconds)
{
    return [&session, timeoutSeconds](const std::string& candidate) {
        const std::string remote = session.stage(candidate, "models");
        const std::string out = session.runRunner({"layout", remote, "--json"}, timeoutSeconds);
        return parseLayoutTimings(out, "device '" + session.device().name + "': espalier-run layout");
    };
}

} // namespace espalier::deploy
