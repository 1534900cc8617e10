#!/usr/bin/env bash
# Starts or stops a throwaway PostgreSQL cluster for the tests: a fresh data folder, loopback only,
# on a free port, trusting local connections. The server refuses to run as root, so when called
# as root it runs as the `postgres` user that Debian's package creates.
# DIR keeps the cluster's state: `connection` (the libpq connection string) and `cluster` (where
# the data folder is: under /tmp, where the postgres user can reach it whoever owns DIR).
# Usage: scripts/postgres-test-cluster.sh start DIR   (prints the connection string)
#        scripts/postgres-test-cluster.sh stop DIR
set -euo pipefail

action=${1:?start or stop}
dir=${2:?cluster folder}
bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)

as_owner() {
    if [[ $(id -u) -eq 0 ]]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

case "$action" in
start)
    if [[ -f "$dir/connection" ]] && as_owner "$bin/pg_ctl" -D "$(cat "$dir/cluster")/data" status >/dev/null 2>&1; then
        cat "$dir/connection"
        exit 0
    fi
    "$0" stop "$dir"
    mkdir -p "$dir"
    cluster=$(mktemp -d /tmp/gateway-postgres.XXXXXX)
    [[ $(id -u) -eq 0 ]] && chown postgres: "$cluster"
    echo "$cluster" >"$dir/cluster"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    as_owner "$bin/initdb" -D "$cluster/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log"
    # fsync stays on: the crash tests need the durability production has.
    as_owner "$bin/pg_ctl" -D "$cluster/data" -l "$cluster/server.log" -w \
        -o "-c listen_addresses=127.0.0.1 -p $port -k $cluster -c max_connections=200" start >/dev/null
    echo "host=127.0.0.1 port=$port user=postgres dbname=postgres" >"$dir/connection"
    cat "$dir/connection"
    ;;
stop)
    if [[ -f "$dir/cluster" ]]; then
        cluster=$(cat "$dir/cluster")
        if [[ -d "$cluster/data" ]]; then
            as_owner "$bin/pg_ctl" -D "$cluster/data" -m fast -w stop >/dev/null || true
        fi
        rm -rf "$cluster"
    fi
    rm -f "$dir/connection" "$dir/cluster" "$dir/initdb.log"
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
