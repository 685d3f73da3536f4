#!/usr/bin/env bash
# Start a PostgreSQL server private to the tests (own data folder, port 54329, loopback only)
# and print the export line for BROADCASTER_TEST_PG_URL. Safe to run again.
set -euo pipefail
PGDATA=${BROADCASTER_PGDATA:-/tmp/broadcaster-pg}
PORT=54329
# Each checkout may use its own database on the shared server (parallel test runs must not share one).
DB=${BROADCASTER_TEST_PG_DB:-broadcaster_test}
bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ]; then echo "echo 'PostgreSQL is not installed: apt-get install postgresql' >&2"; exit 1; fi
run_as_postgres() { if [ "$(id -u)" -eq 0 ]; then su postgres -s /bin/sh -c "$*"; else sh -c "$*"; fi; }
if [ ! -s "$PGDATA/PG_VERSION" ]; then
  mkdir -p "$PGDATA"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$PGDATA"
  run_as_postgres "$bin/initdb -D $PGDATA -A trust -U postgres >/dev/null"
fi
if ! run_as_postgres "$bin/pg_ctl -D $PGDATA status" >/dev/null 2>&1; then
  run_as_postgres "$bin/pg_ctl -D $PGDATA -l $PGDATA/server.log -w -o '-p $PORT -k /tmp -c listen_addresses=127.0.0.1 -c fsync=off' start" >/dev/null
fi
run_as_postgres "$bin/psql -h 127.0.0.1 -p $PORT -U postgres -tc \"SELECT 1 FROM pg_database WHERE datname='$DB'\"" | grep -q 1 \
  || run_as_postgres "$bin/psql -h 127.0.0.1 -p $PORT -U postgres -c 'CREATE DATABASE $DB' >/dev/null"
echo "export BROADCASTER_TEST_PG_URL=postgresql+psycopg://postgres@127.0.0.1:$PORT/$DB"
