#!/usr/bin/env bash
# Load test of the API intake: a fresh SQLite database with an open SIPAS round, the app started with ./chiso serve
# on 127.0.0.1, and wrk posting 30-answer bodies for 10 s. Prints wrk's figures (requests/s, latency percentiles).
#   bench/load/intake.sh [connections=32] [duration=10s]
# Needs wrk (apt-get install -y wrk). Only ever talks to 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONNECTIONS="${1:-32}"; DURATION="${2:-10s}"
PORT="${BENCH_PORT:-5091}"
UNIT="${BENCH_UNIT:-VPUB}"
DB="$(mktemp -d)/bench.db"
export ConnectionStrings__ChiSo="Data Source=$DB"
export BENCH_UNIT="$UNIT"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

today=$(date +%F); closes=$(date -d '+30 days' +%F)
id=$("$ROOT/chiso" survey create-round --year "$(date +%Y)" --name "Tải thử SIPAS" --questionnaire sipas --opens "$today" --closes "$closes" | grep -o '[0-9]\+' | tail -1)
"$ROOT/chiso" survey quota "$id" --unit "$UNIT" --group citizens --target 1000000 >/dev/null
"$ROOT/chiso" survey status "$id" Open >/dev/null
echo "round $id, unit $UNIT, database $DB"

log="$(dirname "$DB")/serve.log"
CHISO_URLS="http://127.0.0.1:$PORT" Logging__LogLevel__Default=Warning "$ROOT/chiso" serve >"$log" 2>&1 &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do
  curl -sf -o /dev/null "http://127.0.0.1:$PORT/api/surveys/rounds/$id/progress" && break
  sleep 0.5
done

url="http://127.0.0.1:$PORT/api/surveys/rounds/$id/responses"
# A short warm-up (JIT, caches, connection pool), then the measured run.
wrk -t"$(( CONNECTIONS < 2 ? 1 : 2 ))" -c"$CONNECTIONS" -d2s -s "$ROOT/bench/load/intake.lua" "$url" >/dev/null
wrk -t"$(( CONNECTIONS < 2 ? 1 : 2 ))" -c"$CONNECTIONS" -d"$DURATION" --latency -s "$ROOT/bench/load/intake.lua" "$url"
echo "stored: $(curl -s "http://127.0.0.1:$PORT/api/surveys/rounds/$id/progress" | grep -o '"answers":[0-9]*' | head -1)"
