#!/usr/bin/env bash
# Builds the libFuzzer target of each adapter with clang under AddressSanitizer and runs each for
# SECONDS (default 60), starting from the seed corpus in tests/fuzz/corpus/<format>/. New inputs
# stay in a temporary folder; a crash leaves its reproducer in build-fuzz/findings/.
# Usage: scripts/fuzz.sh [SECONDS]
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

scripts/install-deps.sh --fuzz
cmake -S . -B build-fuzz -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_C_COMPILER=clang-14 \
    -DCMAKE_CXX_COMPILER=clang++-14 -DGATEWAY_FUZZ=ON -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-fuzz --target csv_fuzz xml_fuzz json_fuzz
mkdir -p build-fuzz/findings
for format in csv xml json; do
    corpus=$(mktemp -d)
    cp tests/fuzz/corpus/$format/* "$corpus"/
    echo "== fuzzing the $format adapter for ${seconds}s"
    build-fuzz/tests/fuzz/${format}_fuzz -max_total_time="$seconds" -rss_limit_mb=1024 -timeout=10 \
        -artifact_prefix=build-fuzz/findings/${format}- -print_final_stats=1 "$corpus" 2>&1 | tail -n 12
    rm -rf "$corpus"
done
echo "fuzz: no crash in any adapter"
