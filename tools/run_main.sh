#!/usr/bin/env bash
# Builds hrsnn (Release) and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
cmake --build build -j"$(nproc)"
./build/tools/hrsnn report "$@"
