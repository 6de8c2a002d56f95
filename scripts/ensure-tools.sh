#!/usr/bin/env bash
# Installs what the test suite needs from Debian's packages when it is missing:
# the PostgreSQL server (tests start their own) with pgTAP and pg_prove (the SQL tests),
# pg_cron (preloaded by the test servers, as on Supabase) and pg_partman, and Chromium (Playwright drives it).
set -euo pipefail
need=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || need+=(postgresql postgresql-contrib)
pgshare=$(ls -d /usr/share/postgresql/*/extension 2>/dev/null | sort -V | tail -n 1)
[ -n "$pgshare" ] && [ -f "$pgshare/pgtap.control" ] || need+=(postgresql-15-pgtap)
command -v pg_prove >/dev/null || need+=(libtap-parser-sourcehandler-pgtap-perl)
[ -n "$pgshare" ] && [ -f "$pgshare/pg_cron.control" ] || need+=(postgresql-15-cron)
[ -n "$pgshare" ] && [ -f "$pgshare/pg_partman.control" ] || need+=(postgresql-15-partman)
[ -x /usr/bin/chromium ] || need+=(chromium)
[ ${#need[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ]; then
  echo "Missing ${need[*]}: install them (apt-get install -y ${need[*]}) or run the tests as root." >&2
  exit 1
fi
echo "Installing ${need[*]} from Debian's packages…"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null
apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
# the packaged cluster is not used: tests run their own servers
command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r v c _; do pg_ctlcluster "$v" "$c" stop || true; done
exit 0
