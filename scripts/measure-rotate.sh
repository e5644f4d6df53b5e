#!/usr/bin/env bash
# Measures (docs/security.md) `lookout secrets rotate` on N plaintext cameras (2 URLs each) against a throwaway PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/servers.sh
n=${1:-10000}
tmp=$(mktemp -d /tmp/lookout-measure.XXXXXX); chmod 755 "$tmp"
trap 'stop_postgres "$tmp/postgres" || true; rm -rf "$tmp"' EXIT
port=$(free_port)
start_postgres "$tmp/postgres" "$port" >/dev/null
export LOOKOUT_DATABASE_URL=postgres://postgres@127.0.0.1:$port/postgres
export LOOKOUT_STREAM_URL_KEY="test-1:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
bin=$(swift build --show-bin-path)/lookout
"$bin" migrate >/dev/null
psql -q "$LOOKOUT_DATABASE_URL" -c "INSERT INTO cameras (name, stream_url, stream_expires_at, pending_stream_url, pending_stream_expires_at)
  SELECT 'c' || i, 'rtmp://rtmp.example.com:1935/v3/openlive/S' || i || '_1_1?expire=1765000000&id=' || i || '&t=0123456789abcdef0123456789abcdef', now() + interval '7 days',
         'rtmp://rtmp.example.com:1935/v3/openlive/S' || i || '_1_1?expire=1766000000&id=p' || i || '&t=fedcba9876543210fedcba9876543210', now() + interval '8 days'
  FROM generate_series(1, $n) i"
echo "cameras: $n, plaintext values containing rtmp://: $(psql -tA "$LOOKOUT_DATABASE_URL" -c "SELECT count(*) FROM cameras WHERE stream_url LIKE 'rtmp://%' OR pending_stream_url LIKE 'rtmp://%'")"
echo "mean stream_url length before: $(psql -tA "$LOOKOUT_DATABASE_URL" -c "SELECT round(avg(length(stream_url))) FROM cameras") chars"
/usr/bin/time -f "first rotate: %e s wall, %M KB max RSS" "$bin" secrets rotate
/usr/bin/time -f "second rotate (idempotent): %e s wall" "$bin" secrets rotate
echo "after: values containing rtmp://: $(psql -tA "$LOOKOUT_DATABASE_URL" -c "SELECT count(*) FROM cameras WHERE stream_url LIKE '%rtmp://%' OR pending_stream_url LIKE '%rtmp://%'")"
echo "pg_dump lines containing rtmp://: $(pg_dump "$LOOKOUT_DATABASE_URL" 2>/dev/null | grep -c 'rtmp://' || true)"
echo "mean stream_url length after: $(psql -tA "$LOOKOUT_DATABASE_URL" -c "SELECT round(avg(length(stream_url))) FROM cameras") chars"
