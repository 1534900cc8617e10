#!/usr/bin/env bash
# Measures stored records per second on each store backend: one transfer of a generated
# Effica-style export of ROWS rows (default 1 000 000; bench/make-store-export.py) through
# `gatewayd --run-once`, parse, mapping, validation and durable storage included, on a fresh
# SQLite file and on a fresh database of a throwaway PostgreSQL cluster on loopback. In the same
# run it measures each store's own limit for the same rows (bench/store_limit: the sqlite3 C API
# into the layout the performance issue measures against, schema version 7, with the same
# durability, and PostgreSQL's COPY into its records table), and for reference the pipeline alone (`gatewayctl map`, writing the regional records as
# NDJSON) and each store alone (bench/store_bench, storing that NDJSON through the gateway's sink).
# Each is run RUNS times (default 3); one JSON line per run, with peak RSS, and last the medians
# and the ratios the performance issue asks for: each whole transfer's stored regional records
# per second over its store's limit.
# Usage: bench/run-store.sh [ROWS] [RUNS] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
rows=${1:-1000000}
runs=${2:-3}
work=${3:-$(mktemp -d)}
mkdir -p "$work"

scripts/install-deps.sh --test
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target gatewayd gatewayctl store_bench store_limit >/dev/null

export_file=$work/export-$rows.csv
[[ -f $export_file ]] || python3 bench/make-store-export.py samples/nokia "$rows" "$export_file"

cluster=$work/postgres
trap 'scripts/postgres-test-cluster.sh stop "$cluster"' EXIT
postgres=$(scripts/postgres-test-cluster.sh start "$cluster")

report() {  # name seconds peak_kb stored_records
    python3 -c 'import sys; n, s, kb, stored, rows = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]); print("{\"run\": \"%s\", \"sourceRecords\": %d, \"regionalRecordsStored\": %d, \"seconds\": %.1f, \"sourceRecordsPerSecond\": %.0f, \"regionalRecordsPerSecond\": %.0f, \"peakRssMB\": %.1f}" % (n, rows, stored, s, rows / s, stored / s, kb / 1024))' "$@" "$rows" |
        tee -a "$work/runs.ndjson"
}

timed() {  # output_file command...
    local out=$1
    shift
    /usr/bin/time -f "%e %M" -o "$work/time" "$@" >"$out"
    cat "$work/time"
}

regional=$work/regional-$rows.ndjson
source bench/fresh-store.sh
: >"$work/runs.ndjson"

for ((run = 1; run <= runs; run++)); do
    read -r seconds kb < <(timed "$regional" build-bench/gateway/gatewayctl map \
        --mapping mappings/nokia.json --link-temporary-codes "$export_file")
    report "pipeline alone, to an NDJSON file (gatewayctl map)" "$seconds" "$kb" 0

    for backend in sqlite postgresql; do
        build-bench/bench/store_limit "$backend" "$(fresh_store "$backend" "$work" "$postgres")" \
            "$regional" | tee -a "$work/runs.ndjson"
        build-bench/bench/store_bench "$backend" "$(fresh_store "$backend" "$work" "$postgres")" \
            "$regional" | tee -a "$work/runs.ndjson"

        connection=$(fresh_store "$backend" "$work" "$postgres")
        cat >"$work/gateway.properties" <<CONFIG
store.backend = $backend
store.connection = $connection
logging.level = warning
schemas.directory = $root/schemas/v1
schemas.mapping = $root/schemas/mapping.schema.json
identity.linkTemporaryCodes = true
sources = bench
source.bench.mapping = $root/mappings/nokia.json
source.bench.path = $export_file
CONFIG
        read -r seconds kb < <(timed "$work/run.out" build-bench/gateway/gatewayd \
            --config "$work/gateway.properties" --run-once)
        if [[ $backend == sqlite ]]; then
            stored=$(sqlite3 "$connection" "SELECT COUNT(*) FROM records")
        else
            stored=$(psql "$connection" -tAc "SELECT COUNT(*) FROM records")
        fi
        report "$backend: the whole transfer (gatewayd --run-once)" "$seconds" "$kb" "$stored"
    done
done

python3 - "$work/runs.ndjson" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
medians = {}
for name in dict.fromkeys(r["run"] for r in runs):
    of = [r for r in runs if r["run"] == name]
    medians[name] = {key: statistics.median(r[key] for r in of)
                     for key in ("regionalRecordsPerSecond", "peakRssMB") if key in of[0]}
def rate(prefix):
    return next(v["regionalRecordsPerSecond"] for k, v in medians.items() if k.startswith(prefix))
ratios = {f"{b}WholeTransferOverLimit": round(rate(f"{b}: the whole transfer") / rate(f"{b}: the store's own limit"), 2)
          for b in ("sqlite", "postgresql")}
print(json.dumps({"medians": medians, "ratios": ratios}))
PY
