#!/usr/bin/env bash
# One command on a fresh Debian 12 machine: install the packages, build, run every test.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
bash scripts/setup-debian.sh
bash scripts/build.sh
export QT_QPA_PLATFORM=offscreen
ctest --test-dir build --output-on-failure -j "$(nproc)"
# Every fuzzer briefly on its committed corpus (ASan + UBSan), so a regression there fails CI too.
bash scripts/fuzz.sh all 20
echo "test.sh: install + build + tests took $(( $(date +%s) - start )) s"
