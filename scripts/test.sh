#!/usr/bin/env bash
# README command 2: installs what is missing, builds with warnings as errors, runs every test,
# fuzzes each adapter briefly, then builds and runs every test again under AddressSanitizer and
# UndefinedBehaviorSanitizer, built by clang (a second compiler's warnings, and a build about 40 %
# shorter than gcc's).
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/install-deps.sh --test
scripts/check-format.sh

jobs=$(nproc)
run_suite() {  # build folder, extra ctest arguments, cmake arguments...
    local dir=$1 ctest_args=$2
    shift 2
    cmake -S . -B "$dir" -G Ninja -DGATEWAY_WERROR=ON -DGATEWAY_BUILD_TESTS=ON "$@"
    cmake --build "$dir" -j "$jobs"
    # shellcheck disable=SC2086
    (cd "$dir" && ctest --output-on-failure -j "$jobs" --timeout 300 $ctest_args)
}

# -g1: line tables are all a failing test's backtrace needs, and full debug information of
# the JSON templates costs a fifth of the build.
echo "== build and test (RelWithDebInfo)"
run_suite build "" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O2 -g1 -DNDEBUG"

echo "== fuzz each adapter briefly (libFuzzer + AddressSanitizer)"
scripts/fuzz.sh 15

echo "== build and test under AddressSanitizer + UndefinedBehaviorSanitizer"
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=1
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
# Without the heavy end-to-end tests (crash, scale-out): unoptimised and instrumented, they would
# take minutes, and what they exercise runs in every other test here too. The sanitised build
# does not build them (nor the benchmarks).
run_suite build-sanitize "--label-exclude heavy" -DCMAKE_BUILD_TYPE=Debug \
    -DCMAKE_CXX_FLAGS_DEBUG="-g1" -DCMAKE_C_COMPILER=clang-14 -DCMAKE_CXX_COMPILER=clang++-14 \
    -DGATEWAY_SANITIZE=ON
