#!/usr/bin/env bash
# API contract fuzzing: schemathesis generates requests from a running gateway's /openapi.json
# and fails on any 5xx, a response that breaks the document (body schema, status, content type),
# or a request the document allows that the server refuses (400/422). `make test` runs it after
# `swift test` (scripts/test.sh); run it alone with `scripts/api-fuzz.sh` after `swift build`.
#
# It starts (or, under scripts/test.sh, reuses) Redis and PostgreSQL, migrates a database of its
# own, creates an admin key and three NVRs with four cameras each, starts the Hik-Connect
# simulator and a gateway, and runs schemathesis from a throwaway venv with that admin key.
#
# Settings (environment):
#   LOOKOUT_FUZZ_EXAMPLES  examples per operation and phase (default 20)
#   LOOKOUT_FUZZ_SEED      schemathesis seed (default 1, so make test is repeatable; `random` for a new one, printed)
#   LOOKOUT_FUZZ_VENV      an existing venv with schemathesis $SCHEMATHESIS_VERSION (default: a new one in the temp folder)
# Arguments go to `st run` (e.g. --continue-on-failure, --max-examples 200).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh

SCHEMATHESIS_VERSION=4.32.5
examples=${LOOKOUT_FUZZ_EXAMPLES:-20}
seed=${LOOKOUT_FUZZ_SEED:-1}
[ "$seed" = random ] && seed=$((RANDOM * 32768 + RANDOM))
started=$(date +%s)

bin=${LOOKOUT_BIN:-$(swift build --show-bin-path)/lookout}
[ -x "$bin" ] || { echo "error: $bin missing; run swift build first" >&2; exit 1; }

tmp=$(mktemp -d /tmp/lookout-fuzz.XXXXXX)
chmod 755 "$tmp"
pids=()
own_servers=false
database=
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [ -n "$database" ] && psql -q "$server_url" -c "DROP DATABASE IF EXISTS $database WITH (FORCE)" >/dev/null 2>&1 || true
    if $own_servers; then
        stop_redis "$tmp/redis" || true
        stop_postgres "$tmp/postgres" || true
    fi
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Redis and PostgreSQL: those of scripts/test.sh when it runs this, else throwaway ones.
if [ -n "${LOOKOUT_TEST_REDIS_URL:-}" ] && [ -n "${LOOKOUT_TEST_DATABASE_URL:-}" ]; then
    redis_url=$LOOKOUT_TEST_REDIS_URL
    server_url=$LOOKOUT_TEST_DATABASE_URL
else
    ensure_packages
    own_servers=true
    redis_port=$(free_port)
    pg_port=$(free_port)
    start_redis "$tmp/redis" "$redis_port"
    start_postgres "$tmp/postgres" "$pg_port"
    redis_url=redis://127.0.0.1:$redis_port/0
    server_url=postgres://postgres@127.0.0.1:$pg_port/postgres
fi
database=lookout_fuzz_$$
psql -q "$server_url" -c "CREATE DATABASE $database" >/dev/null
database_url=${server_url%/*}/$database

# The venv, in the background while the servers are prepared (pip takes most of the time).
venv=${LOOKOUT_FUZZ_VENV:-$tmp/venv}
if [ ! -x "$venv/bin/st" ] || ! "$venv/bin/st" --version 2>/dev/null | grep -q "$SCHEMATHESIS_VERSION"; then
    # On Debian, python3 -m venv needs python3-venv (ensurepip), a package of its own.
    if ! python3 -m venv "$venv" >"$tmp/venv.log" 2>&1; then
        [ "$(id -u)" -eq 0 ] || { echo "error: python3 -m venv failed and not root; install python3-venv with apt-get" >&2; cat "$tmp/venv.log" >&2; exit 1; }
        echo "Installing python3-venv ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        python3 -m venv --clear "$venv"
    fi
    "$venv/bin/pip" install -q --disable-pip-version-check "schemathesis==$SCHEMATHESIS_VERSION" >"$tmp/pip.log" 2>&1 &
    pip_pid=$!
    pids+=("$pip_pid")
else
    pip_pid=
fi

hik_port=$(free_port)
gateway_port=$(free_port)
export LOOKOUT_REDIS_URL=$redis_url LOOKOUT_DATABASE_URL=$database_url LOOKOUT_KEY_PREFIX="fuzz$$:"
export LOOKOUT_HTTP_HOST=127.0.0.1 LOOKOUT_HTTP_PORT=$gateway_port LOOKOUT_AUTH_FAILURE_LIMIT=100000
export HIKVISION_APP_KEY=sim-app-key HIKVISION_SECRET=sim-secret-key HIKVISION_BASE_URL=http://127.0.0.1:$hik_port
# /api/camera/:id/live signs playback credentials; without a key it answers 503.
export LOOKOUT_PLAYBACK_KEYS="fuzz:$(python3 -c 'import secrets; print(secrets.token_hex(32))')"
export LOG_LEVEL=${LOG_LEVEL:-warning}

"$bin" migrate >"$tmp/migrate.log" 2>&1 || { cat "$tmp/migrate.log" >&2; exit 1; }
# The fuzzer's own key gets an id no generated one reaches, so DELETE /api/apikey/{id} is
# fuzzed without revoking it; the keys the fuzzer creates get ids from 1 again.
psql -q "$database_url" -c "SELECT setval('api_keys_id_seq', 9000000000000000000)" >/dev/null
admin_key=$("$bin" apikey create --role admin --name api-fuzz)
psql -q "$database_url" -c "SELECT setval('api_keys_id_seq', 1, false)" >/dev/null

"$bin" simulate hik-cloud --port "$hik_port" --devices 2 --channels 2 --rate-limit 0 >"$tmp/hik.log" 2>&1 &
pids+=($!)
"$bin" gateway >"$tmp/gateway.log" 2>&1 &
gateway_pid=$!
pids+=($gateway_pid)
base=http://127.0.0.1:$gateway_port
for _ in $(seq 100); do curl -fsS "$base/readyz" >/dev/null 2>&1 && break; sleep 0.1; done
curl -fsS "$base/readyz" >/dev/null || { echo "error: the gateway did not become ready" >&2; cat "$tmp/gateway.log" >&2; exit 1; }

# Ids that exist: NVRs 1-3 with cameras 1-12.
for n in 1 2 3; do
    curl -fsS -X POST -H "Authorization: Bearer $admin_key" -H 'content-type: application/json' \
        -d "{\"hostname\":\"fuzz-nvr-$n\",\"name\":\"NVR $n\",\"cameras\":4}" "$base/api/nvr" >/dev/null
done

# Snapshots for cameras 1-6, and dead renewals for cameras 2 and 3, so those routes answer 200 too.
psql -q "$database_url" >/dev/null <<'SQL'
UPDATE cameras SET snapshot_url = 'http://snapshots.test/' || id || '.jpg', snapshot_at = now() WHERE id <= 6;
UPDATE cameras SET renewal_state = 'failed', renewal_attempts = 5, renewal_last_error = 'seeded failure' WHERE id IN (2, 3);
INSERT INTO renewals (camera_id, attempt, finished_at, outcome, error) VALUES (2, 5, now(), 'failed', 'seeded'), (3, 5, now(), 'failed', 'seeded');
SQL

if [ -n "$pip_pid" ]; then
    wait "$pip_pid" || { echo "error: pip install schemathesis==$SCHEMATHESIS_VERSION failed" >&2; cat "$tmp/pip.log" >&2; exit 1; }
fi
prepared=$(date +%s)

# /ws is not HTTP (a WebSocket upgrade). Checks: no 5xx; bodies, statuses and content types as
# documented; and every request the document allows is accepted (400/422 to one fails).
echo "API fuzz: schemathesis $SCHEMATHESIS_VERSION, $examples examples per operation, seed $seed, $base/openapi.json"
status=0
# From the temp folder: schemathesis keeps its replay data in ./.schemathesis. One worker: with
# two threads, Hypothesis's lambda descriptions run ast.parse concurrently, and CPython 3.11's
# parser then fails now and then with "AST constructor recursion depth mismatch" (gh-106905), a
# crash of the tool reported as a runtime error, not a finding.
(cd "$tmp" && "$venv/bin/st" run "$base/openapi.json" \
    --header "Authorization: Bearer $admin_key" \
    --checks not_a_server_error,response_schema_conformance,status_code_conformance,content_type_conformance,positive_data_acceptance \
    --exclude-path /ws \
    --phases examples,coverage,fuzzing \
    --max-examples "$examples" --seed "$seed" \
    --generation-database none \
    --request-timeout 10 \
    --workers 1 \
    --no-color \
    --output-sanitize true \
    "$@") || status=$?

if ! kill -0 "$gateway_pid" 2>/dev/null; then
    echo "error: the gateway exited during the run; its log:" >&2
    tail -50 "$tmp/gateway.log" >&2
    status=1
fi
if [ "$status" -ne 0 ]; then
    echo "API fuzz failed (seed $seed: LOOKOUT_FUZZ_SEED=$seed scripts/api-fuzz.sh reproduces it); gateway log errors:" >&2
    grep -iE 'error|critical' "$tmp/gateway.log" | tail -20 >&2 || true
fi
echo "API fuzz: $(($(date +%s) - started)) s in all, $(($(date +%s) - prepared)) s of them schemathesis"
exit "$status"
