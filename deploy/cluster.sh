#!/usr/bin/env bash
# ./chiso cluster up [N] | down | status | restart-db | nginx-site --listen ADDR --server HOST:PORT ...
# A cluster on one machine, on loopback, as a city's IT centre runs it on several (deploy/, docs/decisions/0023):
# a PostgreSQL cluster of its own under the data directory, N app instances (ports PORT+1 .. PORT+N) and nginx on
# PORT with the site rendered from deploy/nginx/chiso.conf.
# Settings (environment): CHISO_CLUSTER_DIR (.data/cluster), CHISO_CLUSTER_PORT (5100), CHISO_CLUSTER_PGPORT (55440),
# CHISO_CLUSTER_NO_BUILD=1 (use the build in artifacts/), CHISO_ADMIN_PASSWORD (the first admin's, on an empty
# database). Every other variable (Smtp__Host, Reminders__..., Logging__...) reaches the instances as it is.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${CHISO_CLUSTER_DIR:-$ROOT/.data/cluster}"
PORT="${CHISO_CLUSTER_PORT:-5100}"
PGPORT="${CHISO_CLUSTER_PGPORT:-55440}"
PGDATA_DIR="$DIR/pg"
DLL="$ROOT/artifacts/bin/ChiSo.Web/release/ChiSo.Web.dll"

as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
pgbin() { ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1; }

# The site file for nginx: the template with its listen address and one `server` line per instance.
render_site() {
  local listen="$1"; shift
  local servers=""
  for s in "$@"; do servers+="    server $s max_fails=1 fail_timeout=5s;"$'\n'; done
  awk -v listen="$listen" -v servers="${servers%$'\n'}" '{ gsub(/@LISTEN@/, listen); if ($0 ~ /^@SERVERS@$/) print servers; else print }' \
    "$ROOT/deploy/nginx/chiso.conf"
}

ready() { curl -fs -o /dev/null --max-time 2 "http://127.0.0.1:$1/readyz"; }

wait_ready() {
  local port="$1" log="$2" pid="$3"
  for _ in $(seq 1 360); do
    ready "$port" && return 0
    kill -0 "$pid" 2>/dev/null || { echo "The instance on port $port stopped; its log:" >&2; tail -n 40 "$log" >&2; exit 1; }
    sleep 0.5
  done
  echo "The instance on port $port is not ready after 3 minutes; its log: $log" >&2; exit 1
}

start_pg() {
  local bin; bin="$(pgbin)"
  if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
    mkdir -p "$PGDATA_DIR"
    if [ "$(id -u)" = 0 ]; then
      chown postgres "$PGDATA_DIR"
      # The postgres user must pass through the directories above its data: the app creates its own (.data, a test's
      # directory) owner-only (umask 077), so give others the right to traverse (not to list) where it is missing.
      local d; d="$(dirname "$PGDATA_DIR")"
      while [ "$d" != / ]; do find "$d" -maxdepth 0 ! -perm -o+x -exec chmod o+x {} \; ; d="$(dirname "$d")"; done
    fi
    as_pg "$bin/initdb -D $PGDATA_DIR -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null
  fi
  if ! as_pg "$bin/pg_ctl -D $PGDATA_DIR status" >/dev/null 2>&1; then
    as_pg "$bin/pg_ctl -D $PGDATA_DIR -o '-p $PGPORT -k /tmp -c max_connections=200' -l $PGDATA_DIR/log -w start" >/dev/null
  fi
  if [ -z "$(as_pg "$bin/psql -h 127.0.0.1 -p $PGPORT -U postgres -Atc \"SELECT 1 FROM pg_database WHERE datname = 'chiso'\"")" ]; then
    as_pg "$bin/psql -h 127.0.0.1 -p $PGPORT -U postgres -qc 'CREATE DATABASE chiso'"
  fi
}

start_instance() {
  local i="$1" port=$((PORT + $1))
  (
    cd "$ROOT/src/ChiSo.Web"
    export Database__Provider=postgres
    export ConnectionStrings__ChiSo="Host=127.0.0.1;Port=$PGPORT;Database=chiso;Username=postgres;Timeout=10"
    export Security__SecretFile="$DIR/secret.key" Instance__Name="app$i"
    # As the systemd unit runs an instance (deploy/systemd, decision 0026): two glibc arenas.
    export MALLOC_ARENA_MAX="${MALLOC_ARENA_MAX:-2}"
    [ -n "${CHISO_ADMIN_PASSWORD:-}" ] && export Accounts__InitialAdminPassword="$CHISO_ADMIN_PASSWORD"
    exec setsid dotnet "$DLL" --urls "http://127.0.0.1:$port" >>"$DIR/app$i.log" 2>&1
  ) &
  echo $! >"$DIR/app$i.pid"
}

up() {
  local n="${1:-2}"
  command -v nginx >/dev/null || { echo "nginx is missing: apt-get install nginx" >&2; exit 1; }
  mkdir -p "$DIR/nginx-tmp"
  [ "${CHISO_CLUSTER_NO_BUILD:-}" = 1 ] || dotnet build "$ROOT/src/ChiSo.Web" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
  [ -f "$DIR/secret.key" ] || (umask 077; openssl rand -base64 48 >"$DIR/secret.key")
  start_pg
  # The first instance migrates and seeds an empty database alone; then the others start side by side.
  local servers=()
  for i in $(seq 1 "$n"); do
    servers+=("127.0.0.1:$((PORT + i))")
    if [ -f "$DIR/app$i.pid" ] && kill -0 "$(cat "$DIR/app$i.pid")" 2>/dev/null; then continue; fi
    start_instance "$i"
    [ "$i" = 1 ] && wait_ready "$((PORT + 1))" "$DIR/app1.log" "$(cat "$DIR/app1.pid")"
  done
  for i in $(seq 2 "$n"); do wait_ready "$((PORT + i))" "$DIR/app$i.log" "$(cat "$DIR/app$i.pid")"; done
  render_site "127.0.0.1:$PORT" "${servers[@]}" >"$DIR/chiso-site.conf"
  {
    [ "$(id -u)" = 0 ] && echo "user root;"
    cat <<CONF
worker_processes 1;
pid $DIR/nginx.pid;
error_log $DIR/nginx-error.log;
events { worker_connections 1024; }
http {
    include /etc/nginx/mime.types;
    access_log $DIR/nginx-access.log;
    client_body_temp_path $DIR/nginx-tmp/body;
    proxy_temp_path $DIR/nginx-tmp/proxy;
    fastcgi_temp_path $DIR/nginx-tmp/fastcgi;
    uwsgi_temp_path $DIR/nginx-tmp/uwsgi;
    scgi_temp_path $DIR/nginx-tmp/scgi;
    include $DIR/chiso-site.conf;
}
CONF
  } >"$DIR/nginx.conf"
  if [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then nginx -c "$DIR/nginx.conf" -s reload
  else nginx -c "$DIR/nginx.conf"; fi
  echo "ChiSo: http://127.0.0.1:$PORT ($n instances on ports $((PORT + 1))-$((PORT + n)), PostgreSQL on $PGPORT, logs in $DIR)"
  grep -hoE 'random password [^ {][^ ]*' "$DIR"/app*.log 2>/dev/null | head -n 1 | sed 's/^random password /First admin: admin, password /' || true
}

down() {
  if [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then nginx -c "$DIR/nginx.conf" -s quit; fi
  for f in "$DIR"/app*.pid; do
    [ -f "$f" ] || continue
    local pid; pid="$(cat "$f")"
    # SIGTERM: the instance refuses new requests with 503 and drains those in flight (decision 0022).
    if kill -0 "$pid" 2>/dev/null; then
      kill -TERM "$pid"
      for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
      kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$f"
  done
  if [ -f "$PGDATA_DIR/PG_VERSION" ]; then as_pg "$(pgbin)/pg_ctl -D $PGDATA_DIR -m fast stop" >/dev/null 2>&1 || true; fi
  echo "ChiSo cluster stopped (data kept in $DIR)"
}

status() {
  local code=0
  if [ -f "$DIR/nginx.pid" ] && kill -0 "$(cat "$DIR/nginx.pid")" 2>/dev/null; then echo "nginx      http://127.0.0.1:$PORT  running"
  else echo "nginx      http://127.0.0.1:$PORT  stopped"; code=1; fi
  for f in "$DIR"/app*.pid; do
    [ -f "$f" ] || continue
    local i; i="$(basename "$f" .pid)"; i="${i#app}"
    local state=stopped
    if kill -0 "$(cat "$f")" 2>/dev/null; then
      if ready $((PORT + i)); then state=ready; else state="running, not ready"; code=1; fi
    else code=1; fi
    echo "app$i       http://127.0.0.1:$((PORT + i))  $state"
  done
  if "$(pgbin)/pg_isready" -q -h 127.0.0.1 -p "$PGPORT"; then echo "postgresql 127.0.0.1:$PGPORT  accepting connections"
  else echo "postgresql 127.0.0.1:$PGPORT  down"; code=1; fi
  return $code
}

case "${1:-}" in
  up) shift; up "$@" ;;
  down) down ;;
  status) status ;;
  # PostgreSQL restarted under the running instances (the cluster test's fault; a minor-version upgrade).
  restart-db) as_pg "$(pgbin)/pg_ctl -D $PGDATA_DIR -m fast -w restart -o \"-p $PGPORT -k /tmp -c max_connections=200\" -l $PGDATA_DIR/log" >/dev/null ;;
  nginx-site)
    shift; listen=80; servers=()
    while [ $# -gt 0 ]; do
      case "$1" in
        --listen) listen="$2"; shift 2 ;;
        --server) servers+=("$2"); shift 2 ;;
        *) echo "usage: ./chiso cluster nginx-site --listen 80 --server 127.0.0.1:5081 --server 127.0.0.1:5082" >&2; exit 2 ;;
      esac
    done
    [ ${#servers[@]} -gt 0 ] || servers=(127.0.0.1:5081 127.0.0.1:5082)
    render_site "$listen" "${servers[@]}" ;;
  *) echo "usage: ./chiso cluster up [N] | down | status | restart-db | nginx-site --listen ADDR --server HOST:PORT ..." >&2; exit 2 ;;
esac
