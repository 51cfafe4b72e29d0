#!/usr/bin/env bash
# What building ruser needs beyond a Rust toolchain, installed when missing: the Rust
# standard library for x86_64-unknown-linux-musl (ruser's executables are static musl
# programs, see .cargo/config.toml) and musl-gcc (Debian's musl-tools), which compiles the
# C in capstone and jemalloc for that target. Idempotent; apt-get needs root or sudo.
set -euo pipefail
if ! command -v cargo >/dev/null && [ -x "$HOME/.cargo/bin/cargo" ]; then
    export PATH="$HOME/.cargo/bin:$PATH"
fi
if ! command -v musl-gcc >/dev/null; then
    SUDO=
    if [ "$(id -u)" != 0 ] && command -v sudo >/dev/null; then
        SUDO=sudo
    fi
    echo "setup.sh: installing musl-tools" >&2
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends musl-tools
fi
if command -v rustup >/dev/null; then
    for t in x86_64-unknown-linux-musl "$@"; do
        if ! rustup target list --installed | grep -qx "$t"; then
            rustup target add "$t"
        fi
    done
fi
