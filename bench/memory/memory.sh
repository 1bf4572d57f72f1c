#!/usr/bin/env bash
# Resident memory of the server over the 3,000-task workload and a soak of the public form (issue 13 item 4: < 300 MB
# after each, flat during the soak). The server is the published app (dotnet publish, as deploy/systemd runs it from
# /opt/chiso) with its runtimeconfig; the workload is bench/tasks/tasks.sh (its generated 3,000-task plan and its page
# fetches, over a fresh SQLite database); then, on the same server, wrk keeps SOAK_CONNECTIONS respondents filling the
# public form (bench/load/intake-form.lua: GET the form, then POST answers) for SOAK_DURATION, then the server idles a
# minute and a half. VmRSS is sampled every 10 s into rss.csv; with dotnet-counters (dotnet tool install -g dotnet-counters) the
# runtime's counters (GC heap, committed memory, gen2 and LOH sizes) go to counters.csv beside it.
#   bench/memory/memory.sh                      prints start / after tasks / soak max / end (MB) and the soak's slope
#   SOAK_CONNECTIONS=1000 SOAK_DURATION=600     (defaults)      BENCH_RUNS=3 (page fetches per page, default 3)
#   MEMORY_OUT=DIR                              keep the CSVs and logs there (default: a temporary directory, printed)
#   DOTNET_GCConserveMemory=0 ...               any DOTNET_ setting reaches the server, to compare with the shipped ones
#                                               (MALLOC_ARENA_MAX comes from deploy/systemd; MALLOC_ARENA_MAX= for glibc's)
#   BENCH_PG="Host=127.0.0.1;Port=55432;Username=postgres"   on PostgreSQL, as production runs it: tasks.sh makes a
#                                               fresh database chiso_bench_<pid> there and drops it at the end
# Needs curl, jq, python3, sqlite3 (or psql with BENCH_PG), wrk. Only ever talks to 127.0.0.1. Another port than tasks.sh's: BENCH_PORT=5094.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"

# The CLI as built once below: ./chiso rebuilds before every verb, minutes each on a busy machine.
cli() { dotnet "$ROOT/artifacts/bin/ChiSo.Cli/release/ChiSo.Cli.dll" "$@"; }
rss_mb() { awk '/^VmRSS:/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status" 2>/dev/null || echo 0; }
mark() { echo "$(date +%s),$1,$(rss_mb "$2"),$(cut -d' ' -f1 /proc/loadavg)" >>"$OUT/rss.csv"; }
# What the resident memory is at a mark (GC heap, JIT code, mapped files, malloc's arenas): smaps-<mark>.csv.
smaps() { python3 "$ROOT/bench/memory/smaps.py" "$2" >"$OUT/smaps-$1.csv" 2>/dev/null || true; }

if [ "${1:-}" = --soak ]; then
  # Run by tasks.sh (BENCH_THEN) once the pages are measured: the same server, its database in the environment.
  pid=$(cat "$OUT/server.pid")
  echo settle >"$OUT/phase"
  # A minute of quiet, as a server has between users: the idle trim (decision 0026) looks every 30 s.
  sleep 60; mark after-tasks "$pid"; smaps after-tasks "$pid"
  unit="${BENCH_UNIT:-VPUB}"
  today=$(date +%F); closes=$(date -d '+30 days' +%F)
  id=$(cli survey create-round --year "$(date +%Y)" --name "Tải thử bộ nhớ" --questionnaire sipas --opens "$today" --closes "$closes" | grep -o '[0-9]\+' | tail -1)
  cli survey quota "$id" --unit "$unit" --group citizens --target 100000000 >/dev/null
  cli survey status "$id" Open >/dev/null
  echo soak >"$OUT/phase"
  echo "soak: $SOAK_CONNECTIONS connections on the public form of round $id for ${SOAK_DURATION}s, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  BENCH_UNIT="$unit" wrk -t2 -c"$SOAK_CONNECTIONS" -d"${SOAK_DURATION}s" --timeout 15s --latency -s "$ROOT/bench/load/intake-form.lua" \
    "$BENCH_BASE/khao-sat/$id/$unit" | tee "$OUT/wrk.txt" &
  # Once more in the soak's last 10 s, the crowd still there.
  sleep $((SOAK_DURATION > 20 ? SOAK_DURATION - 10 : SOAK_DURATION / 2)); smaps soak "$pid"; wait $!
  mark soak-end "$pid"
  echo idle >"$OUT/phase"
  sleep 90; mark end "$pid"; smaps end "$pid"
  echo "stored: $(sql "SELECT count(*) FROM \"SurveyResponses\" WHERE \"RoundId\" = $id") answers"
  exit 0
fi

export SOAK_CONNECTIONS="${SOAK_CONNECTIONS:-1000}" SOAK_DURATION="${SOAK_DURATION:-600}"
# glibc's arenas as the systemd unit sets them (MALLOC_ARENA_MAX= in the environment: glibc's default, 8 per core).
export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX-$(sed -n 's/^Environment=MALLOC_ARENA_MAX=//p' "$ROOT/deploy/systemd/chiso@.service")}"
[ -n "$MALLOC_ARENA_MAX" ] || unset MALLOC_ARENA_MAX
export BENCH_PORT="${BENCH_PORT:-5094}" BENCH_RUNS="${BENCH_RUNS:-3}"
OUT="${MEMORY_OUT:-$(mktemp -d)}"; mkdir -p "$OUT"; export OUT
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
counters="$(command -v dotnet-counters || ls ~/.dotnet/tools/dotnet-counters 2>/dev/null || true)"
# wrk's 1,000 connections and the server's sockets.
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

dotnet build "$ROOT/src/ChiSo.Cli" -c Release -v quiet -nologo >/dev/null
# The app as production runs it: published, its runtimeconfig (GC settings) included.
rm -rf "$OUT/app"
dotnet publish "$ROOT/src/ChiSo.Web" -c Release -o "$OUT/app" -v quiet -nologo >/dev/null
grep -h '"System.GC' "$OUT/app/ChiSo.Web.runtimeconfig.json" | tr -d ' ' | paste -sd' ' | sed 's/^/runtimeconfig: /'
env | grep -E '^(DOTNET_GC|MALLOC_)' | paste -sd' ' | sed 's/^/environment: /' || true
echo "time,phase,rss_mb,load1" >"$OUT/rss.csv"
echo tasks >"$OUT/phase"

sampler() {
  while [ ! -s "$OUT/server.pid" ]; do sleep 0.2; done
  local pid; pid=$(cat "$OUT/server.pid")
  until curl -fs -o /dev/null "http://127.0.0.1:$BENCH_PORT/healthz"; do kill -0 "$pid" 2>/dev/null || return; sleep 0.2; done
  mark start "$pid"
  if [ -n "$counters" ]; then
    "$counters" collect -p "$pid" --refresh-interval 10 --format csv -o "$OUT/counters.csv" \
      --counters 'System.Runtime[dotnet.gc.last_collection.heap.size,dotnet.gc.last_collection.memory.committed_size,dotnet.process.memory.working_set,dotnet.gc.heap.total_allocated,dotnet.gc.collections]' \
      >/dev/null 2>&1 &
  fi
  while kill -0 "$pid" 2>/dev/null; do sleep 10; mark "$(cat "$OUT/phase")" "$pid"; done
}
sampler & sampling=$!

Surveys__FormRateLimitPerMinute=100000000 BENCH_APP="$OUT/app" BENCH_PID_FILE="$OUT/server.pid" \
  BENCH_THEN="bash '$ROOT/bench/memory/memory.sh' --soak" bash "$ROOT/bench/tasks/tasks.sh"
wait "$sampling" 2>/dev/null || true

python3 - "$OUT/rss.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
def first(phase): return next(float(r["rss_mb"]) for r in rows if r["phase"] == phase)
soak = [(int(r["time"]), float(r["rss_mb"])) for r in rows if r["phase"] == "soak"]
tasks = [float(r["rss_mb"]) for r in rows if r["phase"] == "tasks"]
print(f"start {first('start'):.0f} MB; tasks max {max(tasks):.0f} MB; after tasks (60 s idle) {first('after-tasks'):.0f} MB; "
      f"soak max {max(m for _, m in soak):.0f} MB; after the soak {first('soak-end'):.0f} MB; end (90 s idle) {first('end'):.0f} MB")
# The slope over the soak after its first two minutes (warm-up: pools, caches, the JIT's second tier).
t0 = soak[0][0]
late = [(t - t0, m) for t, m in soak if t - t0 >= 120]
if len(late) >= 3:
    n = len(late); mx = sum(t for t, _ in late) / n; my = sum(m for _, m in late) / n
    slope = sum((t - mx) * (m - my) for t, m in late) / sum((t - mx) ** 2 for t, _ in late)
    print(f"soak slope after minute 2: {slope * 60:+.2f} MB/min over {n} samples ({late[0][1]:.0f} -> {late[-1][1]:.0f} MB)")
loads = [float(r["load1"]) for r in rows]
print(f"load average (1 min) during the run: {min(loads):.1f}-{max(loads):.1f}")
PY
[ ! -f "$OUT/counters.csv" ] || python3 - "$OUT/counters.csv" <<'PY'
import csv, sys
# Per 10 s row: the GC heap after its last collection (all generations) and what the GC has committed, in MB.
heap, committed = {}, {}
for r in csv.reader(open(sys.argv[1])):
    if len(r) < 5 or r[0] == "Timestamp" or not r[4]: continue
    if r[2].startswith("dotnet.gc.last_collection.heap.size"): heap[r[0]] = heap.get(r[0], 0) + float(r[4])
    elif r[2].startswith("dotnet.gc.last_collection.memory.committed_size"): committed[r[0]] = float(r[4])
for name, d in (("GC heap after the last collection", heap), ("GC committed", committed)):
    v = list(d.values())
    if v: print(f"{name}: first {v[0] / 2**20:.0f} MB, max {max(v) / 2**20:.0f} MB, last {v[-1] / 2**20:.0f} MB")
PY
python3 - "$OUT" <<'PY'
import csv, os, sys
marks = [m for m in ("after-tasks", "soak", "end") if os.path.exists(f"{sys.argv[1]}/smaps-{m}.csv")]
figures = {m: {k: float(v) for v, k in csv.reader(open(f"{sys.argv[1]}/smaps-{m}.csv"))} for m in marks}
if marks:
    print("resident memory by kind (MB, /proc/<pid>/smaps): " + " / ".join(marks))
    for kind in sorted({k for f in figures.values() for k in f}, key=lambda k: -figures[marks[-1]].get(k, 0)):
        print(f"  {kind}: " + " / ".join(f"{figures[m].get(kind, 0):.0f}" for m in marks))
PY
echo "figures in $OUT (rss.csv, counters.csv, smaps-*.csv, wrk.txt)"
