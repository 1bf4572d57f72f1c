#!/usr/bin/env bash
# Server memory of every import at its limit and of the files that broke them (issue 14, item 7). A fresh SQLite database
# with an open SIPAS round and an assessment cycle, the app served by ./chiso serve on 127.0.0.1, the files made by
# `ChiSo.Bench -- --import-files`, each uploaded with curl. Before each upload the server's peak resident memory (VmHWM) is
# reset through /proc/<pid>/clear_refs, and read again after it, so each line's peak is that upload's.
#   bench/imports/imports.sh              one line per upload: HTTP status, seconds, peak RSS, RSS after, what came back
#   BENCH_PORT=5092 (default)             BENCH_KEEP=1 keeps the files and database in the printed directory
#   BENCH_ONLY=units                      only the uploads whose name contains it
# Needs curl, jq and sqlite3 (apt-get install -y curl jq sqlite3). Only ever talks to 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PORT="${BENCH_PORT:-5092}"
DIR="$(mktemp -d)"
for tool in curl jq sqlite3; do command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }; done
export Database__Provider=sqlite ConnectionStrings__ChiSo="Data Source=$DIR/bench.db"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  if [ -z "${BENCH_KEEP:-}" ]; then rm -rf "$DIR"; else echo "kept $DIR"; fi
}
trap cleanup EXIT
cli() { "$ROOT/chiso" "$@"; }

# The set-up through the CLI, which creates and seeds the new database: an admin, a round with quotas, a cycle.
password=$(cli users add bench --name "Tải thử nhập tệp" --role admin | sed -n 's/^Mật khẩu: //p')
today=$(date +%F); closes=$(date -d '+30 days' +%F)
round=$(cli survey create-round --year "$(date +%Y)" --name "Tải thử nhập phiếu giấy" --questionnaire sipas --opens "$today" --closes "$closes" | grep -o '[0-9]\+' | tail -1)
departments=(SNV STP STC SKHDT STTTT SKHCN SYT SGDDT)
for unit in "${departments[@]}"; do cli survey quota "$round" --unit "$unit" --group citizens --target 1000000 >/dev/null; done
cli survey status "$round" Open >/dev/null
cat >"$DIR/cycle.json" <<JSON
{"year": 2026, "name": "Kỳ tải thử", "selfAssessmentDue": "$(date -d '+20 days' +%FT00:00:00Z)", "appraisalFrom": "$(date -d '+25 days' +%F)",
 "appraisalTo": "$(date -d '+40 days' +%F)", "explanationDays": 7,
 "groups": [{"name": "Sở", "framework": "city-par-departments", "version": "2025", "units": $(printf '%s\n' "${departments[@]}" | jq -R . | jq -sc .)}]}
JSON
cycle=$(cli cycle create "$DIR/cycle.json" --json | jq .id)
cli cycle open "$cycle" >/dev/null
# A task and the unit that leads it, for a progress report with evidence.
read -r task lead < <(sqlite3 -separator ' ' "$DIR/bench.db" "SELECT a.TaskId, u.Code FROM TaskAgency a JOIN Units u ON u.Id = a.UnitId WHERE a.Role = 'Lead' ORDER BY a.TaskId LIMIT 1")
echo "round $round, cycle $cycle, task $task led by $lead; files in $DIR/files"

dotnet build "$ROOT/bench/ChiSo.Bench" -c Release -v quiet -nologo >/dev/null
dotnet "$ROOT/artifacts/bin/ChiSo.Bench/release/ChiSo.Bench.dll" --import-files "$DIR/files" "$DIR/bench.db" "$round"
F="$DIR/files"

dotnet build "$ROOT/src/ChiSo.Web" -c Release -v quiet -nologo >/dev/null
B="http://127.0.0.1:$PORT"
jar="$DIR/cookies"
log="$DIR/serve.log"
# A fresh server for each upload, so that each peak is that upload's alone and not what the runtime kept of the one before.
start_server() {
  (cd "$ROOT/src/ChiSo.Web" && Logging__LogLevel__Default=Warning exec dotnet "$ROOT/artifacts/bin/ChiSo.Web/release/ChiSo.Web.dll" --urls "$B") >>"$log" 2>&1 &
  server=$!
  local up=""
  for _ in $(seq 1 240); do
    [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/api/account/me")" != 000 ] && { up=1; break; }
    kill -0 "$server" 2>/dev/null || break
    sleep 0.5
  done
  [ -n "$up" ] || { echo "the server did not start on port $PORT:" >&2; tail -20 "$log" >&2; exit 1; }
  curl -s -o /dev/null -c "$jar" -H 'Content-Type: application/json' -d "{\"userName\":\"bench\",\"password\":\"$password\"}" "$B/api/account/login"
}
stop_server() { kill "$server"; wait "$server" 2>/dev/null || true; server=""; }

mb() { awk -v k="$1" '$1 == k":" { printf "%.0f", $2 / 1024 }' "/proc/$server/status"; }
# One upload to a fresh server: its resident memory once started and signed in, the peak while it took the upload (the
# JIT of the import's code included), and what it answered (status, title or counts).
run() {
  local name="$1"; shift
  [[ -n "${BENCH_ONLY:-}" && "$name" != *"$BENCH_ONLY"* ]] && return 0
  start_server
  local before started code ended peak
  before=$(mb VmRSS)
  echo 5 >"/proc/$server/clear_refs"
  started=$(date +%s.%N)
  code=$(curl -s -o "$DIR/answer" -w '%{http_code}' -b "$jar" "$@" || true)
  ended=$(date +%s.%N)
  peak=$(mb VmHWM)
  stop_server
  local said
  said=$(jq -r '[.title, .detail, (if .rows then "rows \(.rows)" else empty end), (if .moreRows then "moreRows \(.moreRows)" else empty end),
      (if .more then .more else empty end), (if (.errors.rows | type) == "array" then "\(.errors.rows | length) lines, last: \(.errors.rows[-1])" else empty end),
      (if .criteria then "criteria \(.criteria)" else empty end), (if .questions then "questions \(.questions)" else empty end)]
      | map(select(. != null)) | join("; ")' "$DIR/answer" 2>/dev/null | cut -c1-150 || true)
  printf '| %-36s | %s | %5.1f s | %4s MB | %4s MB | %s |\n' "$name" "$code" "$(echo "$ended - $started" | bc)" "$before" "$peak" "$said"
}

echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
echo "| upload | status | time | RSS before | peak RSS | answer |"
echo "| --- | --- | ---: | ---: | ---: | --- |"
P="$B/api/surveys/rounds/$round/paper"
run "paper, 100,000 rows CSV"               -F "file=@$F/paper-100000.csv" "$P"
run "paper, 100,000 rows xlsx"              -F "file=@$F/paper-100000.xlsx" "$P"
run "paper, 100,000 bad rows CSV"           -F "file=@$F/paper-100000-bad.csv" "$P"
run "paper, double entry 2 × 100,000 CSV"   -F "file=@$F/paper-100000.csv" -F "second=@$F/paper-100000.csv" "$P"
run "paper, 100,001 rows CSV"               -F "file=@$F/paper-100001.csv" "$P"
run "paper, zip bomb 520 MB (issue's)"      -F "file=@$F/bomb-520mb.xlsx" "$P"
run "paper, zip bomb 450 MB"                -F "file=@$F/bomb-450mb.xlsx" "$P"
run "paper, not a zip (.xlsx)"              -F "file=@$F/not-a-zip.xlsx" "$P"
run "paper, broken sheet XML"               -F "file=@$F/broken-xml.xlsx" "$P"
run "paper, CSV in Windows-1258"            -F "file=@$F/windows-1258.csv" "$P"
run "paper reconcile, 2 × 100,000 CSV"      -F "file=@$F/paper-100000.csv" -F "second=@$F/paper-100000.csv" "$P/reconcile"
run "framework, 5,000 criteria xlsx"        -F "file=@$F/framework-5000.xlsx" "$B/api/frameworks/import.xlsx"
run "framework, 5,000 criteria JSON"        -H 'Content-Type: application/json' --data-binary "@$F/framework-5000.json" "$B/api/frameworks/import"
run "framework, zip bomb 450 MB"            -F "file=@$F/bomb-450mb.xlsx" "$B/api/frameworks/import.xlsx"
run "questionnaire, 2,000 questions xlsx"   -F "file=@$F/questionnaire-2000.xlsx" "$B/api/surveys/questionnaires/import.xlsx"
run "questionnaire, zip bomb 450 MB"        -F "file=@$F/bomb-450mb.xlsx" "$B/api/surveys/questionnaires/import.xlsx"
run "survey points, 50,000 rows xlsx"       -F "file=@$F/survey-points-50000.xlsx" "$B/api/cycles/$cycle/survey-points/import"
run "survey points, zip bomb 520 MB"        -F "file=@$F/bomb-520mb.xlsx" "$B/api/cycles/$cycle/survey-points/import"
run "survey points, broken sheet XML"       -F "file=@$F/broken-xml.xlsx" "$B/api/cycles/$cycle/survey-points/import"
run "units, 10,000 JSON"                    -H 'Content-Type: application/json' --data-binary "@$F/units-10000.json" "$B/api/units/import"
run "plan, 5,000 tasks JSON"                -H 'Content-Type: application/json' --data-binary "@$F/plan-5000.json" "$B/api/plans"
run "evidence, 20 MB PDF"                   -F "file=@$F/evidence-20mb.pdf" -F "title=Tải thử" "$B/api/cycles/$cycle/units/SNV/evidence"
run "evidence, 200 MB"                      -F "file=@$F/evidence-200mb.pdf" -F "title=Tải thử" "$B/api/cycles/$cycle/units/SNV/evidence"
run "task progress, 20 + 20 + 10 MB"        -F "unit=$lead" -F "status=InProgress" -F "percent=50" -F "files=@$F/evidence-20mb.pdf" \
                                            -F "files=@$F/evidence-20mb.pdf;filename=hai.pdf" -F "files=@$F/evidence-10mb.pdf" "$B/api/tasks/$task/progress"
run "task progress, 200 MB"                 -F "unit=$lead" -F "status=InProgress" -F "files=@$F/evidence-200mb.pdf" "$B/api/tasks/$task/progress"
run "plan source, 200 MB"                   -F "file=@$F/evidence-200mb.pdf" "$B/api/plans/1/source"
run "JSON body of 200 MB (Kestrel 30 MB)"  -H "Content-Type: application/json" --data-binary "@$F/evidence-200mb.pdf" "$B/api/cycles"
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
grep -iE "exception|fail" "$log" | grep -v "AccessDenied" | head -5 || true
