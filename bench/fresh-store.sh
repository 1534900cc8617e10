# Sourced by the store benchmarks. fresh_store BACKEND WORK_DIR [POSTGRES_CONNECTION]: empties the
# benchmark's store (an SQLite file in WORK_DIR, or the database `bench` of the throwaway
# PostgreSQL cluster) and prints its connection.
fresh_store() {
    if [[ $1 == sqlite ]]; then
        rm -f "$2/gateway.db"*
        echo "$2/gateway.db"
    else
        PGOPTIONS="-c client_min_messages=warning" psql "$3" \
            -qc "DROP DATABASE IF EXISTS bench" -c "CREATE DATABASE bench"
        echo "${3/dbname=postgres/dbname=bench}"
    fi
}
