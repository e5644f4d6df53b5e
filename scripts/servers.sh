# Shell functions that install, start and stop the local Redis and PostgreSQL.
# Sourced by scripts/services.sh (make services / make dev) and scripts/test.sh (make test).
# Servers listen on 127.0.0.1 only and keep their data in the folder they are given.

pg_bin() {
    local dir
    for dir in /usr/lib/postgresql/*/bin; do [ -x "$dir/pg_ctl" ] && { echo "$dir"; return; }; done
    dirname "$(command -v pg_ctl)"
}

# Installs the Debian packages Lookout needs when they are missing (needs root, as on CI).
ensure_packages() {
    local missing=()
    command -v redis-server >/dev/null || missing+=(redis-server)
    [ -f /usr/include/hiredis/hiredis.h ] || missing+=(libhiredis-dev)
    pkg-config --exists hiredis 2>/dev/null || missing+=(pkg-config)
    ls /usr/lib/postgresql/*/bin/pg_ctl >/dev/null 2>&1 || command -v pg_ctl >/dev/null || missing+=(postgresql)
    command -v psql >/dev/null || missing+=(postgresql-client)
    [ -x /usr/bin/chromium ] || missing+=(chromium)  # the dashboard test drives a headless browser
    command -v haproxy >/dev/null || [ -x /usr/sbin/haproxy ] || missing+=(haproxy)  # the rolling-restart test runs gateways behind it
    command -v patchelf >/dev/null || missing+=(patchelf)  # scripts/package.sh (PackagedFolderTests)
    [ ${#missing[@]} -eq 0 ] && return 0
    echo "Installing ${missing[*]} ..."
    if [ "$(id -u)" -ne 0 ]; then
        echo "error: ${missing[*]} missing and not root; install them with apt-get" >&2
        return 1
    fi
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A free TCP port on 127.0.0.1.
free_port() {
    python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()'
}

# start_redis DIR PORT: a Redis with no persistence, its pid in DIR/redis.pid.
start_redis() {
    local dir=$1 port=$2
    mkdir -p "$dir"
    if [ -f "$dir/redis.pid" ] && kill -0 "$(cat "$dir/redis.pid")" 2>/dev/null; then return 0; fi
    redis-server --bind 127.0.0.1 --port "$port" --dir "$dir" --save '' --appendonly no \
        --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null
    local i
    for i in $(seq 50); do redis-cli -p "$port" ping >/dev/null 2>&1 && return 0; sleep 0.1; done
    echo "error: redis-server did not start on port $port (log: $dir/redis.log)" >&2
    return 1
}

stop_redis() {
    local dir=$1
    [ -f "$dir/redis.pid" ] || return 0
    local pid; pid=$(cat "$dir/redis.pid")
    kill "$pid" 2>/dev/null
    local i
    for i in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    rm -f "$dir/redis.pid"
}

# start_postgres DIR PORT: a cluster in DIR/data (created when missing), trust auth on loopback.
# PostgreSQL refuses to run as root, so as root it runs as the postgres user.
start_postgres() {
    local dir=$1 port=$2 bin; bin=$(pg_bin)
    local as=()
    mkdir -p "$dir"
    if [ "$(id -u)" -eq 0 ]; then
        id postgres >/dev/null 2>&1 || useradd --system --home-dir /var/lib/postgresql --shell /bin/bash postgres
        chown postgres: "$dir"
        as=(runuser -u postgres --)
    fi
    if [ -f "$dir/data/postmaster.pid" ] && kill -0 "$(head -1 "$dir/data/postmaster.pid")" 2>/dev/null; then return 0; fi
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        "${as[@]}" "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-sync >"$dir/initdb.log" 2>&1 ||
            { echo "error: initdb failed (log: $dir/initdb.log)" >&2; return 1; }
    fi
    "${as[@]}" "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
        -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c max_connections=300" \
        start >/dev/null ||
        { echo "error: PostgreSQL did not start on port $port (log: $dir/postgres.log)" >&2; return 1; }
}

stop_postgres() {
    local dir=$1
    [ -f "$dir/data/postmaster.pid" ] || return 0
    local pid; pid=$(head -1 "$dir/data/postmaster.pid")
    kill -INT "$pid" 2>/dev/null
    local i
    for i in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
}
