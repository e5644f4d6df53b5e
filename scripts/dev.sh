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
# Real alerts now and then: churned NVRs stay away 1-5 s, so the longer absences outlast a 4 s
# grace (nvr_offline, then nvr_back); dev URLs live 120 s and renew at 84 s, so 20 s before expiry
# warns only when renewals fail (url_expiring). docs/architecture.md, "Alerts".
export LOOKOUT_FLAP_GRACE=${LOOKOUT_FLAP_GRACE:-4} LOOKOUT_ALERT_EXPIRY_WARNING=${LOOKOUT_ALERT_EXPIRY_WARNING:-20}
# The key that signs playback credentials: made once, readable by this user only.
[ -s .lookout/playback.key ] || (umask 077; printf 'dev:%s\n' "$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')" >.lookout/playback.key)
export LOOKOUT_PLAYBACK_KEYS=${LOOKOUT_PLAYBACK_KEYS:-$(cat .lookout/playback.key)}
"$bin" migrate
# The key that seals stream URLs in PostgreSQL (docs/security.md): made once, readable by you alone.
[ -s .lookout/stream-url.key ] || (umask 077 && "$bin" secrets generate-key --id dev >.lookout/stream-url.key)
export LOOKOUT_STREAM_URL_KEY=${LOOKOUT_STREAM_URL_KEY:-$(cat .lookout/stream-url.key)}
"$bin" secrets rotate >/dev/null # seals URLs a dev database stored in plaintext before

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

# The streams side against simulators: the Hik-Connect cloud (5 devices x 4 cameras, URLs that
# live 2 minutes, so renewals are visible) and a MediaMTX Control API double.
export HIKVISION_APP_KEY=sim-app-key HIKVISION_SECRET=sim-secret-key HIKVISION_BASE_URL=http://127.0.0.1:8089
export LOOKOUT_MEDIAMTX_API_URL=http://127.0.0.1:9997 LOOKOUT_MEDIAMTX_CONFIG=.lookout/mediamtx.yml
[ -f .lookout/mediamtx.yml ] || install -m 600 mediamtx.yml .lookout/mediamtx.yml
"$bin" simulate hik-cloud --port 8089 --devices 5 --channels 4 --url-lifetime 120 >.lookout/hik-cloud.log 2>&1 & pids+=($!)
# The double also serves HLS (fake segments) behind the gateway's /mediamtx/auth, as MediaMTX would.
export LOOKOUT_HLS_BASE_URL=${LOOKOUT_HLS_BASE_URL:-http://127.0.0.1:9997}
"$bin" simulate mediamtx --port 9997 --auth-http-address "http://127.0.0.1:$LOOKOUT_HTTP_PORT/mediamtx/auth" >.lookout/mediamtx.log 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf -o /dev/null "http://127.0.0.1:8089/sim/stats" && break; sleep 0.2; done
i=1
for serial in $(curl -sf http://127.0.0.1:8089/sim/inventory | python3 -c 'import json,sys; print(" ".join(sorted({c["deviceSerial"] for c in json.load(sys.stdin)})))'); do
    "$bin" nvr link --hostname "site-nvr-$(printf %02d $i)" --device-serial "$serial" >/dev/null
    i=$((i + 1))
done
"$bin" discover || true
printf 'kind: renewal\nrequestedLifetime: 120s\nretryInitial: 2s\nretryMaximum: 20s\n' >.lookout/renewal.yml

"$bin" gateway >.lookout/gateway.log 2>&1 & pids+=($!)
LOOKOUT_WORKER_HTTP_PORT=9091 "$bin" worker --worker workers/presence.yml --worker workers/sweeper.yml --worker .lookout/renewal.yml \
    --worker workers/mediamtx-sync.yml --worker workers/snapshot.yml --worker workers/alerts.yml >.lookout/worker.log 2>&1 & pids+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$LOOKOUT_HTTP_PORT/healthz" >/dev/null && break; sleep 0.2; done
grep -v "^DESKTOP" .lookout/tokens >.lookout/tokens.fleet || true
"$bin" simulate nvrs --count "$nvrs" --gateway "ws://127.0.0.1:$LOOKOUT_HTTP_PORT/ws" --churn 0.3 --token-file .lookout/tokens.fleet &
pids+=($!)

cat <<MSG

Lookout is running.
  Dashboard:   http://127.0.0.1:$LOOKOUT_HTTP_PORT/   (viewer key: $(cat .lookout/viewer.key))
  WebSocket:   ws://127.0.0.1:$LOOKOUT_HTTP_PORT/ws
  Worker:      http://127.0.0.1:9091/metrics, /healthz, /readyz (the one worker process)
  Stats:       curl -H "Authorization: Bearer $(cat .lookout/viewer.key)" http://127.0.0.1:$LOOKOUT_HTTP_PORT/api/stats
  Logs:        .lookout/gateway.log, .lookout/worker.log, .lookout/hik-cloud.log, .lookout/mediamtx.log
  $nvrs simulated NVRs (4 cameras each) connect, heartbeat and churn. Ctrl-C stops.
  Alerts:      curl -H "Authorization: Bearer $(cat .lookout/viewer.key)" 'http://127.0.0.1:$LOOKOUT_HTTP_PORT/api/alerts?state=open'
               (churn past the 4 s grace opens nvr_offline now and then; set LOOKOUT_ALERT_WEBHOOKS and
               LOOKOUT_ALERT_WEBHOOK_SECRET before make dev to receive them as webhooks)
  Streams:     20 cameras from the simulated cloud, URLs renewed every ~84 s into .lookout/mediamtx.yml
               and the MediaMTX double (http://127.0.0.1:9997/v3/config/paths/list);
               renewal history: psql "\$LOOKOUT_DATABASE_URL" -c 'select * from renewals order by id desc limit 5'
               admin key: $(cat .lookout/admin.key)

MSG
wait
