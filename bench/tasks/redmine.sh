#!/usr/bin/env bash
# Redmine beside ChiSo on the same 3,000 tasks (issue 12): Debian's redmine 5.0 with SQLite, one public project of 3,000
# issues written straight into its database with SQL (not through Redmine's API: a bulk INSERT, stated in bench/README.md),
# then its issue list (a page of 50 and of 100) and its Gantt of 2025 fetched anonymously. The figure is Redmine's own
# server time, "Completed 200 OK in N ms" in its production log (the counterpart of ChiSo's Server-Timing app;dur), median
# of BENCH_RUNS (default 5) after one warm-up.
#   bench/tasks/redmine.sh               needs root: installs redmine + redmine-sqlite with apt when missing and writes to
#                                        Debian's instance database (/var/lib/dbconfig-common/sqlite3/redmine/...)
#   REDMINE_PORT=3010 (default)          idempotent: the project's issues are deleted and written again on each run
# Needs curl, python3 and sqlite3. Only ever talks to 127.0.0.1.
set -euo pipefail
PORT="${REDMINE_PORT:-3010}"
RUNS="${BENCH_RUNS:-5}"
[ "$(id -u)" = 0 ] || { echo "run as root: it installs Debian's redmine and writes to its database" >&2; exit 1; }
for tool in curl python3 sqlite3; do command -v "$tool" >/dev/null || { echo "$tool missing: apt-get install -y $tool" >&2; exit 1; }; done
if ! dpkg -s redmine redmine-sqlite >/dev/null 2>&1; then
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends redmine redmine-sqlite
fi
# Debian's Gemfile names no web server (it expects Passenger); webrick is packaged (ruby-webrick), Gemfile.local adds it.
grep -qs '"webrick"' /usr/share/redmine/Gemfile.local || echo 'gem "webrick"' >>/usr/share/redmine/Gemfile.local
DB=/var/lib/dbconfig-common/sqlite3/redmine/instances/default/redmine_default
LOG=/var/log/redmine/default/production.log
[ -s "$DB" ] || { echo "no Redmine database at $DB (dbconfig-common did not create it)" >&2; exit 1; }
B="http://127.0.0.1:$PORT"
DIR="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$DIR"
}
trap cleanup EXIT

# The same plan as bench/tasks/tasks.sh: 3,000 tasks, 12 lead departments, the same twelve deadline texts read as Redmine
# dates (start, due), the same progress (two tasks in three reported: every other one done, the rest 70 %).
python3 >"$DIR/issues.sql" <<'PY'
import calendar
def month(m): return (f"2025-{m:02d}-01", f"2025-{m:02d}-{calendar.monthrange(2025, m)[1]:02d}")
year = ("2025-01-15", "2025-12-31")
print("BEGIN;")
print("DELETE FROM issues WHERE project_id = (SELECT id FROM projects WHERE identifier = 'bench3000');")
# An aggregate always gives a row, so the "not yet there" test wraps it.
print("INSERT INTO projects (name, description, is_public, identifier, status, lft, rgt, created_on, updated_on) "
      "SELECT 'Kế hoạch đo hiệu năng 3.000 nhiệm vụ', '', 1, 'bench3000', 1, n + 1, n + 2, '2025-01-15 00:00:00', '2025-01-15 00:00:00' "
      "FROM (SELECT COALESCE(MAX(rgt), 0) AS n FROM projects) WHERE NOT EXISTS (SELECT 1 FROM projects WHERE identifier = 'bench3000');")
print("INSERT INTO projects_trackers (project_id, tracker_id) SELECT p.id, t.id FROM projects p, trackers t WHERE p.identifier = 'bench3000' "
      "AND NOT EXISTS (SELECT 1 FROM projects_trackers x WHERE x.project_id = p.id AND x.tracker_id = t.id);")
for module in ("issue_tracking", "gantt", "calendar"):
    print(f"INSERT INTO enabled_modules (project_id, name) SELECT id, '{module}' FROM projects WHERE identifier = 'bench3000' "
          f"AND NOT EXISTS (SELECT 1 FROM enabled_modules e WHERE e.project_id = projects.id AND e.name = '{module}');")
# Gantt shows at most gantt_items_limit (500) issues unless raised: ChiSo's whole-year timeline draws all 3,000.
print("DELETE FROM settings WHERE name = 'gantt_items_limit';")
print("INSERT INTO settings (name, value, updated_on) VALUES ('gantt_items_limit', '5000', '2025-01-15 00:00:00');")
rows = []
for i in range(3000):
    m = 1 + i % 12
    start, due = [
        month(m), ("2025-04-01", "2025-06-30"), year, year, ("2025-03-01" if m >= 3 else f"2025-{m:02d}-01", month(m)[1]), year, year,
        (f"2025-{m:02d}-15", f"2025-{m:02d}-15"), (None, None), (None, None), ("2025-10-01", "2025-12-31"), year,
    ][i % 12]
    order = i + 1
    status, ratio = (1, 0) if order % 3 == 0 else ((5, 100) if order % 2 == 0 else (2, 70))
    q = lambda v: "NULL" if v is None else f"'{v}'"
    rows.append(f"((SELECT id FROM projects WHERE identifier = 'bench3000'), 2, 'Nhiệm vụ số {order}: nâng cao chất lượng cải cách hành chính', "
                f"'Sở chủ trì {1 + i % 12}', {q(start)}, {q(due)}, {status}, 2, 1, '2025-01-15 00:00:00', '2025-05-01 00:00:00', {ratio}, "
                f"{q('2025-05-01 00:00:00' if status == 5 else None)})")
for k in range(0, len(rows), 500):
    print("INSERT INTO issues (project_id, tracker_id, subject, description, start_date, due_date, status_id, priority_id, author_id, "
          "created_on, updated_on, done_ratio, closed_on) VALUES\n" + ",\n".join(rows[k:k + 500]) + ";")
# Top-level issues: each its own nested-set root.
print("UPDATE issues SET root_id = id, lft = 1, rgt = 2 WHERE root_id IS NULL;")
print("COMMIT;")
PY
sqlite3 "$DB" <"$DIR/issues.sql"
chown www-data:www-data "$DB" 2>/dev/null || true
project=$(sqlite3 "$DB" "SELECT id FROM projects WHERE identifier = 'bench3000'")
echo "Redmine $(dpkg-query -W -f '${Version}' redmine): project $project, $(sqlite3 "$DB" "SELECT COUNT(*) FROM issues WHERE project_id = $project") issues"

(cd /usr/share/redmine && RAILS_ENV=production X_DEBIAN_SITEID=default exec bin/rails server -u webrick -b 127.0.0.1 -p "$PORT") >"$DIR/serve.log" 2>&1 &
server=$!
for _ in $(seq 1 240); do
  [ "$(curl -s -o /dev/null -w '%{http_code}' "$B/")" != 000 ] && break
  kill -0 "$server" 2>/dev/null || { tail -20 "$DIR/serve.log" >&2; exit 1; }
  sleep 0.5
done
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"

measure() {
  local what="$1" path="$2" durs=() size=0
  curl -s -o /dev/null "$B$path"
  for _ in $(seq 1 "$RUNS"); do
    local before code
    before=$(wc -l <"$LOG")
    code=$(curl -s -o "$DIR/body" -w '%{http_code}' "$B$path")
    [ "$code" = 200 ] || { echo "$path answered $code" >&2; exit 1; }
    sleep 0.2
    durs+=("$(tail -n +"$((before + 1))" "$LOG" | sed -n -E 's/.*Completed 200 OK in ([0-9.]+)ms.*/\1/p' | tail -1)")
    size=$(stat -c %s "$DIR/body")
  done
  local med min max
  med=$(printf '%s\n' "${durs[@]}" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  min=$(printf '%s\n' "${durs[@]}" | sort -n | head -1)
  max=$(printf '%s\n' "${durs[@]}" | sort -n | tail -1)
  printf '%-44s %8s ms  (%s–%s)  %7s KB  load %s\n' "$what" "$med" "$min" "$max" "$((size / 1024))" "$(cut -d' ' -f1 /proc/loadavg)"
}
# Every status (open and closed), in id order, as ChiSo's list shows the plan's tasks.
L="/projects/bench3000/issues?set_filter=1&f%5B%5D=status_id&op%5Bstatus_id%5D=*&sort=id"
measure "issue list, a page of 50"                 "$L&per_page=50"
measure "issue list, a page of 100"                "$L&per_page=100"
measure "issue list, page 30 of 50"                "$L&per_page=50&page=30"
measure "Gantt of 2025 (12 months, every issue)"   "/projects/bench3000/issues/gantt?set_filter=1&f%5B%5D=status_id&op%5Bstatus_id%5D=*&year=2025&month=1&months=12"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
