#!/usr/bin/env bash
# The Debian package: built with CPack from the build folder, its contents and dependencies
# checked with dpkg-deb, its systemd unit with systemd-analyze, and the installed gatewayd run
# from a throwaway root as an unprivileged user on bundled samples.
# Usage: deb_test.sh SOURCE_DIR BUILD_DIR
set -euo pipefail
source_dir=$1 build_dir=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAILED: $*" >&2; exit 1; }

(cd "$build_dir" && cpack -G DEB -B "$work/package" >/dev/null)
deb=$(ls "$work"/package/gateway_*_amd64.deb)

contents=$(dpkg-deb -c "$deb" | awk '{print $6}')
for path in ./usr/bin/gatewayd ./usr/bin/gatewayctl ./etc/gateway/gateway.properties \
    ./usr/lib/systemd/system/gatewayd.service ./usr/share/gateway/schemas/v1/client.schema.json \
    ./usr/share/gateway/schemas/v1/pseudonymised-view.json ./usr/share/gateway/mappings/nokia.json \
    ./usr/share/gateway/docs/alerts.yml ./usr/share/gateway/console/index.html \
    ./usr/share/gateway/console/app.js ./usr/share/gateway/console/i18n/sv.json; do
    grep -qxF "$path" <<<"$contents" || fail "the package lacks $path"
done
depends=$(dpkg-deb -f "$deb" Depends)
for package in adduser libpocofoundation80 libpocodatasqlite80 libpocodatapostgresql80 libpq5 \
    libxml2 libssl3; do
    grep -q "$package" <<<"$depends" || fail "the package does not depend on $package: $depends"
done
dpkg-deb -I "$deb" postinst | grep -q "adduser --system" || fail "postinst makes no system user"
dpkg-deb -I "$deb" conffiles | grep -qx /etc/gateway/gateway.properties ||
    fail "the configuration is no conffile"

root=$work/root
dpkg-deb -x "$deb" "$root"
unit=$root/usr/lib/systemd/system/gatewayd.service
for directive in "User=gateway" "Restart=on-failure" "UMask=0077" "NoNewPrivileges=yes" \
    "ProtectSystem=strict" "ReadWritePaths=/var/lib/gateway" "PrivateTmp=yes" "ProtectHome=yes" \
    "KillSignal=SIGTERM" "ExecStart=/usr/bin/gatewayd --config /etc/gateway/gateway.properties"; do
    grep -qxF "$directive" "$unit" || fail "the unit lacks $directive"
done
# The unit as systemd reads it, pointed at the binary where it was unpacked.
sed "s#/usr/bin/gatewayd#$root/usr/bin/gatewayd#" "$unit" >"$work/gatewayd.service"
systemd-analyze verify "$work/gatewayd.service" || fail "systemd-analyze verify"
grep -qx "http.address = 127.0.0.1" "$root/etc/gateway/gateway.properties" ||
    fail "the packaged configuration does not keep the API on loopback"

# The installed gatewayd, as user nobody, with a state folder of its own: first the packaged
# configuration (pointed at the unpacked root), then three bundled samples.
chmod 755 "$work"
state=$work/state
mkdir -m 700 "$state"
chown nobody "$state"
mkdir "$work/samples"
for m in nokia kihnio rovaniemi; do cp -r "$source_dir/samples/$m" "$work/samples/"; done
sed -e "s#/usr/share/gateway#$root/usr/share/gateway#g" -e "s#/var/lib/gateway#$state#g" \
    "$root/etc/gateway/gateway.properties" >"$work/packaged.properties"
{
    echo "store.connection = $state/samples.db"
    echo "secrets.file = $state/secrets.properties"
    echo "push.spoolDirectory = $state/push"
    echo "sources = nokia, kihnio, rovaniemi"
    for m in nokia kihnio rovaniemi; do
        echo "source.$m.mapping = $root/usr/share/gateway/mappings/$m.json"
        echo "source.$m.path = $(ls "$work"/samples/$m/* | grep -v expected-rejects)"
    done
} >"$work/samples.properties"
chmod 644 "$work"/*.properties
as_nobody() { runuser -u nobody -- "$@"; }
as_nobody "$root/usr/bin/gatewayd" --config "$work/packaged.properties" --run-once ||
    fail "the packaged configuration does not start"
out=$(as_nobody "$root/usr/bin/gatewayd" --config "$work/samples.properties" --run-once) ||
    fail "the installed gatewayd failed: $out"
[[ $(grep -c " succeeded, " <<<"$out") == 3 ]] || fail "not every transfer succeeded: $out"
[[ $(stat -c %U "$state/samples.db") == nobody ]] || fail "the store is not the user's"
echo "$out"
