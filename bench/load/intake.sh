#!/usr/bin/env bash
# Load test of the survey intake: a fresh database with an open round, the app started with ./chiso serve on
# 127.0.0.1, and wrk submitting answers for 10 s. Prints wrk's figures (requests/s, latency percentiles), what was stored,
# and the CPU seconds the server and wrk each used (they share the machine's cores).
#   bench/load/intake.sh [connections=32] [duration=10s]
#   BENCH_DB=sqlite   (default) a new SQLite file under a temporary directory
#   BENCH_DB=postgres a new database chiso_bench_<time> (dropped at exit) on the script's own PostgreSQL cluster:
#                     /tmp/chiso-bench-pg, port 55433 (BENCH_PGPORT), default durability; it stays up for the next run
#                     (stop it with: su postgres -c '/usr/lib/postgresql/*/bin/pg_ctl -D /tmp/chiso-bench-pg stop')
#   BENCH_PATH=api   (default) JSON posts to /api/surveys/rounds/{id}/responses        (intake.lua)
#   BENCH_PATH=form  the public form: GET it for the antiforgery cookie and field, then POST it (intake-form.lua)
#   BENCH_FORM=sipas (default) the built-in 30-question SIPAS form; BENCH_FORM=q250 a generated 250-question form
# Needs wrk, and sqlite3 or Debian's postgresql (apt-get install -y wrk sqlite3 postgresql). Only ever talks to 127.0.0.1.
# Pass BENCH_PORT when another server holds the port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CONNECTIONS="${1:-32}"; DURATION="${2:-10s}"
PORT="${BENCH_PORT:-5091}"
UNIT="${BENCH_UNIT:-VPUB}"
BENCH_PATH="${BENCH_PATH:-api}"
BENCH_FORM="${BENCH_FORM:-sipas}"
BENCH_DB="${BENCH_DB:-sqlite}"
DIR="$(mktemp -d)"
export BENCH_UNIT="$UNIT" BENCH_FORM
# One server secret for the run's server and CLI (PostgreSQL refuses to start without one; docs/decisions/0014).
export Security__Secret="${Security__Secret:-$(head -c 48 /dev/urandom | base64 -w0)}"
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }

server=""; PGDB=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  # The run's database only: the cluster stays up, and the test suite's (/tmp/chiso-test-pg, 55432) is never touched.
  if [ -n "$PGDB" ]; then "$PGBIN/dropdb" -h 127.0.0.1 -p "$PGPORT" -U postgres --if-exists --force "$PGDB" || true; fi
}
trap cleanup EXIT

case "$BENCH_DB" in
  sqlite)
    command -v sqlite3 >/dev/null || { echo "sqlite3 missing: apt-get install -y sqlite3" >&2; exit 1; }
    DB="$DIR/bench.db"
    # Explicit, so a Database__Provider left in the caller's environment does not win.
    export Database__Provider=sqlite ConnectionStrings__ChiSo="Data Source=$DB"
    sql() { sqlite3 "$DB" "$1"; }
    ;;
  postgres)
    # A cluster of its own, as tests/run-tests.sh does, but on another directory and port so the tests' is left alone.
    PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
    [ -x "$PGBIN/initdb" ] || { echo "PostgreSQL missing: apt-get install -y postgresql" >&2; exit 1; }
    PGDATA_DIR=/tmp/chiso-bench-pg; PGPORT="${BENCH_PGPORT:-55433}"
    as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
    if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
      mkdir -p "$PGDATA_DIR"; [ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR"
      as_pg "$PGBIN/initdb -D $PGDATA_DIR -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    fi
    if ! as_pg "$PGBIN/pg_ctl -D $PGDATA_DIR status" >/dev/null 2>&1; then
      # PostgreSQL's default durability (fsync, synchronous_commit, full_page_writes on): the test cluster turns them
      # off for speed, a benchmark must pay for them as production would.
      as_pg "$PGBIN/pg_ctl -D $PGDATA_DIR -o '-p $PGPORT -k /tmp -c max_connections=200' -l $PGDATA_DIR/log -w start" >/dev/null \
        || { echo "PostgreSQL did not start" >&2; tail -20 "$PGDATA_DIR/log" >&2; exit 1; }
    fi
    psql_on() { "$PGBIN/psql" -h 127.0.0.1 -p "$PGPORT" -U postgres -d "$1" -v ON_ERROR_STOP=1 -Atqc "$2"; }
    # A cluster left running by hand with the test settings would flatter the figures.
    durability=$(psql_on postgres "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes')")
    [ "$durability" = "fsync=on, full_page_writes=on, synchronous_commit=on" ] \
      || { echo "$PGDATA_DIR runs with $durability; restart it with the defaults" >&2; exit 1; }
    PGDB="chiso_bench_$(date +%Y%m%d_%H%M%S)_$$"
    "$PGBIN/createdb" -h 127.0.0.1 -p "$PGPORT" -U postgres "$PGDB"
    DB="PostgreSQL $(psql_on postgres 'SHOW server_version' | cut -d' ' -f1) $PGDB on 127.0.0.1:$PGPORT ($durability)"
    export Database__Provider=postgres ConnectionStrings__ChiSo="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Database=$PGDB"
    sql() { psql_on "$PGDB" "$1"; }
    ;;
  *) echo "BENCH_DB is sqlite or postgres, not '$BENCH_DB'" >&2; exit 2 ;;
esac

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
up=""
for _ in $(seq 1 240); do
  # Any answer will do (the progress API answers 401 without a sign-in): the server is up.
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/api/surveys/rounds/$id/progress")" != 000 ] && { up=1; break; }
  kill -0 "$server" 2>/dev/null || break
  sleep 0.5
done
# Otherwise wrk would measure connection errors, and reading the server's CPU time would end the script without a word.
[ -n "$up" ] || { echo "the server did not start on port $PORT:" >&2; tail -20 "$log" >&2; exit 1; }

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
# Straight from the database (the progress API needs a sign-in): every request of the warm-up and the run should be a row.
echo "stored: $(sql 'SELECT count(*) FROM "SurveyResponses"') responses, $(sql "SELECT count(*) FROM \"SurveyResponses\" WHERE \"Review\" = 'Flagged'") flagged ($BENCH_DB)"
grep -iE "fail|exception" "$log" | head -5 || true
