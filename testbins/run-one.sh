#!/usr/bin/env bash
# Run one test program under an emulator (default: qemu-aarch64, the oracle)
# exactly the way the expected outputs are defined, and write
#   OUTDIR/NAME.stdout, OUTDIR/NAME.status and OUTDIR/NAME.stderr (only when
#   non-empty; a stale .stderr is removed).
#
# usage: run-one.sh BINARY NAME OUTDIR
#
# Inputs are read from expected/aarch64/ next to this script:
#   NAME.args     one argument per line
#   NAME.stdin    fed to standard input (otherwise /dev/null)
#   NAME.env      VAR=VALUE lines, each passed as -E VAR=VALUE
#   NAME.sysroot  a directory passed as -L DIR (for dynamic programs)
#   NAME.cpu      a CPU model passed as -cpu MODEL
#   NAME.qemu-fix a unified diff applied to qemu-aarch64's stdout: the lines where
#                 qemu-aarch64 is wrong, each hunk explained in the header (only when the
#                 emulator is qemu)
# The program runs with RUSER_TEST_VAR removed from the environment, in the
# current directory.  QEMU may name another emulator with qemu's options; an
# empty QEMU runs BINARY directly (a native build, for the programs whose
# oracle is native: see expected/aarch64/NAME.native).
set -euo pipefail

if [ $# -ne 3 ]; then
    echo "usage: $0 BINARY NAME OUTDIR" >&2
    exit 2
fi
bin=$1 name=$2 outdir=$3
here=$(cd "$(dirname "$0")" && pwd)
inputs=$here/expected/aarch64
qemu=${QEMU-qemu-aarch64}

opts=()
if [ -f "$inputs/$name.sysroot" ]; then
    opts+=(-L "$(head -n1 "$inputs/$name.sysroot")")
fi
if [ -f "$inputs/$name.cpu" ]; then
    opts+=(-cpu "$(head -n1 "$inputs/$name.cpu")")
fi
if [ -f "$inputs/$name.env" ]; then
    while IFS= read -r kv; do
        [ -n "$kv" ] && opts+=(-E "$kv")
    done < "$inputs/$name.env"
fi
args=()
if [ -f "$inputs/$name.args" ]; then
    mapfile -t args < "$inputs/$name.args"
fi
stdin=/dev/null
if [ -f "$inputs/$name.stdin" ]; then
    stdin=$inputs/$name.stdin
fi

# qemu reads QEMU_* variables (QEMU_LD_PREFIX, QEMU_STRACE, ...): drop them
for v in $(compgen -e | grep '^QEMU_' || true); do
    unset "$v"
done

mkdir -p "$outdir"
set +e
emu=()
if [ -n "$qemu" ]; then
    emu=("$qemu" "${opts[@]}")
fi
env -u RUSER_TEST_VAR "${emu[@]}" "$bin" "${args[@]}" \
    < "$stdin" > "$outdir/$name.stdout" 2> "$outdir/$name.stderr.tmp"
status=$?
set -e
echo "$status" > "$outdir/$name.status"
if [ -f "$inputs/$name.qemu-fix" ] && [ "$(basename "$qemu")" = qemu-aarch64 ]; then
    patch -s "$outdir/$name.stdout" < "$inputs/$name.qemu-fix"
    rm -f "$outdir/$name.stdout.orig"
fi
# qemu reports a guest killed by a signal on stderr itself ("qemu: uncaught target
# signal 11 ..."); that line is the emulator's, not the program's output, so it is not
# part of the expectation (the status says which signal).
sed -i '/^qemu: uncaught target signal /d' "$outdir/$name.stderr.tmp"
if [ -s "$outdir/$name.stderr.tmp" ]; then
    mv "$outdir/$name.stderr.tmp" "$outdir/$name.stderr"
else
    rm -f "$outdir/$name.stderr.tmp" "$outdir/$name.stderr"
fi
