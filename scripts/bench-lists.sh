#!/usr/bin/env bash
# The list-search and assessment figures of BENCHMARKS.md (issue 11): the demo county plus
# 100,000 imported teachers, searched at 16 connections, on SQLite and on PostgreSQL.
# Usage: scripts/bench-lists.sh [BINARY] [POSTGRES_URL]
#   (default target/release/xuequ and postgres://postgres@127.0.0.1:5432; needs wrk, curl, python3, psql)
set -euo pipefail
B=${1:-target/release/xuequ}
PG=${2:-postgres://postgres@127.0.0.1:5432}
PORT=18182
URL=http://127.0.0.1:$PORT
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

load() { # name, header, path: three 10 s runs at 16 connections → req/s and p99
  for i in 1 2 3; do
    wrk -t2 -c16 -d10s --latency -H "$2" "$URL$3" | awk -v n="$1" '/Requests\/sec/ {r=$2} /^ +99%/ {p=$2} END {printf "%s: %s req/s p99 %s\n", n, r, p}'
  done
}

"$B" demo --data-dir "$work/gen" >/dev/null
"$B" bench make-teachers --rows 100000 --out "$work/t100k.xlsx" --data-dir "$work/gen" >/dev/null
for backend in sqlite postgres; do
  if [ $backend = postgres ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS xuequ_bench_lists" -c "CREATE DATABASE xuequ_bench_lists" >/dev/null
    export XUEQU_DATABASE_URL="$PG/xuequ_bench_lists"
  else
    unset XUEQU_DATABASE_URL
  fi
  dir="$work/$backend"
  "$B" demo --data-dir "$dir" >/dev/null
  "$B" import teachers --file "$work/t100k.xlsx" --data-dir "$dir" 2>&1 | tail -1
  "$B" serve --data-dir "$dir" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
  until curl -sf -o /dev/null $URL/healthz; do sleep 0.05; done
  T=$(curl -s -X POST -H 'content-type: application/json' -d '{"username":"admin","password":"xuequ-demo"}' $URL/api/v1/session \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  C=$(curl -s -D - -o /dev/null -d 'username=admin&password=xuequ-demo' $URL/login | grep -i set-cookie | sed 's/set-cookie: //I' | cut -d';' -f1)
  H="Authorization: Bearer $T"
  echo "== $backend: $(curl -s -H "$H" "$URL/api/v1/teachers?per_page=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])') teachers"
  # The first search after a change builds the county's name index: its time, once.
  curl -s -o /dev/null -w "first search (builds the index): %{time_total} s\n" -H "$H" "$URL/api/v1/teachers?q=%E7%8E%8B"
  load "$backend GET /api/v1/teachers?q=张" "$H" "/api/v1/teachers?q=%E5%BC%A0"
  load "$backend GET /api/v1/teachers?q=zhangw" "$H" "/api/v1/teachers?q=zhangw"
  load "$backend GET /teachers?q=zw page" "Cookie: $C" "/teachers?q=zw"
  load "$backend GET /api/v1/teachers (no search, page 50)" "$H" "/api/v1/teachers?page=50"
  load "$backend GET /api/v1/assessment" "$H" "/api/v1/assessment"
  kill %1; wait 2>/dev/null || true
done
