#!/usr/bin/env bash
# Starts the servers the test suite talks to, from Debian's packages, installing them when absent:
# a throwaway PostgreSQL cluster on a Unix socket. Sourced by test.sh, which stops them on exit.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh" --group dev >/dev/null

PG_PORT="${CATALOGUE_PG_PORT:-54329}"
PG_ROOT="${CATALOGUE_PG_ROOT:-/tmp/catalogue-test-pg}"
PG_SOCKET="$PG_ROOT/socket"

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
if [ -z "$(pg_bin)" ] || [ ! -x "$(pg_bin)/postgres" ]; then apt_install postgresql; fi
PG_BIN="$(pg_bin)"

# PostgreSQL refuses to run as root: use the postgres account the package created.
as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

if [ -f "$PG_ROOT/data/postmaster.pid" ]; then
  as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m immediate stop >/dev/null 2>&1 || true
fi
rm -rf "$PG_ROOT"
mkdir -p "$PG_SOCKET"
[ "$(id -u)" = 0 ] && chown -R postgres "$PG_ROOT"
as_pg "$PG_BIN/initdb" -D "$PG_ROOT/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -l "$PG_ROOT/log" -w \
  -o "-p $PG_PORT -k $PG_SOCKET -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off" start >/dev/null
as_pg "$PG_BIN/createdb" -h "$PG_SOCKET" -p "$PG_PORT" -U postgres catalogue_test

stop_services() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast stop >/dev/null 2>&1 || true
}

export CATALOGUE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/catalogue_test"
