#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 with a `test` database; installs and starts it if not.
set -euo pipefail

ready() { pg_isready -h 127.0.0.1 -p 5432 -q 2>/dev/null; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  echo "ensure-postgres: installing PostgreSQL from Debian's packages"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi

if ! ready; then
  version=$(ls /etc/postgresql | sort -V | tail -n 1)
  echo "ensure-postgres: starting PostgreSQL $version"
  pg_ctlcluster --skip-systemctl-redirect "$version" main start || true
  for _ in $(seq 1 60); do ready && break; sleep 1; done
fi
ready || { echo "ensure-postgres: PostgreSQL did not come up on 127.0.0.1:5432" >&2; exit 1; }

# Trust auth on loopback is how the machine is set up; make sure the test database exists.
if ! psql -h 127.0.0.1 -d test -Atc 'select 1' >/dev/null 2>&1; then
  su postgres -c "createdb -h 127.0.0.1 test" 2>/dev/null || createdb -h 127.0.0.1 test
fi
echo "ensure-postgres: PostgreSQL is ready"

# Test runs make one schema each (t_<random>) and drop it; a killed run leaves its schema behind. Clear them.
psql -h 127.0.0.1 -d test -Atc "select string_agg(format('drop schema %I cascade', nspname), '; ') from pg_namespace where nspname ~ '^t_[0-9a-f]{12}$'" \
  | { read -r stmt || true; if [ -n "$stmt" ]; then PGOPTIONS="--client-min-messages=warning" psql -h 127.0.0.1 -d test -qc "$stmt" >/dev/null; fi; }
