#!/usr/bin/env bash
# The library figures of BENCHMARKS.md (issue 14) on SQLite: upload throughput for 1 MB and 50 MB
# files (a video: stored by hash, no text to read) and for 1 MB Word files (text read and
# indexed), each file different, one at a time as a teacher's browser sends them; then
# `xuequ reindex` of everything uploaded plus the demo's resources, with the server stopped.
# Usage: scripts/bench-library.sh [BINARY] [EXTRA]   (needs curl, python3)
#   EXTRA: how many more 20 KB Word files to upload before the reindex (default 5000).
set -euo pipefail
B=${1:-target/release/xuequ}
EXTRA=${2:-5000}
PORT=18185
URL=http://127.0.0.1:$PORT
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null; rm -rf "$work"' EXIT
"$B" serve --demo --data-dir "$work/data" --listen 127.0.0.1:$PORT --max-file-mb 100 >"$work/log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -sf $URL/healthz >/dev/null && break; sleep 0.2; done
T=$(curl -s -X POST $URL/api/v1/session -H 'content-type: application/json' \
  -d '{"username":"teacher","password":"xuequ-demo"}' | python3 -c 'import sys,json;print(json.load(sys.stdin)["token"])')
python3 - "$work" "$EXTRA" <<'PY'
import os, sys, zipfile, io
work, extra = sys.argv[1], int(sys.argv[2])
def mp4(n, seed):
    head = b"\0\0\0\x18ftypmp42\0\0\0\0mp42isom"
    return head + os.urandom(n - len(head))
def docx(text):
    b = io.BytesIO()
    with zipfile.ZipFile(b, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", '<w:document xmlns:w="w"><w:body>' + "".join(f"<w:p><w:r><w:t>{t}</w:t></w:r></w:p>" for t in text) + "</w:body></w:document>")
    return b.getvalue()
os.makedirs(f"{work}/f", exist_ok=True)
for i in range(20):
    open(f"{work}/f/v1-{i}.mp4", "wb").write(mp4(1 << 20, i))
for i in range(5):
    open(f"{work}/f/v50-{i}.mp4", "wb").write(mp4(50 << 20, i))
lines = ["一元二次方程的解法：配方法、公式法、因式分解法。", "光合作用把二氧化碳和水合成有机物。", "朱自清《背影》中父亲的形象。"]
for i in range(20):
    # A 1 MB Word file: incompressible noise in a part nobody reads, and 20,000 characters of text.
    d = io.BytesIO(docx([f"第{i}份 {lines[k % 3]} {k}" for k in range(800)]))
    z = zipfile.ZipFile(d, "a", zipfile.ZIP_STORED); z.writestr("word/media/image1.png", os.urandom(1 << 20)); z.close()
    open(f"{work}/f/w1-{i}.docx", "wb").write(d.getvalue())
for i in range(extra):
    open(f"{work}/f/s-{i}.docx", "wb").write(docx([f"第{i}号教案 {lines[i % 3]}"] * 20))
PY
upload() {  # file → seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H "Authorization: Bearer $T" -F subject=math -F kind=courseware \
    -F sharing=cluster -F "title=bench" -F "file=@$1" $URL/api/v1/resources
}
stats() {  # label, MB per file, times on stdin
  python3 -c "
import sys, statistics as s
t = sorted(float(x) for x in sys.stdin if x.strip())
print(f'$1: n={len(t)} median {s.median(t)*1000:.0f} ms (min {t[0]*1000:.0f}, max {t[-1]*1000:.0f}), {float($2)/s.median(t):.0f} MB/s')"
}
for f in "$work"/f/v1-*.mp4; do upload "$f"; done | stats "1 MB video" 1
for f in "$work"/f/w1-*.docx; do upload "$f"; done | stats "1 MB Word (text read and indexed)" 1
for f in "$work"/f/v50-*.mp4; do upload "$f"; done | stats "50 MB video" 50
start=$(date +%s.%N)
for f in "$work"/f/s-*.docx; do upload "$f" >/dev/null; done
echo "$EXTRA small Word files: $(python3 -c "print(f'{$EXTRA/($(date +%s.%N)-$start):.0f} a second')")"
kill $server; wait $server 2>/dev/null || true
echo "resources in the database: $(sqlite3 "$work/data/xuequ.db" "select count(*) from library_resource where status='active'")"
for run in 1 2 3; do
  /usr/bin/time -f "reindex run $run: %e s, peak %M KB" "$B" reindex --data-dir "$work/data" 2>&1 | grep -v "^$" | tail -2
done
