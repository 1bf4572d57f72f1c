#!/usr/bin/env bash
# Page weight of the public survey form as a phone loads it: the HTML (with its inline stylesheet) and the one script,
# each as sent and as gzip -6 would send it (nginx's gzip_comp_level is 1 by default, 6 is common; the host itself does not
# compress). A fresh SQLite database, an open SIPAS round, the built app on 127.0.0.1; nothing else is fetched by the page.
#   bench/form-weight.sh            (needs a build: dotnet build ChiSo.slnx -c Release)
#   BENCH_PORT=5093 BENCH_UNIT=VPUB
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
PORT="${BENCH_PORT:-5093}"; UNIT="${BENCH_UNIT:-VPUB}"
DIR="$(mktemp -d)"
export Database__Provider=sqlite ConnectionStrings__ChiSo="Data Source=$DIR/bench.db"
export Security__Secret="${Security__Secret:-$(head -c 48 /dev/urandom | base64 -w0)}"
cli() { dotnet "$ROOT/artifacts/bin/ChiSo.Cli/release/ChiSo.Cli.dll" "$@"; }
server=""
cleanup() { if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi; rm -rf "$DIR"; }
trap cleanup EXIT

today=$(date +%F); closes=$(date -d '+30 days' +%F)
id=$(cli survey create-round --year "$(date +%Y)" --name "Đo trang phiếu" --questionnaire sipas --opens "$today" --closes "$closes" | grep -o '[0-9]\+' | tail -1)
cli survey quota "$id" --unit "$UNIT" --group citizens --target 10 >/dev/null
cli survey status "$id" Open >/dev/null

(cd "$ROOT/src/ChiSo.Web" && exec dotnet "$ROOT/artifacts/bin/ChiSo.Web/release/ChiSo.Web.dll" --urls "http://127.0.0.1:$PORT") >"$DIR/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT/khao-sat/cam-on")" = 200 ] && break
  kill -0 "$server" 2>/dev/null || { tail -20 "$DIR/serve.log" >&2; exit 1; }
  sleep 0.5
done

curl -s "http://127.0.0.1:$PORT/khao-sat/$id/$UNIT?g=citizens&d=HS-DO-0001" -o "$DIR/form.html"
curl -s "http://127.0.0.1:$PORT/survey-form.js" -o "$DIR/form.js"
# Everything the page asks for besides itself: it should be the script alone.
echo "resources the page loads: $(grep -oE '(src|href)="/[^"]*"' "$DIR/form.html" | sort -u | tr '\n' ' ')"
row() { printf '%-26s %8d B %8d B\n' "$1" "$(wc -c <"$2")" "$(gzip -6 -c "$2" | wc -c)"; }
printf '%-26s %10s %10s\n' "" "as sent" "gzip -6"
row "HTML + inline CSS" "$DIR/form.html"
row "survey-form.js" "$DIR/form.js"
cat "$DIR/form.html" "$DIR/form.js" >"$DIR/all"
echo "total: $(wc -c <"$DIR/all") B as sent, $(( $(gzip -6 -c "$DIR/form.html" | wc -c) + $(gzip -6 -c "$DIR/form.js" | wc -c) )) B gzip (two responses)"
