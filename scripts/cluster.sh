#!/usr/bin/env bash
# The scale-out form on one machine, from Debian's and PyPI's packages only: PostgreSQL, Redis,
# moto's S3-protocol server (standing in for MinIO/S3), two API nodes (`catalogue serve`), two
# Celery workers (`catalogue worker`) and nginx in front (load balancing, X-Accel-Redirect).
#   scripts/cluster.sh up | down | status
#   scripts/cluster.sh start <service>     start one stopped process again (e.g. after a crash)
# State, logs (logs/<service>.log) and pid files live under CATALOGUE_CLUSTER_ROOT
# (default /tmp/catalogue-cluster); ports come from deploy/topology.env's variables.
# CLUSTER_STORAGE=local (default: a shared media folder, nginx sends the bytes) or s3 (moto).
# `up` writes $CATALOGUE_CLUSTER_ROOT/cluster.env: `source` it to run `catalogue` against the cluster.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source deploy/topology.env

ROOT="${CATALOGUE_CLUSTER_ROOT:-/tmp/catalogue-cluster}"
STORAGE="${CLUSTER_STORAGE:-local}"
LOGS="$ROOT/logs"
PIDS="$ROOT/pids"

as_pg() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }
pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }
running() { [ -f "$PIDS/$1.pid" ] && kill -0 "$(cat "$PIDS/$1.pid")" 2>/dev/null; }

install_packages() {
  # uv, the locked environment with the dev group (moto_server), FFmpeg; defines apt_install
  source scripts/bootstrap.sh --group dev >/dev/null
  if [ -z "$(pg_bin)" ]; then apt_install postgresql; fi
  if ! command -v redis-server >/dev/null; then apt_install redis-server; fi
  if [ ! -x /usr/sbin/nginx ]; then apt_install nginx-light; fi
}

write_env() {
  local secret
  secret="$(cat "$ROOT/secret_key" 2>/dev/null || python3 -c 'import secrets; print(secrets.token_urlsafe(48))')"
  echo "$secret" >"$ROOT/secret_key" && chmod 600 "$ROOT/secret_key"
  cat >"$ROOT/cluster.env" <<EOF
export CATALOGUE_ENVIRONMENT=production
export CATALOGUE_SECRET_KEYS=$secret
export CATALOGUE_TRUSTED_PROXIES=127.0.0.1
export CATALOGUE_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:$CLUSTER_PG_PORT/catalogue
export CATALOGUE_JOB_BACKEND=celery
export CATALOGUE_BROKER_URL=redis://127.0.0.1:$CLUSTER_REDIS_PORT/0
export CATALOGUE_RATE_LIMIT_STORAGE_URL=redis://127.0.0.1:$CLUSTER_REDIS_PORT/1
export CATALOGUE_STORAGE_BACKEND=$STORAGE
export CATALOGUE_STORAGE_ROOT=$ROOT/media
export CATALOGUE_S3_ENDPOINT_URL=http://127.0.0.1:$CLUSTER_S3_PORT
export CATALOGUE_S3_PUBLIC_ENDPOINT_URL=http://127.0.0.1:$CLUSTER_S3_PORT
export CATALOGUE_S3_BUCKET=catalogue
export CATALOGUE_S3_REGION=us-east-1
export CATALOGUE_S3_ACCESS_KEY_ID=catalogue
export CATALOGUE_S3_SECRET_ACCESS_KEY=catalogue
export CATALOGUE_LOG_FORMAT=json
export CATALOGUE_UPLOAD_DIR=$ROOT/uploads
export CATALOGUE_DELIVERY_OFFLOAD=nginx
export CATALOGUE_DELIVERY_INTERNAL_LOCATION=$CLUSTER_INTERNAL_LOCATION
export CATALOGUE_DELIVERY_PUBLIC_URL=http://127.0.0.1:$CLUSTER_NGINX_PORT
export CATALOGUE_TRANSCODE_CHUNK_SECONDS=${CATALOGUE_TRANSCODE_CHUNK_SECONDS:-60}
EOF
  for name in $CLUSTER_SETTINGS; do
    grep -q "^export $name=" "$ROOT/cluster.env" || { echo "cluster.sh: $name not set" >&2; exit 1; }
  done
}

# A process of ours in its own session (so `down` ends it and its children), pid and log kept.
spawn() {
  local name="$1"; shift
  setsid "$@" >>"$LOGS/$name.log" 2>&1 </dev/null &
  echo $! >"$PIDS/$name.pid"
}

wait_http() {
  local name="$1" url="$2"
  for _ in $(seq 300); do
    if python3 -c "import urllib.request,sys; urllib.request.urlopen(sys.argv[1], timeout=2)" "$url" 2>/dev/null; then return 0; fi
    running "$name" || { echo "cluster.sh: $name exited, see $LOGS/$name.log" >&2; tail -n 20 "$LOGS/$name.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "cluster.sh: $name did not answer on $url, see $LOGS/$name.log" >&2; exit 1
}

start_postgres() {
  local bin; bin="$(pg_bin)"
  if [ ! -d "$ROOT/postgres/data" ]; then
    mkdir -p "$ROOT/postgres/socket"
    [ "$(id -u)" = 0 ] && chown -R postgres "$ROOT/postgres"
    as_pg "$bin/initdb" -D "$ROOT/postgres/data" -U postgres --auth=trust --encoding=UTF8 --locale=C.UTF-8 >/dev/null
  fi
  ln -sf "$ROOT/postgres/log" "$LOGS/postgres.log"  # written by the postgres account
  as_pg "$bin/pg_ctl" -D "$ROOT/postgres/data" -l "$ROOT/postgres/log" -w \
    -o "-p $CLUSTER_PG_PORT -k $ROOT/postgres/socket -c listen_addresses=127.0.0.1" start >/dev/null
  as_pg "$bin/psql" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres -tAc \
    "SELECT 1 FROM pg_database WHERE datname='catalogue'" | grep -q 1 \
    || as_pg "$bin/createdb" -h 127.0.0.1 -p "$CLUSTER_PG_PORT" -U postgres catalogue
}

start_redis() {
  mkdir -p "$ROOT/redis"
  redis-server --bind 127.0.0.1 --port "$CLUSTER_REDIS_PORT" --dir "$ROOT/redis" \
    --pidfile "$PIDS/redis.pid" --logfile "$LOGS/redis.log" --appendonly yes --daemonize yes >/dev/null
  for _ in $(seq 50); do redis-cli -p "$CLUSTER_REDIS_PORT" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
}

start_s3() {
  spawn s3 uv run --frozen moto_server -H 127.0.0.1 -p "$CLUSTER_S3_PORT"
  wait_http s3 "http://127.0.0.1:$CLUSTER_S3_PORT/moto-api/"
  uv run --frozen python -c "
from catalogue.settings import Settings
from catalogue.storage import s3_client
settings = Settings()
client = s3_client(settings)
if settings.s3_bucket not in [b['Name'] for b in client.list_buckets()['Buckets']]:
    client.create_bucket(Bucket=settings.s3_bucket)"
}

start_api() {  # api1 | api2
  local name="$1" port; port="$([ "$1" = api1 ] && echo "$CLUSTER_API1_PORT" || echo "$CLUSTER_API2_PORT")"
  mkdir -p "$ROOT/$name"
  spawn "$name" env CATALOGUE_DATA_DIR="$ROOT/$name" \
    uv run --frozen catalogue serve --host 127.0.0.1 --port "$port" --no-migrate
  wait_http "$name" "http://127.0.0.1:$port/readyz"
}

start_worker() {  # worker1 | worker2: one job at a time each, so that two workers share the work
  mkdir -p "$ROOT/$1"
  spawn "$1" env CATALOGUE_DATA_DIR="$ROOT/$1" uv run --frozen catalogue worker --concurrency 1
}

start_nginx() {
  mkdir -p "$ROOT/nginx"
  CATALOGUE_NGINX_API1="127.0.0.1:$CLUSTER_API1_PORT" CATALOGUE_NGINX_API2="127.0.0.1:$CLUSTER_API2_PORT" \
  CATALOGUE_NGINX_LISTEN="127.0.0.1:$CLUSTER_NGINX_PORT" CATALOGUE_NGINX_MEDIA_ROOT="$ROOT/media" \
  CATALOGUE_NGINX_INTERNAL_LOCATION="$CLUSTER_INTERNAL_LOCATION" \
    envsubst '${CATALOGUE_NGINX_API1} ${CATALOGUE_NGINX_API2} ${CATALOGUE_NGINX_LISTEN} ${CATALOGUE_NGINX_MEDIA_ROOT} ${CATALOGUE_NGINX_INTERNAL_LOCATION}' \
    <deploy/nginx.conf.template >"$ROOT/nginx/catalogue.conf"
  cat >"$ROOT/nginx/nginx.conf" <<EOF
worker_processes 2;
pid $PIDS/nginx.pid;
error_log $LOGS/nginx.log warn;
daemon on;
events { worker_connections 1024; }
http {
  access_log $LOGS/nginx-access.log;
  client_body_temp_path $ROOT/nginx/body;
  proxy_temp_path $ROOT/nginx/proxy;
  fastcgi_temp_path $ROOT/nginx/fastcgi;
  uwsgi_temp_path $ROOT/nginx/uwsgi;
  scgi_temp_path $ROOT/nginx/scgi;
  include $ROOT/nginx/catalogue.conf;
}
EOF
  # nginx's workers run as an unprivileged user when started as root: let them read the media.
  [ "$(id -u)" = 0 ] && sed -i "1i user root;" "$ROOT/nginx/nginx.conf"
  /usr/sbin/nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf"
  wait_http nginx "http://127.0.0.1:$CLUSTER_NGINX_PORT/readyz"
}

start() {
  case "$1" in
    postgres) start_postgres ;;
    redis) start_redis ;;
    s3) start_s3 ;;
    api1 | api2) start_api "$1" ;;
    worker1 | worker2) start_worker "$1" ;;
    nginx) start_nginx ;;
    *) echo "cluster.sh: no service $1 (one of: $CLUSTER_SERVICES)" >&2; exit 2 ;;
  esac
}

stop() {
  case "$1" in
    postgres) [ -d "$ROOT/postgres/data" ] && as_pg "$(pg_bin)/pg_ctl" -D "$ROOT/postgres/data" -m fast stop >/dev/null 2>&1 || true ;;
    redis) redis-cli -p "$CLUSTER_REDIS_PORT" shutdown >/dev/null 2>&1 || true ;;
    nginx) running nginx && /usr/sbin/nginx -p "$ROOT/nginx" -c "$ROOT/nginx/nginx.conf" -s quit || true ;;
    *)
      if running "$1"; then
        local pid; pid="$(cat "$PIDS/$1.pid")"
        kill -TERM -- "-$pid" 2>/dev/null || true
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL -- "-$pid" 2>/dev/null || true
      fi ;;
  esac
  rm -f "$PIDS/$1.pid"
}

up() {
  install_packages
  mkdir -p "$ROOT" "$LOGS" "$PIDS" "$ROOT/media" "$ROOT/uploads"
  write_env
  # shellcheck disable=SC1091
  source "$ROOT/cluster.env"
  for service in $CLUSTER_SERVICES; do
    if [ "$service" = api1 ]; then  # the schema, once, before any node serves
      uv run --frozen catalogue db upgrade >>"$LOGS/migrate.log" 2>&1
    fi
    running "$service" || start "$service"
  done
  echo "cluster up: http://127.0.0.1:$CLUSTER_NGINX_PORT (nginx), state in $ROOT"
}

down() {
  local reversed=""
  for service in $CLUSTER_SERVICES; do reversed="$service $reversed"; done
  for service in $reversed; do stop "$service"; done
  echo "cluster down"
}

status() {
  for service in $CLUSTER_SERVICES; do
    case "$service" in
      postgres) as_pg "$(pg_bin)/pg_isready" -q -h 127.0.0.1 -p "$CLUSTER_PG_PORT" && s=up || s=down ;;
      redis) redis-cli -p "$CLUSTER_REDIS_PORT" ping >/dev/null 2>&1 && s=up || s=down ;;
      *) running "$service" && s=up || s=down ;;
    esac
    printf '%-8s %s\n' "$service" "$s"
  done
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  status) status ;;
  start)
    # shellcheck disable=SC1091
    source "$ROOT/cluster.env"
    start "${2:?which service}" ;;
  *) echo "usage: scripts/cluster.sh up|down|status|start <service>" >&2; exit 2 ;;
esac
