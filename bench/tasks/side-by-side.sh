#!/usr/bin/env bash
# Two builds on the same 3,000-task database, requests alternating, so that both meet the same load: run as tasks.sh's
# BENCH_THEN while tasks.sh serves the build under test; BEFORE is another build's output (dotnet build -o, or a copy
# of artifacts/bin/ChiSo.Web/release), started on a copy of the database on port 5101.
#   BENCH_THEN="BEFORE=/tmp/before bench/tasks/side-by-side.sh" BENCH_APP=/tmp/after BENCH_RUNS=1 bench/tasks/tasks.sh
# Prints per page: the median (min–max) of 9 alternating fetches of each server's Server-Timing app;dur, after 3 warm-ups.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
: "${BEFORE:?BEFORE=<directory of the other build>}"
db="${ConnectionStrings__ChiSo#Data Source=}"
copy="$(dirname "$db")/before.db"
sqlite3 "$db" ".backup '$copy'"
(cd "$ROOT/src/ChiSo.Web" && ConnectionStrings__ChiSo="Data Source=$copy" Logging__LogLevel__Default=Warning exec dotnet "$BEFORE/ChiSo.Web.dll" --urls http://127.0.0.1:5101) >"$(dirname "$db")/before.log" 2>&1 &
other=$!
trap 'kill $other 2>/dev/null' EXIT
for _ in $(seq 1 240); do [ "$(curl -s -o /dev/null -w '%{http_code}' http://127.0.0.1:5101/api/account/me)" != 000 ] && break; sleep 0.5; done
jar() { echo "$(dirname "$db")/side-$(tr -dc 0-9 <<<"$1").jar"; }
for base in "$BENCH_BASE" http://127.0.0.1:5101; do
  curl -s -o /dev/null -c "$(jar "$base")" -H 'Content-Type: application/json' -d "{\"userName\":\"bench\",\"password\":\"$BENCH_PASSWORD\"}" "$base/api/account/login"
done
plan=$(sqlite3 "$db" "SELECT Id FROM Plans WHERE Number = '9999/KH-BENCH'")
unit=$(sqlite3 "$db" "SELECT u.Code FROM TaskAgency a JOIN Units u ON u.Id = a.UnitId JOIN PlanTasks t ON t.Id = a.TaskId WHERE t.PlanId = $plan AND a.Role = 'Lead' LIMIT 1")
dur() { curl -s -D - -o /dev/null -b "$(jar "$1")" "$1$2" | grep -i '^server-timing' | sed -E 's/.*app;dur=([0-9.]+).*/\1/'; }
med() { sort -n | awk '{a[NR]=$1} END {printf "%.0f (%.0f–%.0f)", a[int((NR+1)/2)], a[1], a[NR]}'; }
A="asOf=2025-07-01"
for path in "/tasks/board?plan=$plan&unit=$unit&$A" "/tasks/board?plan=$plan&$A" "/tasks?plan=$plan&$A" "/tasks?plan=$plan&p=30&$A" \
  "/tasks/timeline?year=2025&size=5000&$A" "/api/tasks.xlsx?planId=$plan&$A" "/accountability?$A" "/tasks/calendar?m=2025-06&$A"; do
  for _ in 1 2 3; do dur "$BENCH_BASE" "$path" >/dev/null; dur http://127.0.0.1:5101 "$path" >/dev/null; done
  before=(); after=()
  for _ in $(seq 1 9); do before+=("$(dur http://127.0.0.1:5101 "$path")"); after+=("$(dur "$BENCH_BASE" "$path")"); done
  printf '%-58s before %-16s after %-16s load %s\n' "$path" "$(printf '%s\n' "${before[@]}" | med)" "$(printf '%s\n' "${after[@]}" | med)" "$(cut -d' ' -f1 /proc/loadavg)"
done
