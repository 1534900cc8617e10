#!/usr/bin/env bash
# README command 1: installs what is missing, builds, and starts gatewayd in the background on
# the bundled sample data with the embedded SQLite store; waits for the first transfer to end.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)

scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DGATEWAY_WERROR=ON -DGATEWAY_BUILD_TESTS=OFF
cmake --build build -j "$(nproc)" --target gatewayd gatewayctl

pidfile=$root/var/gatewayd.pid
if [[ -f $pidfile ]] && kill -0 "$(cat "$pidfile")" 2>/dev/null; then
    echo "stopping the gatewayd already running (pid $(cat "$pidfile"))"
    kill -TERM "$(cat "$pidfile")"
    while kill -0 "$(cat "$pidfile")" 2>/dev/null; do sleep 0.2; done
fi
(umask 077 && mkdir -p "$root/var")
# A demo token with every scope, made once; the secrets file keeps only its hash, so the token
# itself is kept beside it for this demo, readable by its owner only.
token_file=$root/var/demo-token
if [[ ! -s $token_file ]]; then
    # A new secrets file holds a new regional key, under which a demo store made before cannot
    # be read: both start anew.
    rm -f "$root/var/secrets.properties" "$root/var/gateway.db" "$root/var/gateway.db-wal" \
        "$root/var/gateway.db-shm"
    (umask 077 && build/gateway/gatewayctl token add demo \
        --scopes transfers:admin,feed:read,feed:pseudonymised,audit:read \
        --config "$root/config/gateway.properties" >"$token_file")
fi
token=$(cat "$token_file")
build/gateway/gatewayd --config "$root/config/gateway.properties" --daemon --pidfile="$pidfile"

port=$(sed -n 's/^http.port *= *//p' config/gateway.properties)
python3 - "$port" "$token" <<'PY'
import json, sys, time, urllib.request
port, token = sys.argv[1], sys.argv[2]
deadline = time.time() + 120
while time.time() < deadline:
    try:
        request = urllib.request.Request(f"http://127.0.0.1:{port}/v1/transfers",
                                         headers={"Authorization": f"Bearer {token}"})
        with urllib.request.urlopen(request, timeout=2) as reply:
            transfers = json.load(reply)["transfers"]
        if transfers and all(t["state"] not in ("queued", "running") for t in transfers):
            for t in transfers:
                c = t["counts"]
                print(f"transfer {t['id']} of {t['source']}: {t['state']}, read {c['read']}, "
                      f"stored {c['stored']}, unchanged {c['unchanged']}, rejected {c['rejected']}")
            sys.exit(0)
    except OSError:
        pass
    time.sleep(0.3)
sys.exit("gatewayd did not finish its first transfers within 2 minutes; see var/log/gatewayd.log")
PY

cat <<INFO

gatewayd is running (pid $(cat "$pidfile")).
  store:    $root/var/gateway.db (SQLite)
  logs:     $root/var/log/gatewayd.log
  HTTP API: http://127.0.0.1:$port  (docs/api/openapi.yaml)
  console:  http://127.0.0.1:$port/console/  (sign in with the token below; docs/console.md)
  token:    $token_file (every scope; the secrets file var/secrets.properties keeps its hash)
  try:      curl -H "Authorization: Bearer \$(cat $token_file)" http://127.0.0.1:$port/v1/transfers
            curl -H "Authorization: Bearer \$(cat $token_file)" "http://127.0.0.1:$port/v1/feeds/service_episode?view=pseudonymised&limit=3"
  stop:     kill \$(cat $pidfile)
INFO
