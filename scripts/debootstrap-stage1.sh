#!/usr/bin/env bash
# The first stage of a Debian arm64 minbase root file system, for tests/debootstrap.rs and
# scripts/debootstrap-second-stage.sh: `debootstrap --foreign --arch=arm64 --variant=minbase`
# of $SUITE (bookworm) from $MIRROR, kept as build/debootstrap/stage1.tar (about 220 MB: the
# unpacked essential packages and the 30 MB of .debs the second stage installs). Done once;
# delete the tar to make it again.
#
# Needs root (debootstrap creates device nodes and files of every owner), debootstrap and the
# network (Debian's archive). Prints the tar's path.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/debootstrap
tar=$work/stage1.tar
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}

if [ -f "$tar" ]; then
    echo "$tar"
    exit 0
fi
if [ "$(id -u)" != 0 ]; then
    echo "$0: must be run as root (debootstrap creates device nodes and files of every owner)" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends debootstrap >&2
fi
mkdir -p "$work"
stage=$work/stage1.tmp
cleanup() { rm -rf "$stage" "$tar.tmp"; }
trap cleanup EXIT
rm -rf "$stage"
echo "== debootstrap --foreign --arch=arm64 --variant=minbase $suite $mirror" >&2
debootstrap --foreign --arch=arm64 --variant=minbase "$suite" "$stage" "$mirror" >&2
tar -C "$stage" --numeric-owner -cf "$tar.tmp" .
mv "$tar.tmp" "$tar"
echo "$tar"
