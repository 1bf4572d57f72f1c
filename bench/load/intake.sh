#!/usr/bin/env bash
# Load test of the survey intake: a fresh SQLite database with an open round, the app started with ./chiso serve on
# 127.0.0.1, and wrk submitting answers for 10 s. Prints wrk's figures (requests/s, latency percentiles), what was stored,
# and the CPU seconds the server and wrk each used (they share the machine's cores).
#   bench/load/intake.sh [connections=32] [duration=10s]
#   BENCH_PATH=api   (default) JSON posts to /api/surveys/rounds/{id}/responses        (intake.lua)
#   BENCH_PATH=form  the public form: GET it for the antiforgery cookie and field, then POST it (intake-form.lua)
#   BENCH_FORM=sipas (default) the built-in 30-question SIPAS form; BENCH_FORM=q250 a generated 250-question form
# Needs wrk and sqlite3 (apt-get install -y wrk sqlite3). Only ever talks to 127.0.0.1. Pass BENCH_PORT when another server holds the port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONNECTIONS="${1:-32}"; DURATION="${2:-10s}"
PORT="${BENCH_PORT:-5091}"
UNIT="${BENCH_UNIT:-VPUB}"
BENCH_PATH="${BENCH_PATH:-api}"
BENCH_FORM="${BENCH_FORM:-sipas}"
DIR="$(mktemp -d)"
DB="$DIR/bench.db"
export ConnectionStrings__ChiSo="Data Source=$DB"
export BENCH_UNIT="$UNIT" BENCH_FORM
for tool in wrk sqlite3; do command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }; done

questionnaire=sipas
if [ "$BENCH_FORM" = q250 ]; then
  # 250 five-level questions in 10 sections, one open group: the size ODK Central's published figure is for.
  questionnaire=bench-250
  {
    printf '{"key":"bench-250","version":"1","name":"Phiếu tải thử 250 câu","kind":"sipas","framework":null,"groups":[{"code":"citizens","name":"Người dân"}],"sections":['
    for s in $(seq 1 10); do
      [ "$s" -gt 1 ] && printf ','
      printf '{"code":"S%d","title":"Phần %d","questions":[' "$s" "$s"
      for q in $(seq 1 25); do
        n=$(( (s - 1) * 25 + q )); [ "$q" -gt 1 ] && printf ','
        printf '{"code":"Q%03d","text":"Câu hỏi %d","type":"scale5","required":true}' "$n" "$n"
      done
      printf ']}'
    done
    printf ']}'
  } >"$DIR/q250.json"
  "$ROOT/chiso" survey questionnaire-import "$DIR/q250.json"
fi

today=$(date +%F); closes=$(date -d '+30 days' +%F)
id=$("$ROOT/chiso" survey create-round --year "$(date +%Y)" --name "Tải thử $questionnaire" --questionnaire "$questionnaire" --opens "$today" --closes "$closes" | grep -o '[0-9]\+' | tail -1)
"$ROOT/chiso" survey quota "$id" --unit "$UNIT" --group citizens --target 1000000 >/dev/null
"$ROOT/chiso" survey status "$id" Open >/dev/null
echo "round $id ($questionnaire), unit $UNIT, path $BENCH_PATH, database $DB"

log="$DIR/serve.log"
# The public form's per-address rate limit (120 a minute) would refuse all but the first posts from one address.
CHISO_URLS="http://127.0.0.1:$PORT" Logging__LogLevel__Default=Warning Surveys__FormRateLimitPerMinute=100000000 \
  "$ROOT/chiso" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 240); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/surveys/rounds/$id/progress" && break
  sleep 0.5
done

if [ "$BENCH_PATH" = form ]; then
  url="http://127.0.0.1:$PORT/khao-sat/$id/$UNIT"; script="$ROOT/bench/load/intake-form.lua"
else
  url="http://127.0.0.1:$PORT/api/surveys/rounds/$id/responses"; script="$ROOT/bench/load/intake.lua"
fi
threads=$(( CONNECTIONS < 2 ? 1 : 2 ))
cpu() { awk '{ print $14 + $15 }' "/proc/$server/stat"; }
# A short warm-up (JIT, caches, connection pool), then the measured run.
wrk -t"$threads" -c"$CONNECTIONS" -d2s -s "$script" "$url" >/dev/null
before=$(cpu); started=$(date +%s.%N)
/usr/bin/time -f "wrk CPU: %U s user + %S s system" wrk -t"$threads" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$script" "$url"
after=$(cpu); ended=$(date +%s.%N)
ticks=$(getconf CLK_TCK)
awk -v b="$before" -v a="$after" -v t="$ticks" -v s="$started" -v e="$ended" \
  'BEGIN { printf "server CPU: %.1f s over %.1f s wall (%.2f cores)\n", (a - b) / t, e - s, (a - b) / t / (e - s) }'
echo "load average: $(cut -d' ' -f1-3 /proc/loadavg)"
# Straight from the file (the progress API needs a sign-in): every request of the warm-up and the run should be a row.
echo "stored: $(sqlite3 "$DB" 'SELECT count(*) FROM "SurveyResponses"') responses, $(sqlite3 "$DB" "SELECT count(*) FROM \"SurveyResponses\" WHERE \"Review\" = 'Flagged'") flagged"
grep -iE "fail|exception" "$log" | head -5 || true
