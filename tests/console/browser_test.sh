#!/usr/bin/env bash
# The console in a real browser: gatewayd runs on the bundled samples (every municipality's
# source), and console_test.cjs drives Debian's Chromium through it with puppeteer-core, checking
# every page with axe-core. Both come from the npm registry at test time, never copied into the
# repository. Screenshots go to GATEWAY_CONSOLE_SCREENSHOTS (docs/console/ to refresh the ones the
# docs show), else into the work folder.
# Usage: browser_test.sh GATEWAYD GATEWAYCTL SOURCE_DIR
set -euo pipefail
gatewayd=$1 gatewayctl=$2 source_dir=$3
work=$(mktemp -d)
daemon=""
cleanup() {
    [[ -n $daemon ]] && kill -TERM "$daemon" 2>/dev/null && wait "$daemon" || true
    rm -rf "$work"
}
trap cleanup EXIT

(cd "$work" && npm install --silent --no-audit --no-fund --no-package-lock \
    puppeteer-core@24.43.1 axe-core@4.14.1 >/dev/null)

# A free port below the kernel's range for outgoing connections, as the C++ tests draw theirs
# (tests/e2e/process.cpp, freeLoopbackPort).
port=$(python3 -c '
import random, socket
while True:
    port = random.randint(10000, 32000)
    try:
        socket.socket().bind(("127.0.0.1", port))
        print(port)
        break
    except OSError:
        pass')
mkdir -m 700 "$work/var"
# The bundled configuration, its paths into the source tree and its state into the work folder.
sed -e "s#\.\./var/#$work/var/#g" -e "s#\.\./#$source_dir/#g" \
    -e "s#^http.port = .*#http.port = $port#" -e "s#^logging.file = .*##" \
    "$source_dir/config/gateway.properties" >"$work/gateway.properties"
# Beside the bundled file sources, Nokia also pushes: a frozen municipality's push is refused.
sed -i "s#^sources = \(.*\)#sources = \1, nokia-push#" "$work/gateway.properties"
cat >>"$work/gateway.properties" <<PROPERTIES
source.nokia-push.kind = push
source.nokia-push.dataset = asiakastiedot
source.nokia-push.mapping = $source_dir/mappings/nokia.json
PROPERTIES
config=$work/gateway.properties
"$gatewayctl" token add admin --scopes transfers:admin,feed:read,audit:read --config "$config" \
    >"$work/admin.token"
"$gatewayctl" token add viewer --scopes push:536,audit:read --config "$config" >"$work/viewer.token"

"$gatewayd" --config "$config" >"$work/gatewayd.log" 2>&1 &
daemon=$!
# A long history: 10 000 finished transfers of years past, so that the pages are tried at the
# size the issue names (keyset paging, never a count of everything).
for _ in $(seq 100); do
    curl -sf "http://127.0.0.1:$port/readyz" >/dev/null && break
    sleep 0.2
done
sqlite3 "$work/var/gateway.db" <<'SQL'
.timeout 30000
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
INSERT INTO transfers (source, municipality, input, state, started_at, finished_at)
SELECT 'tampere', '837', 'history-' || i || '.csv', 'succeeded', '2024-01-01T00:00:00.000000Z',
       '2024-01-01T00:00:01.000000Z' FROM n;
SQL

export GATEWAY_URL=http://127.0.0.1:$port
export ADMIN_TOKEN=$(cat "$work/admin.token") VIEWER_TOKEN=$(cat "$work/viewer.token")
export CONSOLE_DIR=$source_dir/gateway/console SOURCE_DIR=$source_dir
export BUNDLED_SOURCES=$(sed -n 's/^sources = //p' "$source_dir/config/gateway.properties")
export SCREENSHOTS=${GATEWAY_CONSOLE_SCREENSHOTS:-$work/screenshots}
export DOWNLOADS=$work/downloads
mkdir -p "$SCREENSHOTS" "$DOWNLOADS"
NODE_PATH=$work/node_modules node "$(dirname "$0")/console_test.cjs" || {
    echo "--- gatewayd's log"
    tail -50 "$work/gatewayd.log"
    exit 1
}
