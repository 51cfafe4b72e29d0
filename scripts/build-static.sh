#!/bin/sh
# Build ruser's executables and print the directory that holds them. Plain
# `cargo build --release` already links them statically, for musl (see .cargo/config.toml
# and scripts/rustc-static-bins.sh); this script stays for the callers that want the
# directory (bench/run.py, scripts/debootstrap-second-stage.sh). It honours CARGO_TARGET_DIR.
set -eu
cd "$(dirname "$0")/.."
cargo build --release --bins >&2
echo "${CARGO_TARGET_DIR:-$PWD/target}/x86_64-unknown-linux-musl/release"
