#!/usr/bin/env bash
# Measures the console's pages over a long transfer history: gatewayd on the bundled samples
# with TRANSFERS (default 10 000) finished transfers added to its SQLite store, and each JSON
# call a console page makes timed end to end over HTTP (median of 25), beside the peer: the same
# query on the same database file through Python's sqlite3 module, in the same run. Prints
# milliseconds and the ratio.
# Usage: bench/run-console.sh [TRANSFERS] [WORK_DIR]   (BUILD_DIR=build to use an existing build)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
count=${1:-10000}
work=${2:-$(mktemp -d)}
mkdir -p "$work"

build=${BUILD_DIR:-build-bench}
scripts/install-deps.sh --test
if [[ $build == build-bench ]]; then
    cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
fi
cmake --build "$build" --target gatewayd gatewayctl >/dev/null

port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p -m 700 "$work/var"
sed -e "s#\.\./var/#$work/var/#g" -e "s#\.\./#$root/#g" -e "s#^http.port = .*#http.port = $port#" \
    -e "s#^logging.level = .*#logging.level = warning#" "$root/config/gateway.properties" \
    >"$work/gateway.properties"
token=$("$build/gateway/gatewayctl" token add bench --scopes transfers:admin \
    --config "$work/gateway.properties")
"$build/gateway/gatewayd" --config "$work/gateway.properties" >"$work/gatewayd.log" 2>&1 &
daemon=$!
trap 'kill -TERM $daemon 2>/dev/null; wait $daemon 2>/dev/null || true' EXIT
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
done
sqlite3 "$work/var/gateway.db" <<SQL
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $count)
INSERT INTO transfers (source, municipality, input, state, started_at, finished_at)
SELECT 'tampere', '837', 'history-' || i || '.csv', 'succeeded', '2024-01-01T00:00:00.000000Z',
       '2024-01-01T00:00:01.000000Z' FROM n;
SQL

python3 - "$port" "$token" "$work/var/gateway.db" "$count" <<'PY'
import json, sqlite3, statistics, sys, time, urllib.request
port, token, database, count = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])

def call(path):
    request = urllib.request.Request(f"http://127.0.0.1:{port}{path}",
                                     headers={"Authorization": f"Bearer {token}"})
    with urllib.request.urlopen(request, timeout=30) as reply:
        return json.load(reply)

deadline = time.time() + 120
while call("/v1/transfers?state=running")["transfers"] or call("/v1/transfers?state=queued")["transfers"]:
    if time.time() > deadline:
        sys.exit("the samples' transfers did not end")
    time.sleep(0.3)

COLUMNS = ("SELECT id, source, municipality, input, state, instance, started_at,"
           " COALESCE(finished_at, ''), records_read, records_stored, records_unchanged,"
           " records_rejected, digest, COALESCE(error, ''), warning, COALESCE(reprocess_of, 0),"
           " mapping_version FROM transfers ")
middle = count // 2
# Each console call, and the query a page of it rests on (None: no single query to compare).
calls = [
    ("transfers, newest page", "/v1/transfers?limit=50", COLUMNS + "ORDER BY id DESC LIMIT 50"),
    ("transfers, a page in the middle", f"/v1/transfers?limit=50&before={middle}",
     COLUMNS + f"WHERE id < {middle} ORDER BY id DESC LIMIT 50"),
    ("transfers of a municipality with few", "/v1/transfers?limit=50&municipality=536",
     COLUMNS + "WHERE municipality IN ('536') ORDER BY id DESC LIMIT 50"),
    ("transfers, the oldest page", "/v1/transfers?limit=50&before=30",
     COLUMNS + "WHERE id < 30 ORDER BY id DESC LIMIT 50"),
    ("sources", "/v1/sources", None),
    ("cut-over board", "/v1/municipalities", None),
]
database = sqlite3.connect(f"file:{database}?mode=ro", uri=True)

def median_ms(action, repeats=25):
    action()  # warm
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)

print(f"{count} transfers added to the samples' store; medians of 25, in milliseconds")
print(f"{'call':40} {'gatewayd':>9} {'sqlite3':>9} {'ratio':>7}")
for name, path, query in calls:
    api = median_ms(lambda: call(path))
    if query is None:
        print(f"{name:40} {api:9.2f} {'-':>9} {'-':>7}")
        continue
    raw = median_ms(lambda: database.execute(query).fetchall())
    print(f"{name:40} {api:9.2f} {raw:9.2f} {api / raw:7.1f}")
PY
