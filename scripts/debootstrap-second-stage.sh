#!/usr/bin/env bash
# Benchmark: `debootstrap --second-stage` of a Debian arm64 minbase root file system, in a
# chroot, with the emulator registered through binfmt_misc: under ruser and under
# qemu-user-static, timed (wall clock, and the CPU time of every process of the run).
# tests/debootstrap.rs checks the same run under ruser; this script compares.
#
#   scripts/debootstrap-second-stage.sh [ruser|qemu|both]      (default: both)
#   RUNS=5 scripts/debootstrap-second-stage.sh both             (alternating, 5 of each)
#   KEEP=1 ...                                                  (keep build/debootstrap/rootfs-NAME)
#   BINFMT=host ...                          (the host's binfmt_misc even on Linux 6.7 and later)
#
# Needs root, and the network once: the first stage (scripts/debootstrap-stage1.sh) is kept as
# build/debootstrap/stage1.tar, and qemu-user-static is unpacked into build/debootstrap/qemu/
# (never installed: its package would register its binfmt entries on the host). Each run
# unpacks the first stage afresh.
#
# Each run happens in new user, mount, PID and network namespaces. Since Linux 6.7 they get
# their own binfmt_misc instance, and the host's is never touched. On older kernels the
# entry goes into the host's binfmt_misc under a name of this run's own (`ruser-bench<pid>-
# aarch64`, `qemu-bench<pid>-aarch64`), mounted in a private mount namespace, and is removed
# on exit; no other entry is touched. The namespaces map every uid and gid to itself, so dpkg
# can give files their owners; the second stage needs no network. Everything is torn down on
# exit, even on failure (trap).
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
work=$root/build/debootstrap
which=${1:-both}
runs=${RUNS:-1}
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
    ruser=$("$root/scripts/build-static.sh")/ruser
fi

# CPU time of a run: a cgroup of its own (v2, or v1's cpuacct), when there is one to make.
cgroot=
if [ -f /sys/fs/cgroup/cgroup.controllers ]; then
    cgroot=/sys/fs/cgroup
elif [ -d /sys/fs/cgroup/unified ] && [ -f /sys/fs/cgroup/unified/cgroup.procs ]; then
    cgroot=/sys/fs/cgroup/unified
elif [ -f /sys/fs/cgroup/cpuacct/cpuacct.usage ]; then
    cgroot=/sys/fs/cgroup/cpuacct
fi

holder= nspid= rootfs= cg= hostns= hostentry=
bm=$work/binfmt_misc
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
    # On the host's binfmt_misc: this run's entry only.
    if [ -n "$hostentry" ]; then
        nsenter -t "$hostns" --mount sh -c '[ ! -e "$1" ] || echo -1 >"$1"' sh "$bm/$hostentry" || true
        hostentry=
    fi
    if [ -n "$hostns" ]; then
        kill -KILL "$hostns" 2>/dev/null || true
        wait "$hostns" 2>/dev/null || true
        hostns=
    fi
    if [ -n "$cg" ]; then
        rmdir "$cg" 2>/dev/null || true
        cg=
    fi
    if [ -n "$rootfs" ]; then
        [ -n "${KEEP:-}" ] || rm -rf "$rootfs"
        rootfs=
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The entry line for NAME (ruser's comes from `ruser binfmt config`).
entry_line() {
    local name=$1 entry=$2
    case $name in
        ruser) RUSER_BINFMT_NAME=${entry%-aarch64} "$ruser" binfmt config --persistent --preserve-argv0 --interpreter "$ruser" | grep '^:' ;;
        # qemu-user-static's own magic and mask, with the same flags as ruser's entry.
        qemu) echo ":$entry:M::\\x7fELF\\x02\\x01\\x01\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x00\\x02\\x00\\xb7\\x00:\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\x00\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xff\\xfe\\xff\\xff\\xff:$qemu:FP" ;;
    esac
}

# run_one NAME: a fresh first stage, the namespaces, NAME registered, the timed second stage.
run_one() {
    local name=$1
    rootfs=$work/rootfs-$name
    rm -rf "$rootfs"
    mkdir -p "$rootfs" "$bm"
    tar -C "$rootfs" --numeric-owner -xf "$work/stage1.tar"

    # (unshare complains about its signal mask when the namespaces are killed: not an error.)
    unshare --user --mount --pid --net --fork --kill-child --propagation private sleep 7200 2>/dev/null &
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
    local entry=$name-aarch64
    if [ "${BINFMT:-}" != host ] && "${ns[@]}" mount -t binfmt_misc binfmt_misc "$bm" 2>/dev/null; then
        echo "   binfmt_misc: the namespaces' own"
        "${ns[@]}" sh -c 'printf "%s" "$1" >"$2/register"' sh "$(entry_line "$name" "$entry")" "$bm"
        "${ns[@]}" sed 's/^/   /' "$bm/$entry"
    else
        # Linux < 6.7: the host's binfmt_misc, seen through a mount of our own.
        entry=$name-bench$$-aarch64
        unshare --mount --propagation private sleep 7200 &
        hostns=$!
        sleep 0.2
        nsenter -t "$hostns" --mount mount -t binfmt_misc binfmt_misc "$bm"
        hostentry=$entry
        nsenter -t "$hostns" --mount sh -c 'printf "%s" "$1" >"$2/register"' sh "$(entry_line "$name" "$entry")" "$bm"
        echo "   binfmt_misc: the host's, entry $entry"
        nsenter -t "$hostns" --mount sed 's/^/   /' "$bm/$entry"
    fi
    echo "== $name: chroot $rootfs /debootstrap/debootstrap --second-stage"
    local start end status=0 cpu=
    if [ -n "$cgroot" ]; then
        cg=$cgroot/debootstrap-bench-$$
        mkdir "$cg"
    fi
    start=$(date +%s.%N)
    # container=lxc: debootstrap then skips its mknod test of the target, which a user
    # namespace cannot pass (the device nodes come from the first stage).
    bash -c '[ -z "$1" ] || echo $$ >"$1/cgroup.procs"; shift; exec "$@"' sh "$cg" \
        "${ns[@]}" env container=lxc chroot "$rootfs" /debootstrap/debootstrap --second-stage >"$work/$name.log" 2>&1 || status=$?
    end=$(date +%s.%N)
    if [ -n "$cg" ]; then
        if [ -f "$cg/cpu.stat" ]; then
            cpu=$(awk '/^user_usec/ { u = $2 } /^system_usec/ { s = $2 } END { printf "%.1f s CPU (user %.1f, sys %.1f)", (u + s) / 1e6, u / 1e6, s / 1e6 }' "$cg/cpu.stat")
        else
            cpu=$(awk -v u="$(cat "$cg/cpuacct.usage_user")" -v s="$(cat "$cg/cpuacct.usage_sys")" \
                'BEGIN { printf "%.1f s CPU (user %.1f, sys %.1f)", (u + s) / 1e9, u / 1e9, s / 1e9 }')
        fi
    fi
    tail -n 3 "$work/$name.log" | sed 's/^/   /'
    local secs
    secs=$(awk "BEGIN { printf \"%.1f\", $end - $start }")
    if [ $status = 0 ] && grep -q "Base system installed successfully" "$work/$name.log"; then
        echo "RESULT $name: ok in ${secs} s${cpu:+, $cpu} (load before: $load; log: $work/$name.log)"
    else
        echo "RESULT $name: FAILED (status $status) after ${secs} s (log: $work/$name.log)"
        failed=1
    fi
    cleanup
}

failed=0
for _ in $(seq "$runs"); do
    for name in qemu ruser; do
        if [ "$which" = both ] || [ "$which" = "$name" ]; then
            load=$(cut -d' ' -f1-3 /proc/loadavg)
            run_one "$name"
        fi
    done
done
exit $failed
