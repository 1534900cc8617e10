#!/usr/bin/env bash
# Benchmarks each adapter alone on a generated export of SIZE_MB (default 1024) megabytes, on one
# core, and xmllint --stream on the same XML file for comparison. Prints one JSON line per run.
# Usage: bench/run-adapters.sh [SIZE_MB] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
work=${2:-$(mktemp -d)}
mkdir -p "$work"

scripts/install-deps.sh --test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target adapter_bench >/dev/null
bench=build-bench/bench/adapter_bench

for format in csv json xml; do
    file="$work/export-${size}mb.$format"
    [[ -f $file ]] || "$bench" generate "$format" "$file" "$size"
    # Every timed read starts with its file in the page cache (the three files may not all fit):
    # the figures are the adapters' work, not the disk's, and xmllint's run gets the same start.
    cat "$file" >/dev/null
    taskset -c 0 "$bench" read "$format" "$file"
done
cat "$work/export-${size}mb.xml" >/dev/null
start=$(date +%s.%N)
taskset -c 0 xmllint --stream --noout "$work/export-${size}mb.xml"
end=$(date +%s.%N)
python3 -c "import os,sys; s=float(sys.argv[2])-float(sys.argv[1]); b=os.path.getsize(sys.argv[3])/1e6; print('{\"format\": \"xmllint --stream\", \"megabytes\": %.1f, \"seconds\": %.2f, \"megabytesPerSecond\": %.1f}' % (b, s, b/s))" "$start" "$end" "$work/export-${size}mb.xml"
