#!/usr/bin/env bash
# Measures `gatewayctl map` (validation on) against its peers on the same file in the same run:
# Miller (mlr) and a plain Python csv+json script doing the same renames, code recoding and
# date conversion (bench/map/). The export is ROWS service episodes, one per row (default
# 1 000 000; bench/map/make-export.py). Each tool runs RUNS times (default 3) after one read
# that puts the file in the page cache; each run prints a JSON line with records/s, CPU seconds
# (user + system) and peak RSS, and the last line gives the medians and the ratios the
# performance issue asks for: gateway/Miller records per second, Python/gateway CPU per record,
# Miller/gateway peak RSS.
# Usage: bench/run-map.sh [ROWS] [RUNS] [WORK_DIR]
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-1000000}
runs=${2:-3}
work=${3:-$(mktemp -d)}
mkdir -p "$work"

scripts/install-deps.sh --bench
cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DGATEWAY_BUILD_TESTS=OFF >/dev/null
cmake --build build-bench --target gatewayctl >/dev/null

export_file=$work/episodes-$rows.csv
[[ -f $export_file ]] || python3 bench/map/make-export.py "$rows" "$export_file"
cat "$export_file" >/dev/null  # every timed read starts from the page cache

# The code tables as Miller map literals, from the same files the mapping reads.
codes=mappings/codes
miller_map() {
    python3 -c 'import csv, json, sys; print(json.dumps({r["local"]: r["regional"] for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"), delimiter=";")}))' "$1"
}
date_iso='fmtnum(int(d[3]), "%04d") . "-" . fmtnum(int(d[2]), "%02d") . "-" . fmtnum(int(d[1]), "%02d")'
miller_program="begin {
    @services = $(miller_map $codes/legacy-services.csv);
    @producers = $(miller_map $codes/legacy-producer-types.csv);
    @referrals = $(miller_map $codes/legacy-referral-sources.csv);
}
\$entity = \"service_episode\";
\$episodeId = \$id;
\${client.identityCode} = toupper(\$hetu);
\${client.homeMunicipality} = \$kotikunta;
\$serviceType = @services[toupper(\$palvelu)];
\$organiserMunicipality = \"536\";
\${producer.name} = \$tuottaja;
\${producer.type} = @producers[\$tuottajalaji];
referral = @referrals[toupper(\$ohjaus)];
\$referralSource = is_absent(referral) ? \"other\" : referral;
d = splitax(\$alkaa, \".\");
\$startDate = $date_iso;
if (\$paattyy != \"\") { d = splitax(\$paattyy, \".\"); \$endDate = $date_iso; }"
miller_fields=entity,episodeId,client.identityCode,client.homeMunicipality,serviceType,organiserMunicipality,producer.name,producer.type,referralSource,startDate,endDate

measure() {  # name command...: one run, its output counted, one JSON line
    local name=$1
    shift
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$work/out.ndjson" 2>"$work/err" || {
        [[ $name == gateway ]] || { cat "$work/err" >&2; exit 1; }  # map exits 1 on a reject
    }
    local records
    records=$(wc -l <"$work/out.ndjson")
    read -r seconds user system kb <"$work/time"
    python3 -c 'import json, sys
name, rows, records, s, user, system, kb = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6]), int(sys.argv[7])
cpu = user + system
print(json.dumps({"tool": name, "rows": rows, "recordsOut": records, "seconds": s, "recordsPerSecond": round(rows / max(s, 0.001)), "cpuSeconds": round(cpu, 2), "cpuMicrosPerRecord": round(cpu * 1e6 / rows, 2), "peakRssMB": round(kb / 1024, 1)}))' \
        "$name" "$rows" "$records" "$seconds" "$user" "$system" "$kb" | tee -a "$work/runs.ndjson"
}

: >"$work/runs.ndjson"
for ((run = 1; run <= runs; run++)); do
    measure gateway build-bench/gateway/gatewayctl map --mapping bench/map/episodes.json \
        "$export_file"
    measure miller mlr --icsv --ojsonl --infer-none put "$miller_program" then cut -o -f "$miller_fields" \
        "$export_file"
    measure python python3 bench/map/peer.py "$codes" "$export_file"
done

python3 - "$work/runs.ndjson" <<'PY'
import json, statistics, sys
runs = [json.loads(line) for line in open(sys.argv[1])]
def median(tool, key):
    return statistics.median(r[key] for r in runs if r["tool"] == tool)
summary = {tool: {key: median(tool, key) for key in ("recordsPerSecond", "cpuMicrosPerRecord", "peakRssMB")}
           for tool in ("gateway", "miller", "python")}
summary["ratios"] = {
    "gatewayRecordsPerSecondOverMiller": round(summary["gateway"]["recordsPerSecond"] / summary["miller"]["recordsPerSecond"], 2),
    "pythonCpuPerRecordOverGateway": round(summary["python"]["cpuMicrosPerRecord"] / summary["gateway"]["cpuMicrosPerRecord"], 2),
    "millerPeakRssOverGateway": round(summary["miller"]["peakRssMB"] / summary["gateway"]["peakRssMB"], 1),
}
print(json.dumps({"medians": summary}))
PY
