#!/usr/bin/env bash
# Rebuild every test program from source into a temporary directory, run the
# fresh binaries under qemu-aarch64 and check that they behave exactly as
# the committed expected/aarch64 files say (stdout, stderr, exit status).
# Programs whose oracle is native (expected/aarch64/NAME.native says why qemu
# gets them wrong) are rebuilt for the host with $HOST_CC and run natively.
# Also checks that the committed binaries in aarch64/ are exactly the
# programs the Makefile builds, each with an expected .stdout and .status.
#
# Binaries are not compared byte for byte (compilers differ); behaviour is.
# Exit status: 0 when everything matches, 1 otherwise.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cd "$here"
export CROSS_CC=${CROSS_CC:-aarch64-linux-gnu-gcc}
export QEMU=${QEMU:-qemu-aarch64}
export HOST_CC=${HOST_CC:-gcc}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ruser-fresh.XXXXXX")
# Go's build cache goes in the temp dir too (chmod: go makes its module cache read-only).
export GOCACHE="$tmp/gocache" GOPATH="$tmp/gopath"
trap 'chmod -R u+w "$tmp" 2>/dev/null; rm -rf "$tmp"' EXIT

fail=0
programs=$(make -s list)

# the committed set must equal the Makefile's set
committed=$(ls aarch64 | sort)
wanted=$(echo "$programs" | sort)
if [ "$committed" != "$wanted" ]; then
    echo "MISMATCH: testbins/aarch64/ does not hold exactly the Makefile's programs"
    diff <(echo "$wanted") <(echo "$committed") | sed 's/^/  /' || true
    fail=1
fi

echo "building into $tmp/bin with $CROSS_CC ($("$CROSS_CC" -dumpfullversion 2>/dev/null || echo '?'))"
make -s OUT="$tmp/bin" CROSS_CC="$CROSS_CC" all
make -s NATIVE_OUT="$tmp/native" HOST_CC="$HOST_CC" native-oracle

for p in $programs; do
    if [ ! -f "expected/aarch64/$p.stdout" ] || [ ! -f "expected/aarch64/$p.status" ]; then
        echo "MISSING: expected/aarch64/$p.stdout or .status"
        fail=1
        continue
    fi
    if [ -f "expected/aarch64/$p.native" ]; then
        QEMU= ./run-one.sh "$tmp/native/$p" "$p" "$tmp/out"
    else
        ./run-one.sh "$tmp/bin/$p" "$p" "$tmp/out"
    fi
    ok=1
    for kind in stdout stderr status; do
        want=expected/aarch64/$p.$kind
        got=$tmp/out/$p.$kind
        [ -f "$want" ] || want=/dev/null
        [ -f "$got" ] || got=/dev/null
        if ! cmp -s "$want" "$got"; then
            echo "DIFFERS: $p ($kind), fresh build vs expected:"
            diff -u "$want" "$got" | head -n 40 | sed 's/^/  /' || true
            ok=0
        fi
    done
    if [ $ok = 1 ]; then
        echo "ok: $p"
    else
        fail=1
    fi
done

if [ $fail = 0 ]; then
    echo "rebuild-and-compare: all programs behave as expected"
else
    echo "rebuild-and-compare: FAILED"
fi
exit $fail
