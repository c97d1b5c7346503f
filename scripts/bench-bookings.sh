#!/usr/bin/env bash
# The booking figures of BENCHMARKS.md (issue 12) on SQLite and PostgreSQL: "what is free" over a
# county of 2,000 facilities and 200,000 bookings, and booking creation by 32 concurrent clients
# on one hot facility and on many, with overlaps counted afterwards by a query.
# Usage: scripts/bench-bookings.sh [BINARY] [POSTGRES_URL]   (needs wrk, curl, python3, psql, sqlite3)
set -euo pipefail
B=${1:-target/release/xuequ}
PG=${2:-postgres://postgres@127.0.0.1:5432}
PORT=18184
URL=http://127.0.0.1:$PORT
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
OVERLAPS="SELECT count(*) FROM booking a JOIN booking b ON a.facility_id = b.facility_id AND a.id < b.id
  AND a.status IN ('pending','confirmed') AND b.status IN ('pending','confirmed') AND a.starts_at < b.ends_at AND b.starts_at < a.ends_at"

next_weekday() { python3 -c "
import datetime as d; t=d.date.today()+d.timedelta(days=$1)
while t.weekday()!=$2: t+=d.timedelta(days=1)
print(t)"; }
for backend in sqlite postgres; do
  if [ $backend = postgres ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS xuequ_bench_bookings" -c "CREATE DATABASE xuequ_bench_bookings" >/dev/null
    export XUEQU_DATABASE_URL="$PG/xuequ_bench_bookings"
    count() { psql "$PG/xuequ_bench_bookings" -tAc "$1"; }
  else
    unset XUEQU_DATABASE_URL
    count() { sqlite3 "$work/$backend/xuequ.db" "$1"; }
  fi
  dir="$work/$backend"
  "$B" demo --data-dir "$dir" >/dev/null
  /usr/bin/time -f "make-bookings: %e s" "$B" bench make-bookings --facilities 2000 --bookings 200000 --ids "$work/ids.txt" --data-dir "$dir" 2>&1 | tail -2
  [ $backend = postgres ] && count "ANALYZE" >/dev/null
  "$B" serve --data-dir "$dir" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
  server=$!
  until curl -sf -o /dev/null $URL/healthz; do sleep 0.05; done
  token() { curl -s -X POST -H 'content-type: application/json' -d "{\"username\":\"$1\",\"password\":\"xuequ-demo\"}" $URL/api/v1/session \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])'; }
  TEACHER=$(token teacher); ADMIN=$(token admin)
  echo "== $backend: $(count 'SELECT count(*) FROM facility') facilities, $(count 'SELECT count(*) FROM booking') bookings"
  day=$(next_weekday 3 1)
  for who in teacher admin; do
    T=$TEACHER; [ $who = admin ] && T=$ADMIN
    n=$(curl -s -H "Authorization: Bearer $T" "$URL/api/v1/facilities/free?free_from=${day}T14:00:00&free_to=${day}T15:30:00" | python3 -c 'import sys,json;print(len(json.load(sys.stdin)))')
    for i in 1 2 3; do
      wrk -t2 -c16 -d10s --latency -H "Authorization: Bearer $T" "$URL/api/v1/facilities/free?free_from=${day}T14:00:00&free_to=${day}T15:30:00" \
        | awk -v n="what is free as $who ($n facilities)" '/Requests\/sec/ {r=$2} /^ +50%/ {m=$2} /^ +99%/ {p=$2} END {printf "%s: %s req/s p50 %s p99 %s\n", n, r, m, p}'
    done
  done
  first=$(next_weekday 7 0)
  for mode in hot many; do
    before=$(count "SELECT count(*) FROM booking")
    HOT=$([ $mode = hot ] && echo 1 || echo 0) IDS="$work/ids.txt" TOKEN=$ADMIN FIRST_DAY=$first \
      wrk -t2 -c32 -d10s --latency -s "$here/bench-bookings.lua" "$URL/api/v1/bookings" \
      | awk -v n="create on $mode facilities, 32 clients" '/Requests\/sec/ {r=$2} /^ +50%/ {m=$2} /^ +99%/ {p=$2} END {printf "%s: %s req/s p50 %s p99 %s\n", n, r, m, p}'
    after=$(count "SELECT count(*) FROM booking")
    echo "  bookings made: $((after - before)); overlapping pairs afterwards: $(count "$OVERLAPS")"
  done
  kill $server; wait $server 2>/dev/null || true
done
