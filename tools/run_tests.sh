#!/usr/bin/env bash
# Builds hrsnn with AddressSanitizer + UndefinedBehaviorSanitizer and runs the whole test
# suite (unit, analytic, cross-model, golden and the Verilator RTL lockstep tests).
set -euo pipefail
cd "$(dirname "$0")/.."
./tools/setup.sh
build=${HRSNN_TEST_BUILD_DIR:-build-test}
cmake -S . -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DHRSNN_SANITIZE=ON -DHRSNN_BENCH=OFF
cmake --build "$build" -j"$(nproc)"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
ctest --test-dir "$build" --output-on-failure -j"$(nproc)"
