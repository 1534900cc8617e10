#!/usr/bin/env bash
# README command 2: installs what is missing, builds with warnings as errors, runs every test,
# fuzzes each adapter briefly, then builds and runs every test again under AddressSanitizer and
# UndefinedBehaviorSanitizer.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/check-format.sh

jobs=$(nproc)
run_suite() {
    local dir=$1
    shift
    cmake -S . -B "$dir" -G Ninja -DGATEWAY_WERROR=ON -DGATEWAY_BUILD_TESTS=ON "$@"
    cmake --build "$dir" -j "$jobs"
    (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 300)
}

echo "== build and test (RelWithDebInfo)"
run_suite build -DCMAKE_BUILD_TYPE=RelWithDebInfo

echo "== fuzz each adapter briefly (libFuzzer + AddressSanitizer)"
scripts/fuzz.sh 20

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
run_suite build-asan -DCMAKE_BUILD_TYPE=Debug -DGATEWAY_SANITIZE=ON
