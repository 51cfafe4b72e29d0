#!/usr/bin/env bash
# Fetch Debian's static aarch64 busybox for the busybox tests, and make sure a
# native (x86-64) busybox is installed to compare against.
#
#   build/busybox-static_*_arm64.deb   the downloaded package
#   build/sysroot-arm64/bin/busybox    the extracted aarch64 binary
#
# Idempotent: does nothing when both busyboxes are already there.  Needs root
# (or sudo) for dpkg --add-architecture / apt-get the first time.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build
sysroot=$build/sysroot-arm64
export DEBIAN_FRONTEND=noninteractive

SUDO=
if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
    SUDO=sudo
fi

have_native() {
    command -v busybox >/dev/null 2>&1 || [ -x /bin/busybox ] || [ -x /usr/bin/busybox ]
}

updated=0
apt_update() {
    if [ $updated = 0 ]; then
        $SUDO apt-get update -qq
        updated=1
    fi
}

if [ -x "$sysroot/bin/busybox" ]; then
    echo "fetch-busybox: aarch64 busybox already at $sysroot/bin/busybox"
else
    if ! dpkg --print-foreign-architectures | grep -qx arm64; then
        $SUDO dpkg --add-architecture arm64
    fi
    apt_update
    mkdir -p "$build"
    (cd "$build" && rm -f busybox-static_*_arm64.deb && apt-get download -q -o APT::Sandbox::User=root busybox-static:arm64)
    deb=$(ls "$build"/busybox-static_*_arm64.deb | head -n1)
    rm -rf "$sysroot.tmp"
    dpkg -x "$deb" "$sysroot.tmp"
    mv "$sysroot.tmp" "$sysroot"
    echo "fetch-busybox: extracted $(basename "$deb") into $sysroot"
fi

if have_native; then
    echo "fetch-busybox: native busybox: $(command -v busybox || echo /bin/busybox)"
else
    apt_update
    $SUDO apt-get install -y -qq busybox-static >/dev/null
    echo "fetch-busybox: installed native busybox-static"
fi
