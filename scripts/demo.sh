#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the packages, build, and open the workbench on
# the demo project (synthesised on first run). Extra arguments go to the workbench.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup-debian.sh
bash scripts/build.sh
if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "demo.sh: no display; starting the workbench under Xvfb (xvfb-run)" >&2
  exec xvfb-run -a -s "-screen 0 1600x1000x24" build/app/gui/espalier --demo "$@"
fi
exec build/app/gui/espalier --demo "$@"
