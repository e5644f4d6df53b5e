#!/usr/bin/env bash
# make test: throwaway Redis and PostgreSQL on free loopback ports in a temp folder, then
# `swift test` against them (after scripts/check-observability.sh: alert rules and dashboard),
# then schemathesis against a gateway (scripts/api-fuzz.sh), then the offline checks of deploy/
# (scripts/validate-deploy.sh), then the short fault matrix (scripts/chaos.sh --short). The
# servers are stopped however the tests end.
#
# A run that leaves a process behind fails: every `lookout` of this build, and every process
# whose working folder or command line is in this run's temp folder (the tests' TMPDIR: private
# redis-servers, PostgreSQL clusters, browsers), still running at the end is named and killed,
# and the run exits non-zero.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

ensure_packages
tmp=$(mktemp -d /tmp/lookout-test.XXXXXX)
chmod 755 "$tmp"  # PostgreSQL runs as the postgres user and must reach its folder
mkdir -p "$tmp/t"
chmod 1777 "$tmp/t"

# Processes this run started that are still running (pid, then the command line), apart from
# the test servers themselves and their children.
leftovers() {
    local keep=()
    [ -f "$tmp/redis/redis.pid" ] && keep+=("$(cat "$tmp/redis/redis.pid")")
    [ -f "$tmp/postgres/data/postmaster.pid" ] && keep+=("$(head -1 "$tmp/postgres/data/postmaster.pid")")
    python3 - "$tmp" "${LOOKOUT_BIN:-/nonexistent}" "$$" "${keep[@]}" <<'PY'
import os, sys
tmp, binary, shell, keep = sys.argv[1], os.path.realpath(sys.argv[2]), int(sys.argv[3]), {int(p) for p in sys.argv[4:] if p}
me = os.getpid()
for name in os.listdir('/proc'):
    if not name.isdigit() or int(name) in (me, shell) or int(name) in keep:
        continue
    pid = int(name)
    try:
        with open(f'/proc/{pid}/stat') as f:
            stat = f.read()
        state, ppid = stat.rsplit(')', 1)[1].split()[:2]
        if state == 'Z' or int(ppid) in keep or int(ppid) == me:
            continue
        exe = os.readlink(f'/proc/{pid}/exe')
        cwd = os.readlink(f'/proc/{pid}/cwd')
        with open(f'/proc/{pid}/cmdline', 'rb') as f:
            cmdline = f.read().replace(b'\0', b' ').decode(errors='replace').strip()
    except OSError:
        continue
    if exe.startswith(binary) or cwd.startswith(tmp) or tmp in cmdline:
        print(pid, cmdline[:200])
PY
}

# Names the processes left behind, kills them by pid; returns 1 when there were any.
check_leftovers() {
    local left i
    for i in $(seq 30); do
        left=$(leftovers)
        [ -z "$left" ] && return 0
        sleep 0.1
    done
    echo "error: make test left these processes running (killed now):" >&2
    echo "$left" | sed 's/^/  /' >&2
    echo "$left" | awk '{print $1}' | xargs -r kill -KILL 2>/dev/null || true
    return 1
}

status=0
cleanup() {
    status=$?
    # Processes the tests started (gateways, workers, simulators) must not outlive them.
    check_leftovers || status=1
    stop_redis "$tmp/redis" || true
    stop_postgres "$tmp/postgres" || true
    rm -rf "$tmp"
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

redis_port=$(free_port)
pg_port=$(free_port)
start_redis "$tmp/redis" "$redis_port"
start_postgres "$tmp/postgres" "$pg_port"

export LOOKOUT_TEST_REDIS_URL=redis://127.0.0.1:$redis_port/0
export LOOKOUT_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:$pg_port/postgres
echo "Test servers: $LOOKOUT_TEST_REDIS_URL $LOOKOUT_TEST_DATABASE_URL"

# The whole suite: the Prometheus rules and Grafana dashboard first (seconds; promtool).
if [ $# -eq 0 ] && [ "${LOOKOUT_OBSERVABILITY_CHECK:-1}" != 0 ]; then
    scripts/check-observability.sh
fi

swift build ${SWIFT_BUILD_FLAGS:-}
export LOOKOUT_BIN=$(swift build --show-bin-path)/lookout
# From here on, temporary files (and so the tests' private servers) live in this run's folder.
export TMPDIR=$tmp/t
# One test at a time: many suites start gateways, workers and simulators as processes, and on
# 2 cores running them all at once turns latency checks into a measure of the overload.
swift test ${SWIFT_BUILD_FLAGS:-} --no-parallel ${SWIFT_TEST_FLAGS:-} "$@"

# The whole suite (no --filter): then the API contract fuzzing against a gateway process, on the
# same Redis and PostgreSQL (scripts/api-fuzz.sh; LOOKOUT_API_FUZZ=0 skips it), and the short
# fault matrix on servers of its own (scripts/chaos.sh --short; LOOKOUT_CHAOS=0 skips it).
if [ $# -eq 0 ] && [ "${LOOKOUT_API_FUZZ:-1}" != 0 ]; then
    scripts/api-fuzz.sh
fi
# The deploy files (compose, Kubernetes, systemd, the HAProxy template) against their schemas and
# tools and against this build's CLI, offline (scripts/validate-deploy.sh; LOOKOUT_DEPLOY_CHECK=0
# skips it).
if [ $# -eq 0 ] && [ "${LOOKOUT_DEPLOY_CHECK:-1}" != 0 ]; then
    scripts/validate-deploy.sh
fi
if [ $# -eq 0 ] && [ "${LOOKOUT_CHAOS:-1}" != 0 ]; then
    scripts/chaos.sh --short
fi
check_leftovers
