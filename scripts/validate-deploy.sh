#!/usr/bin/env bash
# Offline checks of deploy/ (compose, Kubernetes, systemd, the HAProxy template), in make test
# after the suite (scripts/test.sh; LOOKOUT_DEPLOY_CHECK=0 skips it). Run it alone after
# `swift build`: scripts/validate-deploy.sh. What it checks: scripts/validate-deploy.py.
#
# Tools: Debian's haproxy and systemd-analyze (installed when missing, as root), and from PyPI
# check-jsonschema (the compose specification), kubernetes-validate (Kubernetes schemas) and
# PyYAML, in a venv cached in .build/deploy-venv (a first run installs them; later runs take a
# few seconds). LOOKOUT_BIN: the lookout binary whose CLI the command lines must match.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECK_JSONSCHEMA_VERSION=0.39.0
KUBERNETES_VALIDATE_VERSION=1.37.0
PYYAML_VERSION=6.0.3
started=$(date +%s)

bin=${LOOKOUT_BIN:-$(swift build --show-bin-path)/lookout}
[ -x "$bin" ] || { echo "error: $bin missing; run swift build first" >&2; exit 1; }

missing=()
command -v haproxy >/dev/null || missing+=(haproxy)
command -v systemd-analyze >/dev/null || missing+=(systemd)
if [ ${#missing[@]} -gt 0 ]; then
    [ "$(id -u)" -eq 0 ] || { echo "error: ${missing[*]} missing and not root; install them with apt-get" >&2; exit 1; }
    echo "Installing ${missing[*]} ..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

venv=.build/deploy-venv
stamp="check-jsonschema==$CHECK_JSONSCHEMA_VERSION kubernetes-validate==$KUBERNETES_VALIDATE_VERSION PyYAML==$PYYAML_VERSION"
if [ "$(cat "$venv/.lookout-stamp" 2>/dev/null)" != "$stamp" ]; then
    mkdir -p .build
    if ! python3 -m venv --clear "$venv" >/dev/null 2>&1; then
        [ "$(id -u)" -eq 0 ] || { echo "error: python3 -m venv failed and not root; install python3-venv with apt-get" >&2; exit 1; }
        echo "Installing python3-venv ..."
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
        python3 -m venv --clear "$venv"
    fi
    echo "Installing $stamp into $venv ..."
    # shellcheck disable=SC2086
    "$venv/bin/pip" install -q --disable-pip-version-check $stamp
    echo "$stamp" >"$venv/.lookout-stamp"
fi

status=0
LOOKOUT_BIN=$bin PYTHONDONTWRITEBYTECODE=1 "$venv/bin/python" scripts/validate-deploy.py || status=$?
echo "validate-deploy: $(($(date +%s) - started)) s"
exit "$status"
