#!/usr/bin/env bash
# Measures gatewayd's memory while it accepts a push: a small export (the Nokia sample) and one of
# SIZE_MB megabytes (default 1024, the sample's rows repeated), each streamed by curl to
# POST /v1/push/536/asiakastiedot. Prints the daemon's peak RSS before and after each 202 and the
# seconds each push took (body spooled to disk and fsynced before the answer).
# Usage: bench/run-push.sh [SIZE_MB] [WORK_DIR]   (BUILD_DIR=build to use an existing build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
size=${1:-1024}
work=${2:-$(mktemp -d)}
mkdir -p "$work"

build=${BUILD_DIR:-build-bench}
scripts/install-deps.sh --test
if [[ $build == build-bench ]]; then
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target gatewayd gatewayctl >/dev/null

sample=$root/samples/nokia/asiakastiedot.csv
cp "$sample" "$work/small.csv"
python3 - "$sample" "$work/large.csv" "$size" <<'PY'
import sys
header, body = open(sys.argv[1], "rb").read().split(b"\n", 1)
with open(sys.argv[2], "wb") as out:
    out.write(header + b"\n")
    written, limit = 0, int(sys.argv[3]) * 1024 * 1024
    while written < limit:
        out.write(body)
        written += len(body)
PY

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
cat >"$work/gateway.properties" <<CONFIG
store.connection = var/gateway.db
http.port = $port
logging.level = warning
secrets.file = var/secrets.properties
push.maxBytes = 4294967296
sources = nokia
source.nokia.kind = push
source.nokia.dataset = asiakastiedot
source.nokia.mapping = $root/mappings/nokia.json
CONFIG
rm -rf "$work/var"
token=$("$build"/gateway/gatewayctl token add bench --scopes push:536 --config "$work/gateway.properties")

for export in small large; do
    "$build"/gateway/gatewayd --config "$work/gateway.properties" >"$work/$export.log" 2>&1 &
    pid=$!
    until curl -s -o /dev/null "http://127.0.0.1:$port/readyz"; do sleep 0.2; done
    before=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    start=$(date +%s.%N)
    status=$(curl -s -o /dev/null -w "%{http_code}" -X POST -T "$work/$export.csv" \
        -H "Authorization: Bearer $token" -H "Content-Type: text/csv" \
        "http://127.0.0.1:$port/v1/push/536/asiakastiedot")
    end=$(date +%s.%N)
    after=$(awk '/VmHWM/ {print $2}' "/proc/$pid/status")
    kill -9 "$pid"
    wait "$pid" 2>/dev/null || true
    python3 -c 'import os, sys; b = os.path.getsize(sys.argv[1]); print("{\"push\": \"%s\", \"bytes\": %d, \"status\": %s, \"seconds\": %.2f, \"peakRssBeforeMB\": %.1f, \"peakRssAfterMB\": %.1f}" % (sys.argv[2], b, sys.argv[3], float(sys.argv[5]) - float(sys.argv[4]), int(sys.argv[6]) / 1024, int(sys.argv[7]) / 1024))' \
        "$work/$export.csv" "$export" "$status" "$start" "$end" "$before" "$after"
done
