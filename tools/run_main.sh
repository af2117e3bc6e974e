#!/usr/bin/env bash
# Builds hrsnn (Release) and runs the main job.
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release
# Only the CLI the main job runs (the tests and benchmarks are built by tools/run_tests.sh).
cmake --build build -j"$(nproc)" --target hrsnn
./build/tools/hrsnn report "$@"
