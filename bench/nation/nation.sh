#!/usr/bin/env bash
# The nation in a simulation (issue 13, item 5; figures in bench/README.md and docs/scale.md). PostgreSQL only, on clusters of
# the script's own under /tmp (never the test suite's on 55432):
#   bench/nation/nation.sh up                         the primary, /tmp/nation-pg on 127.0.0.1:55440 (default durability)
#   bench/nation/nation.sh generate [years=3] [per-year=10000000] [first-year=2024]
#                                                     a new database chiso_nation: migrations, survey answers partitioned by
#                                                     year (partition.sql), 34 provinces, 3,321 communes, the answers by COPY
#   bench/nation/nation.sh score [year]               rescoring one province and the national ranking, timed
#   bench/nation/nation.sh replica [seconds=60] [connections=32]
#                                                     a streaming replica (pg_basebackup -R) on 55441, the app with
#                                                     ConnectionStrings:Read on it, wrk posting answers to the primary while
#                                                     a reader polls scores and progress of the open rounds; replica lag
#                                                     sampled every second. READ_ON=primary reads the primary instead;
#                                                     READ_ROUNDS=n watches n provinces' rounds (default 4).
#   bench/nation/nation.sh down                       stops both clusters (data kept; rm -rf /tmp/nation-pg* to free the disk)
# Needs Debian's postgresql, wrk and curl. Only ever talks to 127.0.0.1.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
PGBIN="$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)"
PRIMARY=/tmp/nation-pg; REPLICA=/tmp/nation-pg-replica
PPORT=55440; RPORT=55441; DBNAME=chiso_nation
APPPORT="${BENCH_PORT:-5097}"
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
psql_on() { "$PGBIN/psql" -h 127.0.0.1 -p "$1" -U postgres -d "$2" -v ON_ERROR_STOP=1 -Atqc "$3"; }
load() { cut -d' ' -f1-3 /proc/loadavg; }
# One server secret for every run on this database (survey markers are keyed with it; docs/decisions/0014).
SECRET_FILE=/tmp/nation-secret
[ -f "$SECRET_FILE" ] || { head -c 48 /dev/urandom | base64 -w0 >"$SECRET_FILE"; chmod 600 "$SECRET_FILE"; }
export Security__Secret="$(cat "$SECRET_FILE")"
BENCH_DLL="$ROOT/artifacts/bin/ChiSo.Bench/release/ChiSo.Bench.dll"
bench() { NATION_PG="Host=127.0.0.1;Port=$PPORT;Username=postgres;Database=$DBNAME;Timeout=30;Command Timeout=0" dotnet "$BENCH_DLL" --nation "$@"; }

up() {
  if [ ! -f "$PRIMARY/PG_VERSION" ]; then
    mkdir -p "$PRIMARY"; [ "$(id -u)" = 0 ] && chown postgres "$PRIMARY"
    as_pg "$PGBIN/initdb -D $PRIMARY -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
    # PostgreSQL's default durability (fsync, synchronous_commit, full_page_writes on); room for a year's COPY between
    # checkpoints; WAL for a streaming replica.
    cat >>"$PRIMARY/postgresql.conf" <<EOF
port = $PPORT
listen_addresses = '127.0.0.1'
unix_socket_directories = '/tmp'
max_connections = 200
shared_buffers = 1GB
max_wal_size = 8GB
checkpoint_timeout = 15min
wal_level = replica
max_wal_senders = 5
hot_standby = on
EOF
    echo "host replication postgres 127.0.0.1/32 trust" >>"$PRIMARY/pg_hba.conf"
  fi
  as_pg "$PGBIN/pg_ctl -D $PRIMARY status" >/dev/null 2>&1 || as_pg "$PGBIN/pg_ctl -D $PRIMARY -l $PRIMARY/log -w start" >/dev/null
  echo "primary: 127.0.0.1:$PPORT ($(psql_on $PPORT postgres "SELECT string_agg(name || '=' || setting, ', ' ORDER BY name) FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'full_page_writes', 'shared_buffers')"))"
}

build_bench() { dotnet build "$ROOT/bench/ChiSo.Bench" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null; }

case "${1:-}" in
  up) up ;;
  generate)
    years="${2:-3}"; per="${3:-10000000}"; first="${4:-2024}"
    up; build_bench
    "$PGBIN/dropdb" -h 127.0.0.1 -p $PPORT -U postgres --if-exists --force $DBNAME
    "$PGBIN/createdb" -h 127.0.0.1 -p $PPORT -U postgres $DBNAME
    bench migrate
    "$PGBIN/psql" -h 127.0.0.1 -p $PPORT -U postgres -d $DBNAME -v ON_ERROR_STOP=1 -q -f "$ROOT/bench/nation/partition.sql" >/dev/null
    psql_on $PPORT $DBNAME "SELECT chiso_survey_partitions($first, $((first + years)))" >/dev/null
    echo "disk before: $(df -h --output=avail /tmp | tail -1) free; load $(load)"
    bench generate "$years" "$per" "$first"
    echo "disk after: $(df -h --output=avail /tmp | tail -1) free; database $(psql_on $PPORT $DBNAME "SELECT pg_size_pretty(pg_database_size('$DBNAME'))")"
    psql_on $PPORT $DBNAME "SELECT c.relname, pg_size_pretty(pg_total_relation_size(c.oid)), pg_size_pretty(pg_indexes_size(c.oid)) FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid WHERE i.inhparent = '\"SurveyResponses\"'::regclass ORDER BY 1" | tr '|' ' ' | sed 's/^/  partition /'
    ;;
  score) up; build_bench; bench score ${2:+"$2"} ;;
  replica)
    seconds="${2:-60}"; connections="${3:-32}"
    command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
    up
    if [ ! -f "$REPLICA/PG_VERSION" ]; then
      mkdir -p "$REPLICA"; [ "$(id -u)" = 0 ] && chown postgres "$REPLICA"; chmod 700 "$REPLICA"
      started=$(date +%s)
      as_pg "$PGBIN/pg_basebackup -h 127.0.0.1 -p $PPORT -U postgres -D $REPLICA -R -X stream -c fast"
      echo "pg_basebackup: $(( $(date +%s) - started )) s for $(du -sh "$REPLICA" | cut -f1); load $(load)"
    fi
    # The backup copies the primary's settings, its port too.
    sed -i "s/^port = .*/port = $RPORT/" "$REPLICA/postgresql.conf"
    as_pg "$PGBIN/pg_ctl -D $REPLICA status" >/dev/null 2>&1 || as_pg "$PGBIN/pg_ctl -D $REPLICA -l $REPLICA/log -w start" >/dev/null
    echo "replica: 127.0.0.1:$RPORT, in recovery: $(psql_on $RPORT postgres 'SELECT pg_is_in_recovery()')"

    primary_cs="Host=127.0.0.1;Port=$PPORT;Username=postgres;Database=$DBNAME"
    if [ "${READ_ON:-replica}" = primary ]; then read_cs="$primary_cs"; else read_cs="Host=127.0.0.1;Port=$RPORT;Username=postgres;Database=$DBNAME"; fi
    export Database__Provider=postgres ConnectionStrings__ChiSo="$primary_cs" ConnectionStrings__Read="$read_cs"
    password="Nation-$(date +%s)"
    "$ROOT/chiso" users add "nation-$$" --name "Đo hiệu năng" --role admin --password "$password" >/dev/null
    # Another app on the port would answer the health check and take the load.
    ! (exec 3<>"/dev/tcp/127.0.0.1/$APPPORT") 2>/dev/null || { echo "port $APPPORT is taken: set BENCH_PORT" >&2; exit 1; }
    dir="$(mktemp -d)"; server=""
    trap '[ -n "$server" ] && kill "$server" 2>/dev/null; wait 2>/dev/null; rm -rf "$dir"' EXIT
    CHISO_URLS="http://127.0.0.1:$APPPORT" Logging__LogLevel__Default=Warning Surveys__FormRateLimitPerMinute=100000000 \
      Database__MigrateOnStartup=false "$ROOT/chiso" serve >"$dir/serve.log" 2>&1 &
    server=$!
    for _ in $(seq 1 240); do
      [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$APPPORT/healthz")" = 200 ] && break
      kill -0 "$server" 2>/dev/null || { tail -20 "$dir/serve.log" >&2; exit 1; }
      sleep 0.5
    done
    year=$(psql_on $PPORT $DBNAME "SELECT MAX(\"Year\") FROM \"SurveyRounds\" WHERE \"Name\" LIKE 'SIPAS %'")
    # The reader watches READ_ROUNDS provinces' rounds (default 4): each app instance first reads a round whole to start its
    # live tally (~8 s for a province here), then only what came in since.
    rounds=$(psql_on $PPORT $DBNAME "SELECT string_agg(\"Id\"::text, ' ' ORDER BY \"Id\") FROM (SELECT \"Id\" FROM \"SurveyRounds\" WHERE \"Year\" = $year AND \"Name\" LIKE 'SIPAS %' ORDER BY \"Id\" LIMIT GREATEST(${READ_ROUNDS:-4}, 1)) r")
    target=$(echo $rounds | cut -d' ' -f1)
    unit=$(psql_on $PPORT $DBNAME "SELECT u.\"Code\" FROM \"RoundQuota\" q JOIN \"Units\" u ON u.\"Id\" = q.\"UnitId\" WHERE q.\"RoundId\" = $target LIMIT 1")
    before=$(psql_on $PPORT $DBNAME "SELECT count(*) FROM \"SurveyResponses\" WHERE \"RoundId\" = $target")
    echo "reads on ${READ_ON:-replica}; intake into round $target (unit $unit, $before answers) with wrk -c$connections for ${seconds}s; load $(load)"

    jar="$dir/jar"
    curl -sf -c "$jar" -o /dev/null -H 'Content-Type: application/json' \
      -d "{\"userName\":\"nation-$$\",\"password\":\"$password\"}" "http://127.0.0.1:$APPPORT/api/account/login"
    # Warm: each round's live tally is built once (a full read of the round), as an app that has been up a while has done.
    [ "${READ_ROUNDS:-4}" -eq 0 ] || for r in $rounds; do curl -s -b "$jar" -o /dev/null "http://127.0.0.1:$APPPORT/api/surveys/rounds/$r/scores"; done
    reader() {
      local end=$(( $(date +%s) + seconds ))
      while [ "$(date +%s)" -lt "$end" ]; do
        for r in $rounds; do
          for what in scores progress; do
            curl -s -b "$jar" -o /dev/null -w "$what %{http_code} %{time_total}\n" "http://127.0.0.1:$APPPORT/api/surveys/rounds/$r/$what"
          done
          [ "$(date +%s)" -lt "$end" ] || break
        done
      done >"$dir/reads"
    }
    lag() {
      local end=$(( $(date +%s) + seconds ))
      while [ "$(date +%s)" -lt "$end" ]; do
        psql_on $PPORT postgres "SELECT COALESCE(EXTRACT(EPOCH FROM replay_lag) * 1000, 0)::int, pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint FROM pg_stat_replication LIMIT 1" || true
        sleep 1
      done >"$dir/lag"
    }
    # READ_ROUNDS=0: the intake alone, for the same figure without readers.
    if [ "${READ_ROUNDS:-4}" -gt 0 ]; then reader & r1=$!; else : >"$dir/reads"; r1=""; fi
    lag & l1=$!
    BENCH_UNIT="$unit" wrk -t2 -c"$connections" -d"${seconds}s" --latency -s "$ROOT/bench/load/intake.lua" \
      "http://127.0.0.1:$APPPORT/api/surveys/rounds/$target/responses" | grep -E "Requests/sec|Latency|99%|50%|requests in|Non-2xx"
    wait $r1 $l1 2>/dev/null || true
    echo "load average: $(load)"
    after=$(psql_on $PPORT $DBNAME "SELECT count(*) FROM \"SurveyResponses\" WHERE \"RoundId\" = $target")
    echo "stored: $((after - before)) answers on the primary; replica has $(psql_on $RPORT $DBNAME "SELECT count(*) FROM \"SurveyResponses\" WHERE \"RoundId\" = $target") of $after"
    for what in scores progress; do
      { grep "^$what " "$dir/reads" || true; } | awk '$2 == 200 { print $3 * 1000 }' | sort -n | awk -v w="$what" \
        '{ a[NR] = $1 } END { if (NR) printf "%-8s %d reads: median %.0f ms, p95 %.0f ms, max %.0f ms\n", w, NR, a[int((NR + 1) / 2)], a[int(NR * 0.95 + 0.5)], a[NR] }'
      echo "         non-200: $({ grep "^$what " "$dir/reads" || true; } | awk '$2 != 200' | wc -l)"
    done
    if [ -s "$dir/lag" ]; then
      sort -t'|' -k1 -n "$dir/lag" | awk -F'|' '{ ms[NR] = $1; if ($2 > b) b = $2 } END { printf "replica lag: median %d ms, max %d ms (replay_lag, %d samples); max %d bytes behind\n", ms[int((NR + 1) / 2)], ms[NR], NR, b }'
    fi
    grep -iE "fail|exception" "$dir/serve.log" | head -5 || true
    ;;
  down)
    for d in "$REPLICA" "$PRIMARY"; do as_pg "$PGBIN/pg_ctl -D $d status" >/dev/null 2>&1 && as_pg "$PGBIN/pg_ctl -D $d -m fast stop" >/dev/null; done
    echo "stopped" ;;
  *) sed -n 2,17p "$0"; exit 2 ;;
esac
