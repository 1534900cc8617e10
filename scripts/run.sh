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
mkdir -p "$root/var"
build/gateway/gatewayd --config "$root/config/gateway.properties" --daemon --pidfile="$pidfile"

port=$(sed -n 's/^http.port *= *//p' config/gateway.properties)
python3 - "$port" <<'PY'
import json, sys, time, urllib.request
port = sys.argv[1]
deadline = time.time() + 120
while time.time() < deadline:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/v1/transfers", timeout=2) as reply:
            transfers = json.load(reply)["transfers"]
        if transfers and all(t["state"] != "running" for t in transfers):
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
  HTTP API: http://127.0.0.1:$port  (try /healthz and /v1/transfers)
  stop:     kill \$(cat $pidfile)
INFO
