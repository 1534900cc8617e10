#!/usr/bin/env bash
# The HTTP API's description (docs/api/openapi.yaml) validates as OpenAPI 3.0, checked by
# swagger-cli installed from the npm registry at test time, never copied into the repository.
# Usage: openapi_test.sh SOURCE_DIR
set -euo pipefail
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm install --silent --no-audit --no-fund --no-package-lock \
    @apidevtools/swagger-cli@4.0.4 >/dev/null)
"$work/node_modules/.bin/swagger-cli" validate "$1/docs/api/openapi.yaml"
