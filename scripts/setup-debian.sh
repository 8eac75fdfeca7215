#!/usr/bin/env bash
# Installs the Debian 12 packages Espalier builds, runs and tests with. Idempotent.
# Usage: scripts/setup-debian.sh [--dev]   (--dev adds the Python tools that regenerate test fixtures)
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build ccache pkg-config git libbenchmark-dev
  # engine (core, runtime)
  libtorch-dev libopenblas0-pthread libblas-dev libeigen3-dev
  libsndfile1-dev libsoxr-dev libespeak-ng-dev espeak-ng-data
  nlohmann-json3-dev libyaml-cpp-dev libsqlite3-dev libcli11-dev zlib1g-dev
  # deployment lab: the aarch64 runner (cross compiler, qemu-user for its tests and the emulated
  # device), OpenSSH (client for boards; server for the tests' loopback device), adb for phones
  g++-aarch64-linux-gnu qemu-user openssh-client openssh-server adb
  # workbench (widgets, app)
  qt6-base-dev qt6-multimedia-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools
  linguist-qt6 qt6-translations-l10n libqcustomplot-dev libgl-dev
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  # running the GUI headless, screenshots, CJK text
  xvfb xauth fonts-noto-cjk
  # reliability: libFuzzer and the sanitizers (scripts/fuzz.sh)
  clang libclang-rt-dev
)
if [[ "${1:-}" == "--dev" ]]; then
  packages+=(python3-torch python3-torchaudio python3-scipy python3-numpy imagemagick poppler-utils)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [[ ${#missing[@]} -eq 0 ]]; then
  echo "setup: all ${#packages[@]} packages already installed"
  exit 0
fi

SUDO=""
[[ $(id -u) -ne 0 ]] && SUDO="sudo"
echo "setup: installing ${#missing[@]} packages: ${missing[*]}"
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
