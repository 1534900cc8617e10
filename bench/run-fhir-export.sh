#!/usr/bin/env bash
# Measures a FHIR Bulk Data export's memory against the size of the store: for each size (source
# rows of a generated Effica-style export, bench/make-store-export.py), fills a fresh store with
# one transfer (`gatewayd --run-once`), then starts gatewayd on it, exports every resource type
# through GET /fhir/$export, downloads the files, and prints one JSON line per run: current
# records, resources exported, seconds, gatewayd's resident memory before the export and its
# peak. The last line gives the ratio of the largest store's peak to the smallest's: flat memory
# keeps it near 1 while the store grows tenfold.
# Usage: bench/run-fhir-export.sh [sqlite|postgresql] [ROWS...] (default: sqlite 100000 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
backend=${1:-sqlite}
shift || true
sizes=("$@")
[[ ${#sizes[@]} -gt 0 ]] || sizes=(100000 1000000)
work=$(mktemp -d)

scripts/install-deps.sh --test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target gatewayd gatewayctl >/dev/null

gatewayd_pid=""
cleanup() {
    [[ -z $gatewayd_pid ]] || kill "$gatewayd_pid" 2>/dev/null || true
    [[ $backend != postgresql ]] || scripts/postgres-test-cluster.sh stop "$work/postgres"
    rm -rf "$work"
}
trap cleanup EXIT
[[ $backend != postgresql ]] || postgres=$(scripts/postgres-test-cluster.sh start "$work/postgres")

source bench/fresh-store.sh

kb_of() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
peaks=()
for rows in "${sizes[@]}"; do
    export_file=$work/export-$rows.csv
    python3 bench/make-store-export.py samples/nokia "$rows" "$export_file"
    rm -rf "$work/var"
    cat >"$work/gateway.properties" <<CONFIG
store.backend = $backend
store.connection = $(fresh_store "$backend" "$work" "${postgres:-}")
logging.level = warning
http.address = 127.0.0.1
http.port = $port
schemas.directory = $root/schemas/v1
schemas.mapping = $root/schemas/mapping.schema.json
identity.linkTemporaryCodes = true
sources.runAtStart = false
sources = bench
source.bench.mapping = $root/mappings/nokia.json
source.bench.path = $export_file
CONFIG
    build-bench/gateway/gatewayd --config "$work/gateway.properties" --run-once >/dev/null
    token=$(build-bench/gateway/gatewayctl token add county --scopes feed:read \
        --config "$work/gateway.properties" | head -1)
    build-bench/gateway/gatewayd --config "$work/gateway.properties" >/dev/null 2>&1 &
    gatewayd_pid=$!
    until curl -sf "http://127.0.0.1:$port/readyz" >/dev/null; do sleep 0.2; done
    before=$(kb_of "$gatewayd_pid" VmRSS)
    start=$(date +%s.%N)
    status=$(curl -sf -D - -o /dev/null -H "Authorization: Bearer $token" \
        -H "Prefer: respond-async" "http://127.0.0.1:$port/fhir/\$export" |
        awk 'tolower($1) == "content-location:" {print $2}' | tr -d '\r')
    while [[ $(curl -s -o "$work/manifest.json" -w '%{http_code}' \
        -H "Authorization: Bearer $token" "$status") == 202 ]]; do sleep 0.5; done
    resources=0
    for url in $(python3 -c 'import json, sys; [print(o["url"]) for o in json.load(open(sys.argv[1]))["output"]]' "$work/manifest.json"); do
        lines=$(curl -sf -H "Authorization: Bearer $token" "$url" | wc -l)
        resources=$((resources + lines))
    done
    seconds=$(python3 -c "import sys; print('%.1f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$start" "$(date +%s.%N)")
    peak=$(kb_of "$gatewayd_pid" VmHWM)
    kill "$gatewayd_pid"
    wait "$gatewayd_pid" || true
    gatewayd_pid=""
    peaks+=("$peak")
    echo "{\"backend\": \"$backend\", \"sourceRows\": $rows, \"resourcesExported\": $resources, \"seconds\": $seconds, \"resourcesPerSecond\": $(python3 -c "print(round($resources / max($seconds, 0.1)))"), \"rssBeforeMB\": $((before / 1024)), \"peakRssMB\": $((peak / 1024))}"
done
python3 -c 'import sys; p = [int(x) for x in sys.argv[1:]]; print("{\"peakRssRatioLargestToSmallest\": %.2f}" % (p[-1] / p[0]))' "${peaks[@]}"
