#!/usr/bin/env bash
# The uncached assessment of a province-sized county (BENCHMARKS.md, issue 11): the demo county
# plus 3,000 schools with a year of statistics and 60,000 teachers, on PostgreSQL and on SQLite.
# Each round changes one school (which invalidates the cached assessment) and times the next
# GET /api/v1/assessment, so every timed request computes it afresh.
# Usage: scripts/bench-province.sh [BINARY] [POSTGRES_URL]
#   (default target/release/xuequ and postgres://postgres@127.0.0.1:5432; needs curl, python3, psql)
set -euo pipefail
B=${1:-target/release/xuequ}
PG=${2:-postgres://postgres@127.0.0.1:5432}
PORT=18183
URL=http://127.0.0.1:$PORT
ROUNDS=${ROUNDS:-9}
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT

"$B" bench make-province --schools 3000 --teachers 60000 --year 2025 --dir "$work/files" >/dev/null
for backend in postgres sqlite; do
  if [ $backend = postgres ]; then
    psql "$PG/postgres" -qc "DROP DATABASE IF EXISTS xuequ_bench_province" -c "CREATE DATABASE xuequ_bench_province" >/dev/null
    export XUEQU_DATABASE_URL="$PG/xuequ_bench_province"
  else
    unset XUEQU_DATABASE_URL
  fi
  dir="$work/$backend"
  "$B" demo --data-dir "$dir" >/dev/null
  for kind in schools stats teachers; do
    "$B" import $kind --file "$work/files/$kind.xlsx" --data-dir "$dir" 2>&1 | tail -1
  done
  "$B" serve --data-dir "$dir" --listen 127.0.0.1:$PORT >/dev/null 2>&1 &
  server=$!
  until curl -sf -o /dev/null $URL/healthz; do sleep 0.05; done
  T=$(curl -s -X POST -H 'content-type: application/json' -d '{"username":"admin","password":"xuequ-demo"}' $URL/api/v1/session \
    | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
  H="Authorization: Bearer $T"
  schools=$(curl -s -H "$H" "$URL/api/v1/schools?per_page=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')
  teachers=$(curl -s -H "$H" "$URL/api/v1/teachers?per_page=1" | python3 -c 'import sys,json;print(json.load(sys.stdin)["total"])')
  echo "== $backend: $schools schools, $teachers teachers"
  id=$(curl -s -H "$H" "$URL/api/v1/schools?q=P0000001" | python3 -c 'import sys,json;print(json.load(sys.stdin)["items"][0]["id"])')
  times=()
  for round in $(seq 1 "$ROUNDS"); do
    curl -s -H "$H" "$URL/api/v1/schools/$id" | python3 -c "
import sys,json
r=json.load(sys.stdin)
for k in ['id','status','created_at','updated_at']: r.pop(k,None)
r['principal']='校长$round'
print(json.dumps(r))" > "$work/school.json"
    curl -sf -o /dev/null -X PUT -H "$H" -H 'content-type: application/json' --data @"$work/school.json" "$URL/api/v1/schools/$id"
    t=$(curl -s -o "$work/a.json" -w '%{time_total}' -H "$H" "$URL/api/v1/assessment")
    times+=("$t")
  done
  python3 - "${times[@]}" <<'PY'
import sys, statistics
t = sorted(float(x) * 1000 for x in sys.argv[1:])
print(f"uncached assessment: median {statistics.median(t):.0f} ms, min {t[0]:.0f}, max {t[-1]:.0f} ms over {len(t)} rounds ({', '.join(f'{x:.0f}' for x in t)})")
PY
  cached=$(curl -s -o /dev/null -w '%{time_total}' -H "$H" "$URL/api/v1/assessment")
  echo "cached: $(python3 -c "print(f'{$cached*1000:.1f} ms')")"
  kill $server; wait $server 2>/dev/null || true
done
