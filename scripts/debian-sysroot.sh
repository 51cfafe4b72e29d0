#!/usr/bin/env bash
# Build a Debian arm64 sysroot for the tests that run real programs under ruser:
#
#   build/debs-arm64/*.deb     the downloaded packages (a cache: kept between runs)
#   build/debian-arm64/        the sysroot, for `ruser -L build/debian-arm64`
#   build/debian-arm64/.ruser-packages   what it holds: "name arch version" per line
#
# The package list below is what the tests run; their dependency closure (Depends and
# Pre-Depends, no Recommends, alternatives resolved as apt resolves them) is computed by
# apt-get itself, simulating an install onto an empty arm64 system.  Each package is
# unpacked with dpkg -x (no maintainer scripts run); then the steps those scripts or
# debootstrap would do and that the tests need are done by hand: the merged /usr of
# Debian 12 (/bin, /sbin and /lib are symlinks into /usr), /bin/sh -> dash and the
# alternatives (awk -> mawk, lua -> lua5.4), and /etc/ld.so.cache, made by the sysroot's own
# ldconfig under qemu-aarch64 when it is installed (the host's ldconfig skips foreign
# libraries; without the cache the dynamic loader searches its directories, which costs
# every program start a dozen failed lookups), and python's bytecode caches, compiled by
# the host's python3.11 when there is one (bytecode does not depend on the CPU;
# Debian's postinst would compile them; without them every emulated python compiles its
# standard library again, and the caches of a package whose __pycache__ only the host has
# would be written into the host's);
# the empty mount points are removed so that the host's /proc, /dev and /tmp show through.
#
# Idempotent: when .ruser-packages already lists the same closure, nothing is done.
# Needs root (or sudo) the first time, for dpkg --add-architecture and apt-get update.
# Usage: scripts/debian-sysroot.sh [--print-closure]
set -euo pipefail

PACKAGES="python3 perl bash dash coreutils sqlite3 lua5.4 xz-utils zstd openssl busybox dpkg apt apt-utils
          findutils grep sed mawk diffutils tar gzip libc-bin"

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
debs=$build/debs-arm64
sysroot=$build/debian-arm64
export DEBIAN_FRONTEND=noninteractive

SUDO=
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
    SUDO=sudo
fi

have_arm64_lists() {
    apt-cache policy libc6:arm64 2>/dev/null | grep -q 'Candidate: [0-9]'
}
if ! dpkg --print-foreign-architectures | grep -qx arm64; then
    $SUDO dpkg --add-architecture arm64
fi
if ! have_arm64_lists; then
    $SUDO apt-get update -qq
fi

# apt as if this were an empty arm64 machine: no installed packages, arm64 only, and an
# in-memory package cache so that the host's cache is left alone.
empty_status=$(mktemp)
trap 'rm -f "$empty_status"' EXIT
APT_ARM64=(-q -o "Dir::State::status=$empty_status" -o APT::Architecture=arm64 -o APT::Architectures::=arm64
           -o Dir::Cache::pkgcache= -o Dir::Cache::srcpkgcache= -o APT::Sandbox::User=root)

# "Inst NAME (VERSION ARCHIVES [ARCH])" -> "NAME ARCH VERSION", in install order.
# shellcheck disable=SC2086
closure=$(apt-get -s "${APT_ARM64[@]}" --no-install-recommends install $PACKAGES |
          sed -n 's/^Inst \([^ ]*\) (\([^ ]*\) [^[]*\[\([a-z0-9]*\)\]).*/\1 \3 \2/p')
if [ -z "$closure" ]; then
    echo "debian-sysroot: apt-get could not compute the package closure" >&2
    exit 1
fi
if [ "${1:-}" = --print-closure ]; then
    echo "$closure"
    exit 0
fi

# The loader's cache: the sysroot's ldconfig, chrooted into the sysroot (-r), run by qemu.
make_ld_cache() {
    if [ ! -f "$1/etc/ld.so.cache" ] && command -v qemu-aarch64 >/dev/null; then
        qemu-aarch64 "$1/usr/sbin/ldconfig" -X -r "$1" || echo "debian-sysroot: ldconfig failed; no /etc/ld.so.cache" >&2
    fi
}

if [ -f "$sysroot/.ruser-packages" ] && [ "$(cat "$sysroot/.ruser-packages")" = "$closure" ]; then
    make_ld_cache "$sysroot"
    echo "debian-sysroot: $sysroot is up to date ($(echo "$closure" | wc -l) packages)"
    exit 0
fi

# Download what the cache lacks (apt-get download names files NAME_VERSION_ARCH.deb with
# the epoch's colon escaped as %3a).
mkdir -p "$debs"
want=()
while read -r name arch version; do
    file="${name}_${version//:/%3a}_${arch}.deb"
    if [ ! -s "$debs/$file" ]; then
        want+=("$name:$arch=$version")
    fi
done <<<"$closure"
if [ ${#want[@]} -gt 0 ]; then
    echo "debian-sysroot: downloading ${#want[@]} packages into $debs"
    (cd "$debs" && apt-get download "${APT_ARM64[@]}" "${want[@]}")
fi

# Unpack into a fresh directory, then swap it in.
tmp=$sysroot.tmp
rm -rf "$tmp"
mkdir -p "$tmp"
while read -r name arch version; do
    dpkg -x "$debs/${name}_${version//:/%3a}_${arch}.deb" "$tmp"
done <<<"$closure"

# Merged /usr, as on an installed Debian 12: move what the packages put in /bin, /sbin and
# /lib under /usr and leave symlinks.
for d in bin sbin lib; do
    mkdir -p "$tmp/usr/$d"
    if [ -d "$tmp/$d" ] && [ ! -L "$tmp/$d" ]; then
        cp -a "$tmp/$d/." "$tmp/usr/$d/"
        rm -rf "${tmp:?}/$d"
    fi
    ln -s "usr/$d" "$tmp/$d"
done
# What maintainer scripts would have made.
ln -sf dash "$tmp/usr/bin/sh"
ln -sf mawk "$tmp/usr/bin/awk"
ln -sf lua5.4 "$tmp/usr/bin/lua"
# base-files ships the empty mount points and home directories (/proc, /dev, /tmp, /root,
# ...). Under ruser's overlay a path that exists in the sysroot names the sysroot's copy, so
# these would hide the host's /proc, /dev and /tmp: remove them (only when empty).
for d in boot dev home media mnt opt proc root run srv sys tmp; do
    rmdir "$tmp/$d" 2>/dev/null || true
done

make_ld_cache "$tmp"
# Python's bytecode, when the host has the same python3.11 (the bytecode format is fixed
# within a minor version).
if [ -x /usr/bin/python3.11 ] && [ -d "$tmp/usr/lib/python3.11" ]; then
    /usr/bin/python3.11 -m compileall -q -j 0 -d /usr/lib/python3.11 "$tmp/usr/lib/python3.11" >/dev/null ||
        echo "debian-sysroot: compileall failed; python will compile its modules each run" >&2
fi
echo "$closure" >"$tmp/.ruser-packages"
rm -rf "$sysroot"
mv "$tmp" "$sysroot"
echo "debian-sysroot: unpacked $(echo "$closure" | wc -l) packages into $sysroot"
