#!/usr/bin/env bash
# Installs every Debian package hrsnn needs to build, test, benchmark and report.
# Idempotent: packages already present are skipped; apt-get runs only when something is missing.
set -euo pipefail

packages=(
  g++ cmake make ninja-build pkg-config git
  catch2 libbenchmark-dev
  libeigen3-dev libtomlplusplus-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libfftw3-dev libnlopt-cxx-dev libnlopt-dev libssl-dev
  verilator yosys clang-format
  python3 python3-matplotlib python3-numpy
  libopenmpi-dev openmpi-bin
  pybind11-dev python3-dev python3-pytest
  libhdf5-dev python3-h5py
  libmetis-dev
)
# Optional extras for the report's screenshot check and the Brian2 comparison benchmark.
if [[ "${HRSNN_SETUP_EXTRAS:-0}" == "1" ]]; then
  packages+=(chromium python3-brian)
fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if ((${#missing[@]} == 0)); then
  echo "setup: all ${#packages[@]} packages present"
  exit 0
fi

echo "setup: installing ${missing[*]}" >&2
SUDO=""
if [[ $(id -u) -ne 0 ]]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
echo "setup: done"
