#!/usr/bin/env bash
# Profile-guided optimisation (PGO) of ruser's executables.
#
#   scripts/pgo.sh cargo ARGS...   run `cargo ARGS...` with the PGO build settings, e.g.
#                                  `scripts/pgo.sh cargo test --release` (scripts/test.sh)
#   scripts/pgo.sh                 build the executables, print the directory holding them
#
# Three steps, each skipped when its result is up to date:
#   1. an instrumented build (RUSTFLAGS=-Cprofile-generate) in $TARGET/pgo-train;
#   2. training: that build runs start-up-heavy guest programs (the Debian sysroot's
#      /usr/bin/true and `python3 -c pass` when scripts/debian-sysroot.sh has built it, and
#      some of the bundled testbins), and llvm-profdata merges what they recorded into
#      $TARGET/pgo/ruser.profdata; redone when the instrumented build or this script changed;
#   3. the real build (RUSTFLAGS=-Cprofile-use) in $TARGET/pgo, its own target directory so
#      that plain `cargo build` in $TARGET keeps its artifacts. build.rs tells cargo to
#      rebuild ruser when the profile changes.
# $TARGET is CARGO_TARGET_DIR, else ./target.
#
# Why: ruser's start-up is its own code running cold (translation, the interpreter, the IR
# passes, code emission). The profile lets LLVM lay hot code out together and inline along
# the paths taken: the dynamic /usr/bin/true start-up is about 8% faster, also right after
# another process has evicted the caches (README, "The static build").
#
# Needs llvm-profdata of the compiler's own LLVM: rustup's llvm-tools component, which this
# script adds when rustup is there. Without it the build goes on without PGO, with a warning
# (an error when CI is set, so that CI always tests what it benchmarks). RUSER_PGO=0 skips
# PGO altogether (a plain release build in $TARGET).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
target=${CARGO_TARGET_DIR:-$root/target}
triple=x86_64-unknown-linux-musl
train=$target/pgo-train
profile=$target/pgo/ruser.profdata

if [ $# = 0 ]; then
    "$root/scripts/pgo.sh" cargo build --release --bins >&2
    if [ "${RUSER_PGO:-1}" = 0 ] || [ ! -f "$profile" ]; then
        echo "$target/$triple/release"
    else
        echo "$target/pgo/$triple/release"
    fi
    exit 0
fi
if [ "$1" != cargo ]; then
    echo "usage: scripts/pgo.sh [cargo ARGS...]" >&2
    exit 2
fi
shift

without_pgo() {
    if [ -n "${CI:-}" ]; then
        echo "pgo.sh: error: $1" >&2
        exit 1
    fi
    echo "pgo.sh: warning: $1; building without profile-guided optimisation" >&2
    shift
    exec cargo "$@"
}

if [ "${RUSER_PGO:-1}" = 0 ]; then
    exec cargo "$@"
fi

host=$(rustc -vV | sed -n 's/^host: //p')
profdata=$(rustc --print sysroot)/lib/rustlib/$host/bin/llvm-profdata
if [ ! -x "$profdata" ] && command -v rustup >/dev/null; then
    echo "pgo.sh: adding rustup's llvm-tools component (llvm-profdata)" >&2
    rustup component add llvm-tools >&2 || rustup component add llvm-tools-preview >&2 || true
fi
[ -x "$profdata" ] || without_pgo "no llvm-profdata at $profdata (rustup component add llvm-tools)" "$@"

# 1. The instrumented build.
RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-generate=$train/raw" CARGO_TARGET_DIR=$train \
    cargo build --release --bin ruser-aarch64 >&2
trained=$train/$triple/release/ruser-aarch64

# 2. Training, when the profile is older than the instrumented build or this script.
if [ ! -f "$profile" ] || [ "$trained" -nt "$profile" ] || [ "$root/scripts/pgo.sh" -nt "$profile" ]; then
    echo "pgo.sh: training the instrumented build" >&2
    rm -rf "$train/raw"
    train_run() {
        # A guest's own failure does not matter here, only that it ran.
        timeout 120 "$trained" "$@" >/dev/null 2>&1 </dev/null || true
    }
    sysroot=$root/build/debian-arm64
    if [ -f "$sysroot/.ruser-packages" ]; then
        for _ in $(seq 20); do train_run -L "$sysroot" /usr/bin/true; done
        for _ in 1 2; do train_run -L "$sysroot" /usr/bin/python3 -c pass; done
        train_run -L "$sysroot" /usr/bin/python3 -c 'import json, re; print(json.dumps([re.sub("a", "b", str(i)) for i in range(2000)])[:10])'
    else
        echo "pgo.sh: no Debian sysroot (scripts/debian-sysroot.sh): training on the testbins only" >&2
    fi
    for t in hello alu ldst memops indirect chain printf libc_mix fpu simd crc32 pthreads; do
        for _ in 1 2 3; do train_run "testbins/aarch64/$t"; done
    done
    if [ -d /usr/aarch64-linux-gnu/lib ]; then
        for _ in $(seq 5); do train_run -L /usr/aarch64-linux-gnu testbins/aarch64/hello_dyn; done
    fi
    ls "$train/raw"/*.profraw >/dev/null 2>&1 || without_pgo "the instrumented build wrote no profile" "$@"
    mkdir -p "$(dirname "$profile")"
    "$profdata" merge -o "$profile.tmp" "$train/raw" >&2
    mv "$profile.tmp" "$profile"
fi

# 3. The build that uses the profile. Functions the training never ran are not worth a
# warning, nor are the test harnesses' `main`s, which the profile knows as ruser's.
export RUSTFLAGS="${RUSTFLAGS:-} -Cprofile-use=$profile -Cllvm-args=-pgo-warn-missing-function=false -Cllvm-args=-no-pgo-warn-mismatch"
export CARGO_TARGET_DIR=$target/pgo
exec cargo "$@"
