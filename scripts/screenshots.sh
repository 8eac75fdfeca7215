#!/usr/bin/env bash
# Starts the workbench under Xvfb on the demo project and saves a PNG of every page.
# Usage: scripts/screenshots.sh [OUT_DIR]   (default docs/screenshots)
set -euo pipefail
cd "$(dirname "$0")/.."
out=$(realpath -m "${1:-docs/screenshots}")
demo=${ESPALIER_DEMO_DIR:-$HOME/.local/share/Espalier/Espalier/demo-project}
mkdir -p "$out"
xvfb-run -a -s "-screen 0 1600x1000x24" \
  ${ESPALIER_BUILD_DIR:-build}/app/gui/espalier --demo --demo-dir "$demo" --language en --screenshots "$out"
ls -1 "$out"
