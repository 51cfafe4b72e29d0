#!/usr/bin/env bash
# Cargo's rustc-workspace-wrapper (set in .cargo/config.toml): compiles ruser's own
# executables (`ruser`, `ruser-aarch64`) for x86-64 Linux as static executables, so that
# `cargo build --release` gives a target/release/ruser that needs no host libraries (what
# binfmt_misc's F flag, chroots and containers need). Every other compilation (the library,
# test harnesses, build scripts, other crates) runs unchanged.
#
# The executables are not position independent: they are linked at 0x60000000, above where
# non-PIE guest programs live (0x10000-0x10000000) and below the bases ruser picks for PIE
# guests and their interpreters (0x0aaa_aaaa_0000 and up; see src/linux/loader/map.rs), so
# a guest never needs ruser's addresses. Compared with a static-pie, this saves relocating
# 1.3 MiB of pointer tables (capstone's, mostly) at every start: about 0.6 ms per process.
#
# A wrapper, because cargo has no stable way to give rustc flags to some targets only:
# `-C target-feature=+crt-static` in [target.x86_64-unknown-linux-gnu] rustflags would also
# reach the proc-macro crates (dynasm, clap_derive), which cannot be linked statically.
#
# Set RUSER_BUILD_DYNAMIC=1 to build dynamically linked executables instead. Cargo does not notice
# edits of this script: touch src/bin/*.rs afterwards. bash, not sh: dash drops environment
# variables whose names are not identifiers, such as CARGO_BIN_EXE_ruser-aarch64.
rustc=$1
shift
bin= name= target= prev=
for a in "$@"; do
    case $prev in
        --crate-type) [ "$a" = bin ] && bin=1 ;;
        --crate-name) name=$a ;;
        --target) target=$a ;;
    esac
    case $a in
        --target=*) target=${a#--target=} ;;
    esac
    prev=$a
done
static=
case $name in
    ruser | ruser_*) static=$bin ;;
esac
case $target in
    '') [ "$(uname -m)" = x86_64 ] || static= ;;
    x86_64-unknown-linux-gnu) ;;
    *) static= ;;
esac
if [ -n "$static" ] && [ "${RUSER_BUILD_DYNAMIC:-}" != 1 ]; then
    exec "$rustc" "$@" -C target-feature=+crt-static -C relocation-model=static -C link-arg=-Wl,--image-base=0x60000000
fi
exec "$rustc" "$@"
