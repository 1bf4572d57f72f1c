#!/usr/bin/env bash
# ./chiso test: installs what the tests need (Debian's chromium, postgresql, nginx and systemd, Noto fonts, poppler-utils),
# starts a throw-away PostgreSQL on a local port, runs every test project and prints "N passed, N failed".
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

need=()
[ -x /usr/bin/chromium ] || need+=(chromium)
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql)
[ -d /usr/share/fonts/truetype/noto ] || need+=(fonts-noto-core)
command -v pdftotext >/dev/null || need+=(poppler-utils)
# The cluster tests (tests/ChiSo.Tests/Cluster) put nginx in front of two instances; installed, never started as a service.
[ -x /usr/sbin/nginx ] || need+=(nginx)
# systemd-analyze reads deploy/systemd's unit (SystemdUnitTests); nothing is started through systemd.
[ -x /usr/bin/systemd-analyze ] || need+=(systemd)
if [ ${#need[@]} -gt 0 ]; then
  echo "Installing ${need[*]} ..."
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq && RUNLEVEL=1 DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need[@]}" >/dev/null || { echo "apt-get install failed"; exit 1; }
fi

# PostgreSQL: a cluster of our own under /tmp, so nothing depends on systemd or an existing cluster.
PGBIN="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -n 1)"
PGDATA_DIR="${CHISO_PGDATA:-/tmp/chiso-test-pg}"
PGPORT="${CHISO_PGPORT:-55432}"
as_pg() { if [ "$(id -u)" = 0 ]; then su postgres -s /bin/bash -c "$*"; else bash -c "$*"; fi; }
if [ ! -f "$PGDATA_DIR/PG_VERSION" ]; then
  mkdir -p "$PGDATA_DIR"; [ "$(id -u)" = 0 ] && chown postgres "$PGDATA_DIR"
  as_pg "$PGBIN/initdb -D $PGDATA_DIR -U postgres --auth=trust -E UTF8 --locale=C.UTF-8" >/dev/null || { echo "initdb failed"; exit 1; }
fi
if ! as_pg "$PGBIN/pg_ctl -D $PGDATA_DIR status" >/dev/null 2>&1; then
  as_pg "$PGBIN/pg_ctl -D $PGDATA_DIR -o '-p $PGPORT -k /tmp -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=300' -l $PGDATA_DIR/log -w start" >/dev/null \
    || { echo "PostgreSQL did not start"; cat "$PGDATA_DIR/log"; exit 1; }
fi
export CHISO_TEST_PG="Host=127.0.0.1;Port=$PGPORT;Username=postgres;Timeout=30;Command Timeout=120"

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
RESULTS="$ROOT/artifacts/test-results"
rm -rf "$RESULTS"; mkdir -p "$RESULTS"
dotnet build ChiSo.slnx -c Release -v quiet -nologo -clp:ErrorsOnly || { echo "0 passed, 1 failed"; exit 1; }

status=0
for project in tests/ChiSo.Tests tests/ChiSo.BrowserTests; do
  [ -d "$project" ] || continue
  name="$(basename "$project")"
  dotnet test "$project" -c Release --no-build -v quiet --logger "trx;LogFileName=$name.trx" --results-directory "$RESULTS" "$@" || status=1
done

# Why each failed test failed, from the TRX files: CI keeps only this log, not the files.
for trx in "$RESULTS"/*.trx; do
  [ -f "$trx" ] || continue
  awk '
    /<UnitTestResult / { failed = ($0 ~ /outcome="Failed"/); if (failed) { match($0, /testName="[^"]*"/); print "FAILED " substr($0, RSTART + 10, RLENGTH - 11) } }
    failed && /<Message>/ { inmessage = 1; lines = 0 }
    inmessage { if (lines++ < 12) { line = $0; gsub(/<\/?Message>/, "", line); gsub(/&quot;/, "\"", line); gsub(/&amp;/, "\\&", line); gsub(/&lt;/, "<", line); gsub(/&gt;/, ">", line); print "    " substr(line, 1, 400) } }
    /<\/Message>/ { inmessage = 0 }
  ' "$trx"
done

# The closing line CI reads, summed from the TRX files (grep and awk: nothing beyond the base system).
cat "$RESULTS"/*.trx 2>/dev/null | grep -o '<Counters [^>]*>' | awk '
  { for (i = 1; i <= NF; i++) { split($i, kv, "="); gsub(/[^0-9]/, "", kv[2]); v[kv[1]] += kv[2] } }
  END { printf "%d passed, %d failed, %d skipped\n", v["passed"], v["failed"] + v["error"] + v["timeout"], v["notExecuted"] }'
exit $status
