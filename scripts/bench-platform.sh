#!/usr/bin/env bash
# The platform figures of BENCHMARKS.md for one build: start time, API and page throughput,
# the assessment and a plan over the API, and the 100,000-teacher import.
# Usage: scripts/bench-platform.sh [BINARY]   (default target/release/xuequ; needs wrk, curl, python3)
set -euo pipefail
B=${1:-target/release/xuequ}
PORT=18181
URL=http://127.0.0.1:$PORT
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

start() { # data dir → prints ms until /healthz answers
  local s; s=$(date +%s%N)
  "$B" serve --demo --data-dir "$1" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
  until curl -sf -o /dev/null $URL/healthz; do sleep 0.005; done
  echo $(( ($(date +%s%N) - s) / 1000000 ))
}
stop() { kill %1 2>/dev/null || true; wait 2>/dev/null || true; }

echo "== start to /healthz, serve --demo on a fresh SQLite file (ms)"
for i in 1 2 3 4 5; do start "$work/s$i"; stop; done | tr '\n' ' '; echo

start "$work/w" >/dev/null
T=$(curl -s -X POST -H 'content-type: application/json' -d '{"username":"admin","password":"xuequ-demo"}' $URL/api/v1/session \
  | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
C=$(curl -s -D - -o /dev/null -d 'username=admin&password=xuequ-demo' $URL/login | grep -i set-cookie | sed 's/set-cookie: //I' | cut -d';' -f1)
load() { # name, header, path: three 10 s runs at 16 connections → req/s and p99
  for i in 1 2 3; do
    wrk -t2 -c16 -d10s --latency -H "$2" "$URL$3" | awk -v n="$1" '/Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {printf "%s: %s req/s p99 %s\n", n, r, p}'
  done
}
echo "== throughput, 16 connections"
load "GET /api/v1/schools" "Authorization: Bearer $T" /api/v1/schools
load "GET /schools page" "Cookie: $C" /schools
load "GET /api/v1/assessment" "Authorization: Bearer $T" /api/v1/assessment
id=$(curl -s -X POST -H "Authorization: Bearer $T" -H 'content-type: application/json' \
  -d '{"name":"bench","settings":{"time_limit":1,"seed":1}}' $URL/api/v1/plans | python3 -c 'import sys,json;print(json.load(sys.stdin)["plan"]["id"])')
load "GET /api/v1/plans/{id}" "Authorization: Bearer $T" "/api/v1/plans/$id"
stop

echo "== import of 100,000 teachers from XLSX"
"$B" demo --data-dir "$work/i" >/dev/null
"$B" bench make-teachers --rows 100000 --out "$work/t100k.xlsx" --data-dir "$work/i" >/dev/null
"$B" import teachers --file "$work/t100k.xlsx" --data-dir "$work/i" 2>&1 | tail -1
