#!/bin/sh
# Build ruser's executables as they ship and print the directory that holds them: static musl
# executables (.cargo/config.toml, scripts/rustc-static-bins.sh), optimised with the
# profile of a training run (scripts/pgo.sh). Callers: bench/run.py,
# scripts/debootstrap-second-stage.sh. It honours CARGO_TARGET_DIR, and RUSER_PGO=0 (a plain
# `cargo build --release`).
set -eu
exec "$(dirname "$0")/pgo.sh"
