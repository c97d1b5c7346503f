#!/usr/bin/env bash
# The running-a-cluster figures of BENCHMARKS.md (issue 15) on SQLite (or PostgreSQL with a
# second argument `postgres://…`):
#  1. check-in throughput: 500 teachers (accounts linked to their records, signed in beforehand)
#     check in to one activity with the code shown at the venue, 50 at a time, as fast as the
#     server answers; the code is read again every 10 s as the venue's screen would show it;
#  2. the cluster calendar for a year of activities: one cluster with ~1,000 activities over the
#     year (four a school day) besides the demo's; its month page and the year through the API,
#     latency percentiles with wrk.
# Usage: scripts/bench-running.sh [BINARY] [DATABASE_URL]   (needs curl, python3 with requests, wrk)
set -euo pipefail
B=${1:-target/release/xuequ}
DB=${2:-}
PORT=18186
URL=http://127.0.0.1:$PORT
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
extra=()
if [ -n "$DB" ]; then extra=(--database-url "$DB"); fi
"$B" serve --demo --data-dir "$work/data" --listen 127.0.0.1:$PORT "${extra[@]}" >"$work/log" 2>&1 &
for _ in $(seq 1 200); do curl -sf $URL/healthz >/dev/null && break; sleep 0.3; done
python3 - "$URL" "$work" <<'PY'
import sys, json, time, threading, statistics, datetime, requests
from concurrent.futures import ThreadPoolExecutor
url, work = sys.argv[1], sys.argv[2]
api = url + "/api/v1"
def token(user, password="xuequ-demo"):
    r = requests.post(api + "/session", json={"username": user, "password": password}); r.raise_for_status()
    return r.json()["token"]
def h(t): return {"authorization": "Bearer " + t}
admin, head = token("admin"), token("head")
me = requests.get(api + "/me", headers=h(head)).json()
district = me["actor"]["cluster_id"]
schools = requests.get(api + "/schools?per_page=500", headers=h(admin)).json()["items"]
school_ids = [s["id"] for s in schools]
teachers = []
for s in school_ids:
    teachers += requests.get(api + f"/teachers?school_id={s}&per_page=100", headers=h(admin)).json()["items"]
    if len(teachers) >= 600: break
# 500 accounts linked to teacher records (skipping those the demo linked already).
t0 = time.time()
tokens, made = [], 0
session = requests.Session()
for t in teachers:
    if made == 500: break
    name = f"bench{t['id']}"
    r = session.post(api + "/users", headers=h(admin), json={"username": name, "display_name": t["name"], "password": "bench-pass-1", "role": "teacher", "school_id": t["school_id"]})
    if r.status_code != 201: continue
    r = session.put(api + f"/users/{r.json()['user']['id']}/teacher", headers=h(admin), json={"staff_no": t["staff_no"]})
    if r.status_code != 200: continue
    made += 1
    tokens.append(name)
print(f"setup: {made} linked accounts in {time.time()-t0:.1f} s", flush=True)
with ThreadPoolExecutor(8) as pool:
    tokens = list(pool.map(lambda n: token(n, "bench-pass-1"), tokens))
def local(minutes):
    t = datetime.datetime.utcnow() + datetime.timedelta(hours=8, minutes=minutes)
    return t.strftime("%Y-%m-%dT%H:%M:%S")
act = requests.post(api + "/activities", headers=h(head), json={
    "kind": "training", "title": "全县新课标培训（签到压测）", "cluster_id": district, "host_school_id": me["actor"]["cluster_school_ids"][0],
    "starts_at": local(-5), "ends_at": local(175), "invited": school_ids}).json()
aid = act["id"]
code = {"now": requests.get(api + f"/activities/{aid}/code", headers=h(head)).json()["code"]}
stop = threading.Event()
def refresh():
    while not stop.wait(10):
        code["now"] = requests.get(api + f"/activities/{aid}/code", headers=h(head)).json()["code"]
threading.Thread(target=refresh, daemon=True).start()
local_sessions = threading.local()
def check_in(t):
    s = getattr(local_sessions, "s", None) or requests.Session(); local_sessions.s = s
    start = time.perf_counter()
    r = s.post(api + f"/activities/{aid}/checkin", headers=h(t), json={"code": code["now"]})
    return r.status_code, (time.perf_counter() - start) * 1000
t0 = time.time()
with ThreadPoolExecutor(50) as pool:
    results = list(pool.map(check_in, tokens))
wall = time.time() - t0
stop.set()
ok = sum(1 for s, _ in results if s == 200)
lat = sorted(ms for _, ms in results)
q = lambda p: lat[min(len(lat) - 1, int(p * len(lat)))]
print(f"check-in: {ok}/{len(results)} accepted in {wall:.2f} s = {len(results)/wall:.0f}/s; latency p50 {q(.5):.0f} ms, p95 {q(.95):.0f} ms, p99 {q(.99):.0f} ms, max {lat[-1]:.0f} ms", flush=True)
detail = requests.get(api + f"/activities/{aid}", headers=h(head)).json()
print(f"check-in: the activity shows {detail['present']} present", flush=True)
# A year of activities in the district: four each school day.
year = datetime.date.today().year
day, made, t0 = datetime.date(year, 1, 1), 0, time.time()
kinds = ["same_lesson", "joint_research", "collective_preparation", "observation"]
while day.year == year:
    if day.weekday() < 5:
        for k, hour in enumerate([8, 10, 14, 16]):
            r = session.post(api + "/activities", headers=h(head), json={"kind": kinds[k], "title": f"{day} 第{k+1}场教研", "cluster_id": district,
                "host_school_id": me["actor"]["cluster_school_ids"][k % len(me["actor"]["cluster_school_ids"])],
                "starts_at": f"{day}T{hour:02}:00:00", "ends_at": f"{day}T{hour+1:02}:30:00"})
            made += r.status_code == 201
    day += datetime.timedelta(days=1)
print(f"setup: {made} more activities in the district over {year} in {time.time()-t0:.1f} s", flush=True)
r = requests.post(url + "/login", data={"username": "head", "password": "xuequ-demo"}, allow_redirects=False)
cookie = r.headers["set-cookie"].split(";")[0]
open(f"{work}/cookie", "w").write(cookie)
open(f"{work}/token", "w").write(head)
open(f"{work}/month", "w").write(f"/activities/calendar?cluster={district}&date={year}-11-01")
open(f"{work}/week", "w").write(f"/activities/calendar?cluster={district}&date={year}-11-16&view=week")
open(f"{work}/year", "w").write(f"/api/v1/cluster-calendar?cluster={district}&from={year}-01-01&to={year}-12-31")
n = len(requests.get(url + open(f"{work}/year").read(), headers=h(head)).json())
print(f"calendar: the year holds {n} events", flush=True)
PY
for what in month week; do
  echo "calendar: $what page, 2 connections, 20 s:"
  wrk -t2 -c2 -d20s --latency -H "Cookie: $(cat "$work/cookie")" "$URL$(cat "$work/$what")" | grep -E "Requests/sec|50%|90%|99%"
done
echo "calendar: the year through the API, 2 connections, 20 s:"
wrk -t2 -c2 -d20s --latency -H "Authorization: Bearer $(cat "$work/token")" "$URL$(cat "$work/year")" | grep -E "Requests/sec|50%|90%|99%"
