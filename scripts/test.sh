#!/usr/bin/env bash
# make test: throwaway Redis and PostgreSQL on free loopback ports in a temp folder, then
# `swift test` against them, then schemathesis against a gateway (scripts/api-fuzz.sh). The
# servers are stopped however the tests end.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

ensure_packages
tmp=$(mktemp -d /tmp/lookout-test.XXXXXX)
chmod 755 "$tmp"  # PostgreSQL runs as the postgres user and must reach its folder
cleanup() {
    # Processes the tests started (gateways, workers, simulators) must not outlive them.
    [ -n "${LOOKOUT_BIN:-}" ] && pkill -f "^$LOOKOUT_BIN " 2>/dev/null || true
    stop_redis "$tmp/redis" || true
    stop_postgres "$tmp/postgres" || true
    rm -rf "$tmp"
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

swift build ${SWIFT_BUILD_FLAGS:-}
export LOOKOUT_BIN=$(swift build --show-bin-path)/lookout
# One test at a time: many suites start gateways, workers and simulators as processes, and on
# 2 cores running them all at once turns latency checks into a measure of the overload.
swift test ${SWIFT_BUILD_FLAGS:-} --no-parallel ${SWIFT_TEST_FLAGS:-} "$@"

# The whole suite (no --filter): then the API contract fuzzing against a gateway process, on the
# same Redis and PostgreSQL (scripts/api-fuzz.sh; LOOKOUT_API_FUZZ=0 skips it).
if [ $# -eq 0 ] && [ "${LOOKOUT_API_FUZZ:-1}" != 0 ]; then
    scripts/api-fuzz.sh
fi
