#!/usr/bin/env bash
# scripts/package.sh: the Lookout runtime layout of deploy/image/contents.txt, in a folder (and
# optionally a tarball) that runs on a bare debian:bookworm-slim:
#
#   bin/lookout     the binary (release: Swift stdlib linked statically, DWARF stripped)
#   lib/            the libraries it loads that the base system lacks (RUNPATH $ORIGIN/../lib):
#                   those of the list's Debian packages (libhiredis) and, for a debug build, the
#                   Swift runtime of the toolchain (libswiftCore.so, libFoundation*.so, …)
#   workers/, mediamtx.yml
#
# The image's build stage runs it (release, --system-libs: the runtime stage apt-installs the
# list's packages instead); make test packages the debug binary the run already built and runs
# it from the folder alone (Tests/LookoutCLITests/PackagedFolderTests.swift). Every library the
# binary loads is accounted for: in the folder, or named `base` in the list; anything else fails
# here with the line to add.
#
#   scripts/package.sh [--configuration debug|release] [--binary PATH] [--out DIR] [--tar] [--system-libs]
#
#   --configuration   what to build (default release, with --static-swift-stdlib)
#   --binary PATH     package this lookout binary instead of building one
#   --out DIR         the layout's folder, replaced (default: the repository's artifacts/lookout-CONFIGURATION)
#   --tar             also write DIR.tar.gz
#   --system-libs     leave the libraries of the list's Debian packages to the system
#   SWIFT_BUILD_FLAGS extra `swift build` flags, e.g. --scratch-path .build-release
set -euo pipefail
here=$PWD
cd "$(dirname "$0")/.."
root=$PWD
list=deploy/image/contents.txt

configuration=release binary="" out="" tar=0 system_libs=0 built=""
while [ $# -gt 0 ]; do
    case $1 in
        --configuration) configuration=$2; shift 2 ;;
        --binary) binary=$2; shift 2 ;;
        --out) out=$2; shift 2 ;;
        --tar) tar=1; shift ;;
        --system-libs) system_libs=1; shift ;;
        -h|--help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "package.sh: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
case $configuration in debug|release) ;; *) echo "package.sh: --configuration is debug or release" >&2; exit 64 ;; esac
# Relative paths are the caller's; the default folder is the repository's artifacts/.
absolute() { case $1 in /*) echo "$1" ;; *) echo "$here/$1" ;; esac; }
out=$(absolute "${out:-$root/artifacts/lookout-$configuration}")
[ -z "$binary" ] || binary=$(absolute "$binary")
case $(readlink -m "$out") in /|"$root"|"$HOME"|/opt|/usr|/tmp) echo "package.sh: will not replace $out" >&2; exit 64 ;; esac

# The list: KIND VALUE per line, comments after #.
entries() { sed 's/#.*//' "$list" | awk -v kind="$1" '$1 == kind { print $2 }'; }
layout_binary=$(entries binary)
mapfile -t copies < <(entries copy)
mapfile -t debians < <(entries debian)
mapfile -t bases < <(entries base)
[ -n "$layout_binary" ] || { echo "package.sh: $list names no binary" >&2; exit 1; }
in_list() { local item=$1; shift; local x; for x in "$@"; do [ "$x" = "$item" ] && return 0; done; return 1; }

if [ -z "$binary" ]; then
    # SWIFT_BUILD_FLAGS as in scripts/test.sh, e.g. --scratch-path .build-release
    flags=(-c "$configuration" --product lookout ${SWIFT_BUILD_FLAGS:-})
    [ "$configuration" = release ] && flags+=(--static-swift-stdlib)
    started=$(date +%s)
    swift build "${flags[@]}"
    echo "Built $configuration in $(($(date +%s) - started)) s"
    binary=$(swift build "${flags[@]}" --show-bin-path)/lookout
    built=$configuration
fi
[ -x "$binary" ] || { echo "package.sh: no executable at $binary" >&2; exit 1; }

rm -rf "$out"
mkdir -p "$out/$(dirname "$layout_binary")" "$out/lib"
cp "$binary" "$out/$layout_binary"
chmod 755 "$out/$layout_binary"
# A release built here loses its DWARF (204 MB -> 128 MB); the symbol table stays, so crash
# backtraces still name the functions.
[ "$built" != release ] || strip --strip-debug "$out/$layout_binary"
for path in "${copies[@]}"; do
    mkdir -p "$out/$(dirname "$path")"
    cp -R "$root/$path" "$out/$path"
done

# The Debian package a library file comes from (bookworm is merged-/usr: try both spellings).
debian_package() {
    local path=$1 candidate owner
    for candidate in "$path" "$(readlink -f "$path")" "/usr$path" "${path#/usr}"; do
        owner=$(dpkg -S "$candidate" 2>/dev/null | head -1 | cut -d: -f1) && [ -n "$owner" ] && { echo "$owner"; return 0; }
    done
    return 1
}

swift_bin=$(command -v swift 2>/dev/null || true)
swift_runtime=${swift_bin:+$(dirname "$(readlink -f "$swift_bin")")/../lib/swift/linux}
swift_runtime=${swift_runtime:+$(readlink -f "$swift_runtime" || true)}

# Each library the binary loads (ldd resolves them through its own RUNPATH) lands in lib/, or is
# base, or (--system-libs) comes from a listed package the image installs.
problems=()
while read -r name path; do
    owner=""
    in_list "$name" "${bases[@]}" && continue
    if [ "$path" = "not" ]; then problems+=("$name: not found on this machine"); continue; fi
    if [ -n "$swift_runtime" ] && [[ "$(readlink -f "$path")" == "$swift_runtime"/* ]]; then
        cp -L "$path" "$out/lib/$name"
    elif owner=$(debian_package "$path") && in_list "$owner" "${debians[@]}"; then
        [ "$system_libs" = 1 ] || cp -L "$path" "$out/lib/$name"
    else
        problems+=("$name ($path, Debian package ${owner:-unknown}): add \`debian ${owner:-PACKAGE}\` to $list (or \`base $name\` if debian:bookworm-slim has it)")
    fi
done < <(ldd "$binary" | awk '/=>/ { print $1, $3; next } { n = $1; sub(".*/", "", n); print n, $1 }')
if [ ${#problems[@]} -gt 0 ]; then
    printf 'package.sh: %s\n' "${problems[@]}" >&2
    exit 1
fi

if [ -n "$(ls -A "$out/lib")" ]; then
    if ! command -v patchelf >/dev/null; then
        [ "$(id -u)" -eq 0 ] || { echo "package.sh: patchelf missing and not root: apt-get install patchelf" >&2; exit 1; }
        apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends patchelf >/dev/null
    fi
    # Only the folder: no toolchain path the build left in the RUNPATH.
    patchelf --set-rpath '$ORIGIN/../lib' "$out/$layout_binary"
else
    rmdir "$out/lib"
fi

# The folder alone: every library in it or base (or, with --system-libs, from a listed package).
unresolved=$(env -i ldd "$out/$layout_binary" | awk -v out="$out/" '
    /not found/ { print; next }
    /=>/ && index($3, out) != 1 { print }' | while read -r name _ path _; do
    in_list "$name" "${bases[@]}" && continue
    [ "$system_libs" = 1 ] && owner=$(debian_package "$path") && in_list "$owner" "${debians[@]}" && continue
    echo "$name => $path"
done)
[ -z "$unresolved" ] || { echo "package.sh: the packaged binary loads from outside its folder:" >&2; echo "$unresolved" >&2; exit 1; }
env -i "$out/$layout_binary" --help >/dev/null

if [ "$tar" = 1 ]; then
    tar -C "$(dirname "$out")" --owner=0 --group=0 --numeric-owner -czf "$out.tar.gz" "$(basename "$out")"
    echo "Packaged $out.tar.gz ($(du -h "$out.tar.gz" | cut -f1))"
fi
echo "Packaged $out ($(du -sh "$out" | cut -f1)): $(cd "$out" && find . -maxdepth 2 -mindepth 1 | sort | sed 's|^\./||' | tr '\n' ' ')"
