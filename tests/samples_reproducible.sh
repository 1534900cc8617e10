#!/usr/bin/env bash
# The bundled samples are exactly what the generator makes with its fixed seed.
set -euo pipefail
root=$1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
"${PYTHON:-python3}" "$root/scripts/generate-samples.py" --out "$out"
diff -r "$root/samples" "$out"
echo "samples match the generator's output"
