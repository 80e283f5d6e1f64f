#!/usr/bin/env bash
# Starts the local PostgreSQL and Redis servers that the tests (and a central server) use, when
# they are down, and waits until both accept connections. Idempotent: when they already run it
# only checks them. scripts/setup.sh calls it, so `scripts/test.sh`, `scripts/run.sh` and CI
# (`.ci/run`) all get it.
#
#   PostgreSQL: 127.0.0.1:5432 (Debian's cluster, started with pg_ctlcluster)
#   Redis:      127.0.0.1:6379 (nothing kept on disk)
#
# Exits 1, saying what is missing, when a server is not installed or does not come up.
set -uo pipefail

PG_HOST=127.0.0.1
PG_PORT=${PG_PORT:-5432}
REDIS_HOST=127.0.0.1
REDIS_PORT=${REDIS_PORT:-6379}
WAIT_S=${SERVICES_WAIT_S:-30}

say() { echo "services: $*"; }
fail() { echo "services: $*" >&2; status=1; }

pg_up() { pg_isready -q -h "$PG_HOST" -p "$PG_PORT" -t 2 >/dev/null 2>&1; }
redis_up() { [ "$(redis-cli -h "$REDIS_HOST" -p "$REDIS_PORT" ping 2>/dev/null)" = PONG ]; }

# wait_until NAME CHECK: polls CHECK for up to WAIT_S seconds.
wait_until() {
  local name=$1 check=$2 deadline=$((SECONDS + WAIT_S))
  while ! "$check"; do
    if [ "$SECONDS" -ge "$deadline" ]; then
      return 1
    fi
    sleep 0.2
  done
  say "$name is up"
}

start_postgres() {
  if ! command -v pg_ctlcluster >/dev/null 2>&1 || [ ! -d /etc/postgresql ]; then
    fail "PostgreSQL is not installed (Debian: apt-get install postgresql)"
    return
  fi
  say "starting PostgreSQL"
  local version
  for version in $(ls /etc/postgresql); do
    # "already running" (another caller was quicker) is fine: the wait below decides.
    pg_ctlcluster --skip-systemctl-redirect "$version" main start 2>&1 | sed 's/^/services:   /'
  done
  wait_until PostgreSQL pg_up ||
    fail "PostgreSQL did not accept connections on $PG_HOST:$PG_PORT within ${WAIT_S}s" \
      "(see /var/log/postgresql/)"
}

start_redis() {
  if ! command -v redis-server >/dev/null 2>&1; then
    fail "Redis is not installed (Debian: apt-get install redis-server)"
    return
  fi
  say "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 -::1 --port "$REDIS_PORT" --save "" \
    --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log 2>&1 |
    sed 's/^/services:   /'
  wait_until Redis redis_up ||
    fail "Redis did not answer on $REDIS_HOST:$REDIS_PORT within ${WAIT_S}s (see /var/log/redis/ci.log)"
}

status=0
if ! command -v pg_isready >/dev/null 2>&1; then
  fail "pg_isready is missing (Debian: apt-get install postgresql-client)"
elif ! pg_up; then
  start_postgres
fi
if ! command -v redis-cli >/dev/null 2>&1; then
  fail "redis-cli is missing (Debian: apt-get install redis-tools)"
elif ! redis_up; then
  start_redis
fi
exit "$status"
