#!/bin/sh
# deploy/image/install-runtime.sh LIST: the image's runtime stage installs the Debian packages
# that LIST (deploy/image/contents.txt) names with `debian`, and nothing else.
set -eu
packages=$(sed 's/#.*//' "$1" | awk '$1 == "debian" { print $2 }')
[ -n "$packages" ] || { echo "install-runtime.sh: $1 names no Debian package" >&2; exit 1; }
apt-get update
# shellcheck disable=SC2086 # one word per package
DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends $packages
rm -rf /var/lib/apt/lists/*
