#!/usr/bin/env bash
# Installs the Debian 12 packages the gateway needs to build, run and test.
# Idempotent: does nothing when every package is already installed.
# Usage: scripts/install-deps.sh [--test | --fuzz | --bench]   (what only the tests, the fuzzers
# or the benchmarks under bench/ need)
set -euo pipefail

packages=(
    cmake ninja-build g++ pkg-config python3
    libpoco-dev libxml2-dev nlohmann-json3-dev rapidjson-dev libboost-dev libvalijson-dev
    libcsv-dev libsqlite3-dev libpq-dev sqlite3 libssl-dev libjemalloc-dev libre2-dev
)
if [[ "${1:-}" == "--test" ]]; then
    # postgresql: the throwaway test cluster (initdb, pg_ctl) and psql; openssl and curl: the
    # HTTPS test (a certificate, a client).
    packages+=(libgtest-dev libgmock-dev clang-format libxml2-utils postgresql openssl curl)
    # prometheus: promtool, which checks /metrics and the alerting rules; util-linux: prlimit
    # (the full-disk test) and runuser; dpkg-dev and systemd: the package's dependencies and
    # its unit's check (systemd-analyze).
    packages+=(prometheus util-linux dpkg-dev systemd)
    # python3-yaml: the OpenAPI description as JSON, which the end-to-end tests check answers by.
    packages+=(python3-yaml)
    # The csv-spectrum suite comes from the npm registry at test time; any npm will do.
    command -v npm >/dev/null || packages+=(npm)
    packages+=(clang-14 libclang-rt-14-dev)
    # The console's browser test: Debian's Chromium, driven by puppeteer-core from npm at test
    # time, with a font for its screenshots.
    packages+=(chromium fonts-dejavu-core)
elif [[ "${1:-}" == "--fuzz" ]]; then
    packages+=(clang-14 libclang-rt-14-dev)
elif [[ "${1:-}" == "--bench" ]]; then
    # The store benchmark's PostgreSQL cluster; Miller and time, the map benchmark's peer and
    # its measure.
    packages+=(postgresql miller time)
fi

missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]} == 0)); then
    exit 0
fi

echo "install-deps: installing ${missing[*]}"
sudo_cmd=()
[[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
export DEBIAN_FRONTEND=noninteractive
"${sudo_cmd[@]}" apt-get update -qq
"${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
