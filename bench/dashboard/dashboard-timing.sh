#!/bin/sh
# The server time of pages as the Server-Timing header reports it (app: the whole answer, prerendered; db: the queries).
# Usage: BASE=http://127.0.0.1:5080 USER=admin PASSWORD=... bench/dashboard/dashboard-timing.sh [runs] [path...]
set -eu
BASE=${BASE:-http://127.0.0.1:5080}
RUNS=${1:-10}
[ $# -gt 0 ] && shift
PATHS=${*:-/ /overview /accountability}
JAR=$(mktemp)
trap 'rm -f "$JAR"' EXIT
curl -sf -c "$JAR" -o /dev/null -H 'Content-Type: application/json' \
    -d "{\"userName\":\"${USER:-admin}\",\"password\":\"${PASSWORD:?set PASSWORD}\"}" "$BASE/api/account/login"
for p in $PATHS; do
    curl -s -b "$JAR" -o /dev/null "$BASE$p" # the first answer compiles the page
    i=0
    while [ $i -lt "$RUNS" ]; do
        curl -s -b "$JAR" -o /dev/null -D - "$BASE$p" | tr -d '\r' | sed -n 's/^[Ss]erver-[Tt]iming: app;dur=\([0-9.]*\), db;dur=\([0-9.]*\);desc="\([0-9]*\) queries"/\1 \2 \3/p'
        i=$((i + 1))
    done | sort -n | awk -v p="$p" '{ a[NR] = $1; d[NR] = $2; q = $3 } END { printf "%-16s median app %6.1f ms (min %6.1f, max %6.1f), db %5.1f ms, %d queries\n", p, a[int((NR + 1) / 2)], a[1], a[NR], d[int((NR + 1) / 2)], q }'
done
