#pragma once
// The export's `auto` policy timed on the target (reference.md: choose dense or sparse per layer by
// timing both where it runs): the candidate model is copied to the device and `espalier-run layout
// --json` times each candidate weight there, with the device's own kernels.
#include "core/deploy/export_options.h"

#include <map>
#include <string>

namespace espalier::deploy {

class DeviceSession;

// A timer for ExportOptions::target that runs on the session's device (the session must outlive it).
LayoutTimer layoutTimerOn(DeviceSession& session, double timeoutSeconds = 900.0);

// The runner's `layout --json` output by tensor name. FormatError naming source for anything else.
std::map<std::string, runtime::LayoutTiming> parseLayoutTimings(const std::string& runnerOutput, const std::string& source);

} // namespace espalier::deploy
