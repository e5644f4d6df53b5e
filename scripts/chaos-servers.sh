#!/usr/bin/env bash
# The Redis and PostgreSQL of a chaos run, controlled by `lookout chaos` (one verb per call):
#   redis-kill | redis-start | redis-stop | redis-pause | redis-resume | pg-stop | pg-start
# scripts/chaos.sh started them in $LOOKOUT_CHAOS_DIR/{redis,postgres} on
# $LOOKOUT_CHAOS_REDIS_PORT / $LOOKOUT_CHAOS_PG_PORT and passes this script as LOOKOUT_CHAOS_SERVERS.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh
dir=${LOOKOUT_CHAOS_DIR:?} redis_port=${LOOKOUT_CHAOS_REDIS_PORT:?} pg_port=${LOOKOUT_CHAOS_PG_PORT:?}
redis_pid() { cat "$dir/redis/redis.pid"; }

case ${1:-} in
redis-kill)
    pid=$(redis_pid)
    kill -CONT "$pid" 2>/dev/null || true
    kill -KILL "$pid" 2>/dev/null || true
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.05; done
    rm -f "$dir/redis/redis.pid"
    ;;
redis-start) start_redis "$dir/redis" "$redis_port" ;;
redis-stop) stop_redis "$dir/redis" ;;
redis-pause) kill -STOP "$(redis_pid)" ;;
redis-resume) kill -CONT "$(redis_pid)" ;;
pg-stop) stop_postgres "$dir/postgres" ;;
pg-start) start_postgres "$dir/postgres" "$pg_port" ;;
*)
    echo "usage: $0 redis-kill|redis-start|redis-stop|redis-pause|redis-resume|pg-stop|pg-start" >&2
    exit 2
    ;;
esac
