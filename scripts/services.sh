#!/usr/bin/env bash
# make services / make services-stop: the development Redis and PostgreSQL, data in .lookout/.
# Idempotent: starting twice keeps the running servers. URLs go to .lookout/env.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

root=$PWD/.lookout
redis_port=${LOOKOUT_DEV_REDIS_PORT:-6380}
pg_port=${LOOKOUT_DEV_PG_PORT:-5433}

case "${1:-start}" in
start)
    ensure_packages
    start_redis "$root/redis" "$redis_port"
    start_postgres "$root/postgres" "$pg_port"
    "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'lookout'" | grep -q 1 ||
        "$(pg_bin)/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -qc "CREATE DATABASE lookout"
    cat >"$root/env" <<ENV
LOOKOUT_REDIS_URL=redis://127.0.0.1:$redis_port/0
LOOKOUT_DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/lookout
ENV
    echo "Redis:      redis://127.0.0.1:$redis_port/0"
    echo "PostgreSQL: postgres://postgres@127.0.0.1:$pg_port/lookout"
    echo "(written to .lookout/env)"
    ;;
stop)
    stop_redis "$root/redis"
    stop_postgres "$root/postgres"
    echo "Stopped Redis and PostgreSQL."
    ;;
*)
    echo "usage: $0 start|stop" >&2
    exit 64
    ;;
esac
