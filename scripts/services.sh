#!/usr/bin/env bash
# Starts the servers the test suite talks to, from Debian's packages, installing them when absent:
# a throwaway PostgreSQL cluster and a Redis server (Celery broker). Sourced by test.sh, which stops them on exit.
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

# Redis, the Celery broker of the scale-out form: a throwaway server on a test port, no persistence.
REDIS_PORT="${CATALOGUE_REDIS_PORT:-63799}"
REDIS_ROOT="${CATALOGUE_REDIS_ROOT:-/tmp/catalogue-test-redis}"
if ! command -v redis-server >/dev/null 2>&1; then apt_install redis-server; fi
# Browser tests drive Debian's Chromium (no Playwright browser download); CJK fonts so that Chinese
# titles render in the pages' screenshots.
if [ ! -x /usr/bin/chromium ]; then apt_install chromium; fi
if ! dpkg -s fonts-noto-cjk >/dev/null 2>&1; then apt_install fonts-noto-cjk; fi
# nginx: the delivery tests put the deployed front (deploy/nginx.conf.template) before the API.
if [ ! -x /usr/sbin/nginx ]; then apt_install nginx-light; fi
# A server left by an interrupted run is shut down first (it may still be writing its log).
redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 || break; sleep 0.1; done
rm -rf "$REDIS_ROOT" 2>/dev/null || true
mkdir -p "$REDIS_ROOT"
redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --dir "$REDIS_ROOT" --pidfile "$REDIS_ROOT/redis.pid" \
  --logfile "$REDIS_ROOT/log" --save "" --appendonly no --daemonize yes >/dev/null
for _ in $(seq 50); do redis-cli -p "$REDIS_PORT" ping >/dev/null 2>&1 && break; sleep 0.1; done

stop_services() {
  as_pg "$PG_BIN/pg_ctl" -D "$PG_ROOT/data" -m fast stop >/dev/null 2>&1 || true
  redis-cli -p "$REDIS_PORT" shutdown nosave >/dev/null 2>&1 || true
}

export CATALOGUE_TEST_POSTGRES_URL="postgresql+psycopg://postgres@127.0.0.1:$PG_PORT/catalogue_test"
export CATALOGUE_TEST_REDIS_URL="redis://127.0.0.1:$REDIS_PORT/0"
