#pragma once
// Where this installation keeps espalier-run for each architecture, to push onto devices.
#include <string>

namespace espalier::deploy {

// The runner built for arch ("aarch64", "x86_64"): $ESPALIER_RUNNERS/<arch>/espalier-run, else this
// build's runners folder, else <this program's folder>/../lib/espalier/runners/<arch>/espalier-run.
// IoError saying where it looked and how to build one.
std::string findRunner(const std::string& arch);

} // namespace espalier::deploy
