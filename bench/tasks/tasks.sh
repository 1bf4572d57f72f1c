#!/usr/bin/env bash
# The task pages on the server over a 3,000-task year (issue 12, issue 13 item 4). A fresh SQLite database, the built-in
# data, one generated plan for 2025 of 3,000 tasks (12 departments lead, four sections, every kind of deadline) posted
# through the API, two progress reports on two tasks in three written straight into the database, then each page fetched
# as a signed-in admin. The figure is the server's own: the Server-Timing header's app;dur (the whole request on the
# server, database included), median of BENCH_RUNS (default 7) after one warm-up.
#   bench/tasks/tasks.sh                  one line per page: median, min, max (ms), database ms, size, what it is
#   BENCH_PORT=5093 (default)             BENCH_KEEP=1 keeps the database in the printed directory
#   BENCH_APP=DIR                         serve another build instead of building artifacts/: a published app
#                                         (dotnet publish -o DIR) or another build's output (a before/after under one load)
#   BENCH_PID_FILE=FILE                   write the server's process id there (bench/memory/memory.sh samples it)
#   BENCH_THEN=COMMAND                    run after the pages, the server still up (BENCH_BASE is its address; the
#                                         exported function sql runs a query on the run's database)
#   BENCH_PG="Host=127.0.0.1;Port=55432;Username=postgres"
#                                         PostgreSQL instead of SQLite, as production runs it: a fresh database
#                                         chiso_bench_<pid> on that server (Npgsql's keywords: Host, Port, Username,
#                                         Password), dropped at the end (BENCH_KEEP=1 keeps it)
# Needs curl, jq, python3 and sqlite3 or psql (apt-get install -y curl jq python3 sqlite3 postgresql-client). Only ever
# talks to 127.0.0.1 (and to BENCH_PG's host).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${BENCH_PORT:-5093}"
RUNS="${BENCH_RUNS:-7}"
DIR="$(mktemp -d)"
for tool in curl jq python3 "$([ -n "${BENCH_PG:-}" ] && echo psql || echo sqlite3)"; do
  command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }
done
server=""; PGDB=""
if [ -n "${BENCH_PG:-}" ]; then
  # psql takes libpq's keywords; the app and the CLI take Npgsql's (the same string plus the database).
  pg_key() { tr ';' '\n' <<<"$BENCH_PG" | sed -n "s/^ *$1 *= *//Ip" | tail -n 1; }
  export PGHOST="$(pg_key Host)" PGPORT="$(pg_key Port)" PGUSER="$(pg_key 'User\(name\| ID\)\?')" PGPASSWORD="$(pg_key Password)"
  [ -n "$PGPASSWORD" ] || unset PGPASSWORD
  PGDB="chiso_bench_$$"
  psql -d postgres -v ON_ERROR_STOP=1 -Aqtc "CREATE DATABASE $PGDB" >/dev/null
  export BENCH_PGDB="$PGDB" Database__Provider=postgres ConnectionStrings__ChiSo="$BENCH_PG;Database=$PGDB"
  # PostgreSQL refuses to start without a server secret shared by the server and the CLI (docs/decisions/0014).
  export Security__Secret="${Security__Secret:-$(head -c 48 /dev/urandom | base64 -w0)}"
  sql() { if [ $# -gt 0 ]; then psql -d "$BENCH_PGDB" -v ON_ERROR_STOP=1 -Aqtc "$1"; else psql -d "$BENCH_PGDB" -v ON_ERROR_STOP=1 -Aqt; fi; }
else
  export BENCH_SQLITE="$DIR/bench.db" Database__Provider=sqlite ConnectionStrings__ChiSo="Data Source=$DIR/bench.db"
  sql() { sqlite3 "$BENCH_SQLITE" "$@"; }
fi
# BENCH_THEN's command (memory.sh's soak) counts what it stored with the same function.
export -f sql
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${BENCH_KEEP:-}" ]; then
    rm -rf "$DIR"
    [ -z "$PGDB" ] || psql -d postgres -Aqtc "DROP DATABASE IF EXISTS $PGDB WITH (FORCE)" >/dev/null || true
  else echo "kept $DIR${PGDB:+ and the database $PGDB}"; fi
}
trap cleanup EXIT

password=$("$ROOT/chiso" users add bench --name "Tải thử nhiệm vụ" --role admin | sed -n 's/^Mật khẩu: //p')

# The plan: leads by name, as a plan document names them; the import resolves them to the registry.
sql 'SELECT "Name" FROM "Units" WHERE "Kind" = '"'Department'"' AND "ValidTo" IS NULL ORDER BY "Id" LIMIT 12' >"$DIR/leads.txt"
python3 - "$DIR/leads.txt" >"$DIR/plan.json" <<'PY'
import json, sys
leads = [l.strip() for l in open(sys.argv[1], encoding="utf-8") if l.strip()]
deadlines = ["Tháng {m}/2025", "Quý II/2025", "Hằng quý", "Thường xuyên", "Từ 3/2025 đến {m}/2025", "Trong năm 2025", "Hàng tháng",
             "Trước ngày 15/{m}/2025", "Theo quy định", "Sau khi ban hành", "Quý IV/2025", "Hằng năm"]
sections = [{"code": c, "title": t, "framework": None, "notes": None} for c, t in
            [("I", "Cải cách thể chế"), ("II", "Cải cách thủ tục hành chính"), ("III", "Cải cách tổ chức bộ máy"), ("IV", "Chính phủ số")]]
tasks = []
for i in range(3000):
    tasks.append({"section": sections[i * 4 // 3000]["code"], "number": str(i + 1),
                  "description": f"Nhiệm vụ số {i + 1}: nâng cao chất lượng cải cách hành chính",
                  "lead": [leads[i % len(leads)]], "cooperating": [leads[(i + 5) % len(leads)]],
                  "deadline": deadlines[i % len(deadlines)].format(m=1 + i % 12), "criteria": [f"par-province:{1 + i % 8}"]})
print(json.dumps({"number": "9999/KH-BENCH", "issuedOn": "2025-01-15", "title": "Kế hoạch đo hiệu năng 3.000 nhiệm vụ", "year": 2025,
                  "kind": "annual-par", "sections": sections, "tasks": tasks}, ensure_ascii=False))
PY

B="http://127.0.0.1:$PORT"
jar="$DIR/cookies"
if [ -n "${BENCH_APP:-}" ]; then
  # a published app carries its wwwroot; a build output is served from the source folder, as the default is
  web="$BENCH_APP"; [ -d "$BENCH_APP/wwwroot" ] || web="$ROOT/src/ChiSo.Web"
  (cd "$web" && Logging__LogLevel__Default=Warning exec dotnet "$BENCH_APP/ChiSo.Web.dll" --urls "$B") >"$DIR/serve.log" 2>&1 &
else
  dotnet build "$ROOT/src/ChiSo.Web" -c Release -v quiet -nologo >/dev/null
  (cd "$ROOT/src/ChiSo.Web" && Logging__LogLevel__Default=Warning exec dotnet "$ROOT/artifacts/bin/ChiSo.Web/release/ChiSo.Web.dll" --urls "$B") >"$DIR/serve.log" 2>&1 &
fi
server=$!
[ -z "${BENCH_PID_FILE:-}" ] || echo "$server" >"$BENCH_PID_FILE"
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/account/me")" != 000 ] && break
  kill -0 "$server" 2>/dev/null || { tail -20 "$DIR/serve.log" >&2; exit 1; }
  sleep 0.5
done
curl -s -o /dev/null -c "$jar" -H 'Content-Type: application/json' -d "{\"userName\":\"bench\",\"password\":\"$password\"}" "$B/api/account/login"
code=$(curl -s -o "$DIR/created.json" -w '%{http_code}' -b "$jar" -H 'Content-Type: application/json' --data-binary "@$DIR/plan.json" "$B/api/plans")
[ "$code" = 201 ] || { echo "plan import answered $code:" >&2; head -c 2000 "$DIR/created.json" >&2; exit 1; }
plan=$(sql 'SELECT "Id" FROM "Plans" WHERE "Number" = '"'9999/KH-BENCH'")
# Two reports on two tasks in three, by their lead: in progress in March, done or further in May. Identifiers quoted for
# PostgreSQL; the day of the month and the empty list of files are each database's own.
if [ -n "$PGDB" ]; then day() { echo "make_date(2025, $1, 1 + t.\"Order\" % 28)"; }; none="'{}'"
else day() { echo "'2025-0$1-' || printf('%02d', 1 + t.\"Order\" % 28)"; }; none="'[]'"; fi
sql <<SQL
INSERT INTO "ProgressUpdates" ("TaskId", "UnitId", "Role", "Status", "Percent", "Text", "Date", "FiledAt", "FiledBy", "EvidenceFileIds")
SELECT t."Id", a."UnitId", 'Lead', 'InProgress', 40, 'Đang triển khai', $(day 3), '2025-03-01 00:00:00', 'bench', $none
FROM "PlanTasks" t JOIN "TaskAgency" a ON a."TaskId" = t."Id" AND a."Role" = 'Lead' AND a."UnitId" IS NOT NULL WHERE t."PlanId" = $plan AND t."Order" % 3 <> 0;
INSERT INTO "ProgressUpdates" ("TaskId", "UnitId", "Role", "Status", "Percent", "Text", "Date", "FiledAt", "FiledBy", "EvidenceFileIds")
SELECT t."Id", a."UnitId", 'Lead', CASE WHEN t."Order" % 2 = 0 THEN 'Done' ELSE 'InProgress' END, CASE WHEN t."Order" % 2 = 0 THEN 100 ELSE 70 END,
  'Báo cáo tháng 5', $(day 5), '2025-05-01 00:00:00', 'bench', $none
FROM "PlanTasks" t JOIN "TaskAgency" a ON a."TaskId" = t."Id" AND a."Role" = 'Lead' AND a."UnitId" IS NOT NULL WHERE t."PlanId" = $plan AND t."Order" % 3 <> 0;
SQL
tasks=$(sql "SELECT COUNT(*) FROM \"PlanTasks\" WHERE \"PlanId\" = $plan")
updates=$(sql "SELECT COUNT(*) FROM \"ProgressUpdates\" p JOIN \"PlanTasks\" t ON t.\"Id\" = p.\"TaskId\" WHERE t.\"PlanId\" = $plan")
unit=$(sql "SELECT u.\"Code\" FROM \"TaskAgency\" a JOIN \"Units\" u ON u.\"Id\" = a.\"UnitId\" JOIN \"PlanTasks\" t ON t.\"Id\" = a.\"TaskId\" WHERE t.\"PlanId\" = $plan AND a.\"Role\" = 'Lead' LIMIT 1")
led=$(sql "SELECT COUNT(*) FROM \"TaskAgency\" a JOIN \"Units\" u ON u.\"Id\" = a.\"UnitId\" JOIN \"PlanTasks\" t ON t.\"Id\" = a.\"TaskId\" WHERE t.\"PlanId\" = $plan AND a.\"Role\" = 'Lead' AND u.\"Code\" = '$unit'")
total=$(sql 'SELECT COUNT(*) FROM "PlanTasks"')
echo "plan $plan: $tasks tasks, $updates progress reports ($total tasks in the database); $unit leads $led"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

A="asOf=2025-07-01"
measure() {
  local what="$1" path="$2" durs=() dbs=() size=0
  curl -s -o /dev/null -b "$jar" "$B$path"
  for _ in $(seq 1 "$RUNS"); do
    local headers
    headers=$(curl -s -D - -o "$DIR/body" -b "$jar" "$B$path")
    durs+=("$(grep -i '^server-timing:' <<<"$headers" | sed -E 's/.*app;dur=([0-9.]+).*/\1/')")
    dbs+=("$(grep -i '^server-timing:' <<<"$headers" | sed -E 's/.*db;dur=([0-9.]+).*/\1/')")
    size=$(stat -c %s "$DIR/body")
  done
  local med min max dbmed
  med=$(printf '%s\n' "${durs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  min=$(printf '%s\n' "${durs[@]}" | sort -n | head -1)
  max=$(printf '%s\n' "${durs[@]}" | sort -n | tail -1)
  dbmed=$(printf '%s\n' "${dbs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  printf '%-44s %8s ms  (%s–%s)  db %6s ms  %7s KB  load %s\n' "$what" "$med" "$min" "$max" "$dbmed" "$((size / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
}
measure "task list, a page (50) of the plan"          "/tasks?plan=$plan&$A"
measure "task list, page 30 of the plan"              "/tasks?plan=$plan&p=30&$A"
measure "board by status, one agency of the plan"     "/tasks/board?plan=$plan&unit=$unit&$A"
measure "board by status, whole plan (25 a column)"   "/tasks/board?plan=$plan&$A"
measure "timeline, a page (200) of the year"          "/tasks/timeline?year=2025&$A"
measure "timeline, the whole year on one page"        "/tasks/timeline?year=2025&size=5000&$A"
measure "calendar, June 2025"                         "/tasks/calendar?m=2025-06&$A"
measure "calendar, June 2025, one agency"             "/tasks/calendar?m=2025-06&unit=$unit&$A"
measure "export of the plan's tasks (xlsx)"           "/api/tasks.xlsx?planId=$plan&$A"
measure "export of the plan's tasks (JSON)"           "/api/tasks?planId=$plan&$A"
measure "a task's page"                               "/tasks/$(sql "SELECT MIN(\"Id\") FROM \"PlanTasks\" WHERE \"PlanId\" = $plan")?$A"
measure "accountability (all plans), first page"      "/accountability?$A"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
[ -z "${BENCH_THEN:-}" ] || BENCH_BASE="$B" BENCH_PASSWORD="$password" bash -c "$BENCH_THEN"
