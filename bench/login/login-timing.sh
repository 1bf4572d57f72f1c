#!/usr/bin/env bash
# Times failed sign-ins for a real name and for a name no account has (issue 14: names must not be told apart by the
# time a wrong password takes). Starts the web app on a fresh SQLite file with the production password hashing
# (PBKDF2, Identity's default iterations) and the sign-in limits raised out of the way, then sends N rounds of
# POST /api/account/login, alternating a wrong password for "admin" and one for an unknown name, from 127.0.0.1.
#   bench/login/login-timing.sh [rounds=200]
# Prints count, mean, median, p95, min and max in ms for each kind (curl's time_total, alternating), then the server's
# CPU time per sign-in for each kind (N more of each, in blocks).
# Needs curl. Pass BENCH_PORT when another server holds the port.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
ROUNDS="${1:-200}"
PORT="${BENCH_PORT:-5093}"
DIR="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

dotnet build "$ROOT/src/ChiSo.Web" -c Release -v quiet -nologo -clp:ErrorsOnly >/dev/null
export Database__Provider=sqlite ConnectionStrings__ChiSo="Data Source=$DIR/bench.db"
export Accounts__InitialAdminPassword="Bench-mat-khau-2024"
# The limits would answer 429 long before 200 failures; what is measured here is the password check itself.
export Accounts__LoginLimits__PerAddressAndName=1000000 Accounts__LoginLimits__PerAddress=1000000 Accounts__LoginLimits__SlowNameAfter=1000000
(cd "$ROOT/src/ChiSo.Web" && exec dotnet "$ROOT/artifacts/bin/ChiSo.Web/release/ChiSo.Web.dll" --urls "http://127.0.0.1:$PORT" >"$DIR/server.log" 2>&1) &
server=$!
for _ in $(seq 1 240); do
  curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap" && break
  sleep 0.5
done
curl -fs -o /dev/null "http://127.0.0.1:$PORT/dang-nhap" || { echo "server did not start" >&2; tail -20 "$DIR/server.log" >&2; exit 1; }

login() { # name password -> seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/json' \
    -d "{\"userName\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/account/login"
}
status() {
  curl -s -o /dev/null -w '%{http_code}' -H 'Content-Type: application/json' \
    -d "{\"userName\":\"$1\",\"password\":\"$2\"}" "http://127.0.0.1:$PORT/api/account/login"
}
[ "$(status admin Bench-mat-khau-2024)" = 204 ] || { echo "the admin cannot sign in" >&2; exit 1; }
[ "$(status admin sai-mat-khau)" = 401 ] && [ "$(status khong-co-ai sai-mat-khau)" = 401 ] || { echo "unexpected status" >&2; exit 1; }

# Warm-up: JIT, connection pool, the dummy hash made once.
for i in $(seq 1 20); do login admin "sai-$i" >/dev/null; login "khong-co-ai-$i" "sai-$i" >/dev/null; done
cpu() { awk '{print $14 + $15}' "/proc/$server/stat"; }
: >"$DIR/known"; : >"$DIR/unknown"
for i in $(seq 1 "$ROUNDS"); do
  login admin "sai-mat-khau-$i" >>"$DIR/known"
  login "khong-co-ai-$i" "sai-mat-khau-$i" >>"$DIR/unknown"
done
# Server CPU per sign-in, each kind in a block of its own: less moved by the neighbours than wall time.
per_kind_cpu() { # name-prefix
  local before after
  before=$(cpu)
  for i in $(seq 1 "$ROUNDS"); do
    if [ "$1" = admin ]; then login admin "cpu-$i" >/dev/null; else login "khong-co-ai-cpu-$i" "cpu-$i" >/dev/null; fi
  done
  after=$(cpu)
  awk -v a="$before" -v b="$after" -v hz="$(getconf CLK_TCK)" -v n="$ROUNDS" 'BEGIN { printf "%.1f ms", (b - a) * 1000 / hz / n }'
}
known_cpu=$(per_kind_cpu admin)
unknown_cpu=$(per_kind_cpu unknown)

summary() {
  sort -g "$1" | awk -v name="$2" '{ v[NR] = $1 * 1000; s += v[NR] }
    END { p95 = v[int(NR * 0.95 + 0.5)]; med = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
          printf "%-34s n=%d  mean %.1f ms  median %.1f ms  p95 %.1f ms  min %.1f ms  max %.1f ms\n", name, NR, s / NR, med, p95, v[1], v[NR] }'
}
summary "$DIR/known" "wrong password, real name (admin)"
summary "$DIR/unknown" "wrong password, unknown name"
echo "server CPU per sign-in: real name $known_cpu, unknown name $unknown_cpu ($ROUNDS each); load average: $(cut -d' ' -f1-3 /proc/loadavg)"
