#!/usr/bin/env bash
# Manual benchmark (too slow for CI): `debootstrap --second-stage` of a Debian arm64 minbase
# root file system, in a chroot, with the emulator registered through binfmt_misc: under
# ruser and under qemu-user-static, timed.
#
#   scripts/debootstrap-second-stage.sh [ruser|qemu|both]      (default: both)
#
# Needs root, and the network once: the first stage (debootstrap --foreign, arm64, minbase,
# $SUITE from $MIRROR) is kept as build/debootstrap/stage1.tar, and qemu-user-static is
# unpacked into build/debootstrap/qemu/ (never installed: its package would register its
# binfmt entries on the host). Each run unpacks the first stage afresh.
#
# The host's binfmt_misc is never touched: each run happens in new user, mount, PID and
# network namespaces, which get their own binfmt_misc instance (Linux 6.7 or later). The
# namespaces map every uid and gid to itself, so dpkg can give files their owners; the
# second stage needs no network. Everything is torn down on exit, even on failure (trap).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/debootstrap
suite=${SUITE:-bookworm}
mirror=${MIRROR:-http://deb.debian.org/debian}
which=${1:-both}
export DEBIAN_FRONTEND=noninteractive

case $which in ruser | qemu | both) ;; *)
    echo "usage: $0 [ruser|qemu|both]" >&2
    exit 2
    ;;
esac
if [ "$(id -u)" != 0 ]; then
    echo "$0: must be run as root (debootstrap creates device nodes and files of every owner)" >&2
    exit 1
fi
if ! command -v debootstrap >/dev/null; then
    apt-get install -y -qq --no-install-recommends debootstrap
fi
mkdir -p "$work"

# The first stage, once.
"$root/scripts/debootstrap-stage1.sh" >/dev/null

# The emulators.
qemu=$work/qemu/usr/bin/qemu-aarch64-static
if [ "$which" != ruser ] && [ ! -x "$qemu" ]; then
    (cd "$work" && rm -f qemu-user-static_*.deb && apt-get download -q -o APT::Sandbox::User=root qemu-user-static)
    dpkg -x "$work"/qemu-user-static_*.deb "$work/qemu"
fi
if [ "$which" != qemu ]; then
    (cd "$root" && cargo build --release --bins >&2)
fi
ruser=${CARGO_TARGET_DIR:-$root/target}/release/ruser

holder= nspid= rootfs=
cleanup() {
    # The namespaces' first process is PID 1 of its PID namespace: only SIGKILL ends it, and
    # with it every process and mount of the namespaces and their binfmt_misc instance.
    if [ -n "$nspid" ]; then
        kill -KILL "$nspid" 2>/dev/null || true
        nspid=
    fi
    if [ -n "$holder" ]; then
        wait "$holder" 2>/dev/null || true
        holder=
    fi
    if [ -n "$rootfs" ]; then
        [ -n "${KEEP:-}" ] || rm -rf "$rootfs"
        rootfs=
    fi
}
trap cleanup EXIT

# run_one NAME: a fresh first stage, the namespaces, NAME registered, the timed second stage.
run_one() {
    local name=$1
    rootfs=$work/rootfs-$name
    rm -rf "$rootfs"
    mkdir -p "$rootfs"
    tar -C "$rootfs" -xf "$work/stage1.tar"

    unshare --user --mount --pid --net --fork --propagation private sleep 7200 &
    holder=$!
    local pid=
    for _ in $(seq 500); do
        pid=$(pgrep -P "$holder" -x sleep || true)
        [ -n "$pid" ] && break
        sleep 0.01
    done
    [ -n "$pid" ] || { echo "$0: the namespaces did not come up" >&2; exit 1; }
    nspid=$pid
    echo "0 0 4294967295" >"/proc/$pid/uid_map"
    echo "0 0 4294967295" >"/proc/$pid/gid_map"
    local ns=(nsenter -t "$pid" --user --mount --pid --net)
    local bm=$work/binfmt_misc
    mkdir -p "$bm"
    case $name in
        ruser)
            RUSER_BINFMT_MISC=$bm "${ns[@]}" "$ruser" binfmt install --persistent --preserve-argv0
            ;;
        qemu)
            # qemu-user-static's own magic and mask, with the same flags as ruser's entry.
            "${ns[@]}" mount -t binfmt_misc binfmt_misc "$bm"
            "${ns[@]}" sh -c 'printf "%s" "$1" >"$2/register"' sh \
                ":qemu-aarch64:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$qemu:FP" "$bm"
            ;;
    esac
    "${ns[@]}" cat "$bm/$( [ "$name" = ruser ] && echo ruser-aarch64 || echo qemu-aarch64 )" | sed 's/^/   /'
    echo "== $name: chroot $rootfs /debootstrap/debootstrap --second-stage"
    local start end status=0
    start=$(date +%s.%N)
    # container=lxc: debootstrap then skips its mknod test of the target, which a user
    # namespace cannot pass (the device nodes come from the first stage).
    "${ns[@]}" env container=lxc chroot "$rootfs" /debootstrap/debootstrap --second-stage >"$work/$name.log" 2>&1 || status=$?
    end=$(date +%s.%N)
    tail -n 3 "$work/$name.log" | sed 's/^/   /'
    local secs
    secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
    if [ $status = 0 ] && grep -q "Base system installed successfully" "$work/$name.log"; then
        echo "RESULT $name: ok in ${secs} s (log: $work/$name.log)"
    else
        echo "RESULT $name: FAILED (status $status) after ${secs} s (log: $work/$name.log)"
        failed=1
    fi
    cleanup
}

failed=0
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
case $which in
    ruser) run_one ruser ;;
    qemu) run_one qemu ;;
    both) run_one qemu; run_one ruser ;;
esac
exit $failed
