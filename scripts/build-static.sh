#!/bin/sh
# Build ruser as a static, non-PIE executable (what binfmt_misc's F flag and chroots need,
# and what starts fastest: no dynamic loader, no relocations). The image is linked at
# 0x60000000 so that the low addresses where non-PIE guest programs live stay free.
# Prints the directory holding the binaries.
set -eu
cd "$(dirname "$0")/.."
triple=x86_64-unknown-linux-gnu
export CARGO_TARGET_DIR="${RUSER_STATIC_TARGET_DIR:-$PWD/target/static}"
RUSTFLAGS="-C target-feature=+crt-static -C relocation-model=static -C link-arg=-Wl,--image-base=0x60000000" \
    cargo build --release --target "$triple" --bins >&2
echo "$CARGO_TARGET_DIR/$triple/release"
