#!/usr/bin/env bash
# make dev: local Redis and PostgreSQL, a migrated schema, a gateway, the workers and a fleet
# of simulated NVRs coming and going. Ctrl-C stops the processes (the servers keep running;
# `make services-stop` stops them).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/services.sh start
swift build
bin=$(swift build --show-bin-path)/lookout
set -a; . .lookout/env; set +a
export LOOKOUT_HTTP_PORT=${LOOKOUT_HTTP_PORT:-8080}
"$bin" migrate

nvrs=${LOOKOUT_DEV_NVRS:-20}
touch .lookout/tokens
for i in $(seq -w 1 "$nvrs"); do
    grep -q "^site-nvr-$i	" .lookout/tokens ||
        "$bin" nvr add --hostname "site-nvr-$i" --name "Site NVR $i" --cameras 4 --token-file .lookout/tokens >/dev/null
done
[ -s .lookout/viewer.key ] || "$bin" apikey create --role viewer --name dev-dashboard >.lookout/viewer.key
[ -s .lookout/admin.key ] || "$bin" apikey create --role admin --name dev-admin >.lookout/admin.key

pids=()
cleanup() { kill "${pids[@]}" 2>/dev/null || true; wait 2>/dev/null || true; }
trap cleanup EXIT INT TERM
"$bin" gateway >.lookout/gateway.log 2>&1 & pids+=($!)
"$bin" worker >.lookout/worker.log 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$LOOKOUT_HTTP_PORT/healthz" >/dev/null && break; sleep 0.2; done
grep -v "^DESKTOP" .lookout/tokens >.lookout/tokens.fleet || true
"$bin" simulate nvrs --count "$nvrs" --gateway "ws://127.0.0.1:$LOOKOUT_HTTP_PORT/ws" --churn 0.3 --token-file .lookout/tokens.fleet &
pids+=($!)

cat <<MSG

Lookout is running.
  Dashboard:   http://127.0.0.1:$LOOKOUT_HTTP_PORT/   (viewer key: $(cat .lookout/viewer.key))
  WebSocket:   ws://127.0.0.1:$LOOKOUT_HTTP_PORT/ws
  Stats:       http://127.0.0.1:$LOOKOUT_HTTP_PORT/api/stats
  Logs:        .lookout/gateway.log, .lookout/worker.log
  $nvrs simulated NVRs (4 cameras each) connect, heartbeat and churn. Ctrl-C stops.

MSG
wait
