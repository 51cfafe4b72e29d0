#!/usr/bin/env bash
# The one test command: installs what the tests need (Debian 12, as root or
# with sudo), fetches the aarch64 busybox and builds the Debian arm64 sysroot
# (scripts/debian-sysroot.sh), then runs the whole test suite in
# release mode.  Extra arguments go to `cargo test`, e.g.
#   scripts/test.sh --test testbins
set -euo pipefail

cd "$(dirname "$0")/.."
export DEBIAN_FRONTEND=noninteractive

SUDO=
if [ "$(id -u)" != 0 ]; then
    if command -v sudo >/dev/null; then
        SUDO=sudo
    fi
fi

# package -> a file it provides
declare -A provides=(
    [gcc-aarch64-linux-gnu]=/usr/bin/aarch64-linux-gnu-gcc
    [libc6-dev-arm64-cross]=/usr/aarch64-linux-gnu/lib/libc.a
    [qemu-user]=/usr/bin/qemu-aarch64
    [busybox-static]=/bin/busybox
    [make]=/usr/bin/make
    [cmake]=/usr/bin/cmake
    [meson]=/usr/bin/meson
    [ninja-build]=/usr/bin/ninja
    [libc6-dev]=/usr/lib/x86_64-linux-gnu/libc.a
    # testbins: the Go programs (GOARCH=arm64) and the qemu-fix patches of run-one.sh
    [golang-go]=/usr/bin/go
    [patch]=/usr/bin/patch
    # native (amd64) twins of the Debian arm64 programs that tests/debian.rs runs
    [python3]=/usr/bin/python3
    [perl]=/usr/bin/perl
    [sqlite3]=/usr/bin/sqlite3
    [lua5.4]=/usr/bin/lua5.4
    [xz-utils]=/usr/bin/xz
    [zstd]=/usr/bin/zstd
    [openssl]=/usr/bin/openssl
    [apt-utils]=/usr/bin/apt-ftparchive
    # tests/debootstrap.rs: the first stage of a Debian arm64 root file system
    [debootstrap]=/usr/sbin/debootstrap
    # tests/gdb.rs: the debugger that drives ruser's -g stub
    [gdb-multiarch]=/usr/bin/gdb-multiarch
)
missing=()
for pkg in "${!provides[@]}"; do
    file=${provides[$pkg]}
    if [ "$pkg" = busybox-static ] && command -v busybox >/dev/null; then
        continue    # any native busybox will do
    fi
    if [ ! -e "$file" ]; then
        missing+=("$pkg")
    fi
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "test.sh: installing ${missing[*]}"
    $SUDO apt-get update -qq
    $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

tests/fetch-busybox.sh
scripts/debian-sysroot.sh
# The first stage for tests/debootstrap.rs (once; needs root).
if [ "$(id -u)" = 0 ]; then
    scripts/debootstrap-stage1.sh >/dev/null
else
    $SUDO scripts/debootstrap-stage1.sh >/dev/null || echo "test.sh: no debootstrap first stage (needs root): tests/debootstrap.rs will skip"
fi

if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
# What the build needs (musl), and the Rust standard library for aarch64, for the cargo
# runner test (tests/runners.rs).
scripts/setup.sh aarch64-unknown-linux-gnu
# Run the suite, then print one closing line that sums every test binary's result.
log=$(mktemp)
trap 'rm -f "$log"' EXIT
set +e
# The build is the one that ships, optimised with the profile of a training run
# (scripts/pgo.sh; RUSER_PGO=0 for a plain release build, e.g. for quicker local runs).
scripts/pgo.sh cargo test --release --no-fail-fast "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e
# Failing test binaries are counted too: one that dies has no "test result" line.
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i; if ($(i+1) ~ /^ignored/) g += $i } }
     /^error: test failed, to rerun pass/ { b++ }
     END { printf "summary: %d passed, %d failed, %d skipped", p, f, g; if (b) printf ", %d test binaries failed", b; printf "\n" }' "$log"
if [ "$status" != 0 ]; then
    echo "test.sh: cargo test failed (status $status)"
fi
exit "$status"
