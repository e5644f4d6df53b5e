#!/usr/bin/env bash
# Renders deploy/haproxy/haproxy.cfg.template for a list of gateways, to stdout.
#
#   deploy/haproxy/render.sh [--listen [ADDR:]PORT] [--maxconn N] [--user NAME]
#                            [--metrics [ADDR:]PORT] HOST:PORT [HOST:PORT ...]
#
#   --listen   the frontend's address (default *:8080; a bare port means *:PORT)
#   --maxconn  connections held at once (default: what the open-file limit allows, HAProxy's own
#              reckoning; a larger N than the hard limit allows stops HAProxy at start)
#   --user     drop to this user and group after binding (hosts where haproxy starts as root,
#              e.g. Debian's haproxy.service: --user haproxy)
#   --metrics  also serve HAProxy's own Prometheus metrics on /metrics at this address
#   HOST:PORT  one gateway each, named gw1, gw2, ... in the order given; HOST is an address or a
#              name the resolver knows (compose service names are followed when they change)
#
# Example (three gateways on loopback): render.sh --listen 127.0.0.1:8000 127.0.0.1:8081
#   127.0.0.1:8082 127.0.0.1:8083 > haproxy.cfg && haproxy -c -f haproxy.cfg
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)

usage() { sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//' >&2; exit 2; }
addr() { case $1 in *:*) echo "$1" ;; *) echo "*:$1" ;; esac; }

bind='*:8080' maxconn='' user='' metrics='' servers=()
while [ $# -gt 0 ]; do
    case $1 in
        --listen) [ $# -ge 2 ] || usage; bind=$(addr "$2"); shift 2 ;;
        --maxconn) [ $# -ge 2 ] && [[ $2 =~ ^[1-9][0-9]*$ ]] || usage; maxconn=$2; shift 2 ;;
        --user) [ $# -ge 2 ] && [[ $2 =~ ^[a-z_][a-z0-9_-]*$ ]] || usage; user=$2; shift 2 ;;
        --metrics) [ $# -ge 2 ] || usage; metrics=$(addr "$2"); shift 2 ;;
        -h|--help) usage ;;
        -*) echo "render.sh: unknown option $1" >&2; usage ;;
        *)
            [[ $1 =~ ^[A-Za-z0-9._-]+:[0-9]{1,5}$ || $1 =~ ^\[[0-9A-Fa-f:]+\]:[0-9]{1,5}$ ]] ||
                { echo "render.sh: not HOST:PORT: $1" >&2; exit 2; }
            servers+=("$1"); shift ;;
    esac
done
[ ${#servers[@]} -gt 0 ] || { echo "render.sh: no gateway given" >&2; usage; }

server_lines='' i=0
for server in "${servers[@]}"; do
    i=$((i + 1))
    server_lines+="    server gw$i ${server/#\[/ipv6@[} check"$'\n'
done
server_lines=${server_lines%$'\n'}
global_extra=''
[ -n "$maxconn" ] && global_extra+="    maxconn $maxconn"$'\n'
[ -n "$user" ] && global_extra+="    user $user"$'\n'"    group $user"$'\n'
global_extra=${global_extra%$'\n'}
metrics_block=''
if [ -n "$metrics" ]; then
    metrics_block="frontend metrics
    bind $metrics
    http-request use-service prometheus-exporter if { path /metrics }
    http-request deny deny_status 404"
fi

while IFS= read -r line || [ -n "$line" ]; do
    case $line in
        '#%'*) ;;
        @@GLOBAL_EXTRA@@) if [ -n "$global_extra" ]; then printf '%s\n' "$global_extra"; fi ;;
        @@SERVERS@@) printf '%s\n' "$server_lines" ;;
        @@METRICS@@) if [ -n "$metrics_block" ]; then printf '%s\n' "$metrics_block"; fi ;;
        *)
            line=${line//@@BIND@@/$bind}
            printf '%s\n' "$line" ;;
    esac
done <"$here/haproxy.cfg.template"
