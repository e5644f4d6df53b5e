#!/usr/bin/env bash
# The fault matrix (issue 12; docs/reliability.md, "Fault matrix"): a private Redis and PostgreSQL
# that `lookout chaos` may kill, pause and stop (through scripts/chaos-servers.sh), then the
# matrix against them. `make chaos` runs the whole matrix and writes it into docs/reliability.md;
# `make test` runs `scripts/chaos.sh --short` (LOOKOUT_CHAOS=0 skips it). Arguments go to
# `lookout chaos` (e.g. --faults redis-empty,postgres-restart --nvrs 1000). Exits non-zero when an
# invariant fails; then the roles' logs are kept and their folder printed.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

bin=${LOOKOUT_BIN:-}
if [ -z "$bin" ]; then
    swift build ${SWIFT_BUILD_FLAGS:-}
    bin=$(swift build ${SWIFT_BUILD_FLAGS:-} --show-bin-path)/lookout
fi
ensure_packages

tmp=$(mktemp -d "${TMPDIR:-/tmp}/lookout-chaos.XXXXXX")
chmod 755 "$tmp"
mkdir -p "$tmp/logs"
chaos_pid=
status=1
cleanup() {
    [ -n "$chaos_pid" ] && kill "$chaos_pid" 2>/dev/null && wait "$chaos_pid" 2>/dev/null || true
    # A paused Redis ignores SIGTERM until it is resumed.
    [ -f "$tmp/redis/redis.pid" ] && kill -CONT "$(cat "$tmp/redis/redis.pid")" 2>/dev/null || true
    stop_redis "$tmp/redis" || true
    # A Redis the run restarted may not be the one in the pid file: stop whatever still runs in
    # this run's folder (make test fails on a process left behind).
    for pid in $(pgrep -x redis-server || true); do
        case $(readlink "/proc/$pid/cwd" 2>/dev/null) in "$tmp"/*) kill -CONT "$pid"; kill -KILL "$pid" ;; esac
    done 2>/dev/null || true
    stop_postgres "$tmp/postgres" || true
    if [ "$status" -ne 0 ] && [ -n "$(ls -A "$tmp/logs" 2>/dev/null)" ]; then
        keep=/tmp/lookout-chaos-logs.$(date +%Y%m%d-%H%M%S)
        cp -r "$tmp/logs" "$keep" && echo "chaos: logs kept in $keep" >&2
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

export LOOKOUT_CHAOS_DIR=$tmp
export LOOKOUT_CHAOS_REDIS_PORT=$(free_port)
export LOOKOUT_CHAOS_PG_PORT=$(free_port)
export LOOKOUT_CHAOS_SERVERS="bash scripts/chaos-servers.sh"
start_redis "$tmp/redis" "$LOOKOUT_CHAOS_REDIS_PORT"
start_postgres "$tmp/postgres" "$LOOKOUT_CHAOS_PG_PORT"

# The roles' logs (and the run's mediamtx.yml) go to the temp folder.
LOOKOUT_REDIS_URL=redis://127.0.0.1:$LOOKOUT_CHAOS_REDIS_PORT/0 \
    LOOKOUT_DATABASE_URL=postgres://postgres@127.0.0.1:$LOOKOUT_CHAOS_PG_PORT/postgres \
    TMPDIR=$tmp/logs/ "$bin" chaos "$@" &
chaos_pid=$!
set +e
wait "$chaos_pid"
status=$?
set -e
chaos_pid=
exit "$status"
