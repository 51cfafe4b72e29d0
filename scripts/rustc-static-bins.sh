#!/usr/bin/env bash
# Cargo's rustc-workspace-wrapper (set in .cargo/config.toml): links ruser's own executables
# (`ruser`, `ruser-aarch64`) for x86-64 Linux as static executables that are not position
# independent. Every other compilation (the library, test harnesses, build scripts, other
# crates) runs unchanged.
#
# The executables are linked at 0x60000000, above where non-PIE guest programs live
# (0x10000-0x10000000) and below the bases ruser picks for PIE guests and their interpreters
# (0x0aaa_aaaa_0000 and up; see src/linux/loader/map.rs), so a guest never needs ruser's
# addresses. Compared with a static-pie, this saves relocating 1.3 MiB of pointer tables
# (capstone's, mostly) at every start: about 0.6 ms per process.
#
# A wrapper, because cargo has no stable way to give rustc flags to some crates only: the
# flags in [target.x86_64-unknown-linux-musl] rustflags would also reach the test harnesses.
# The target is musl (.cargo/config.toml); built for glibc instead (`--target
# x86_64-unknown-linux-gnu`), the executables are static glibc ones. Cargo does not notice
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
# The base address: musl's target links with GNU ld, which knows only -Ttext-segment; glibc's
# links with rust-lld, which knows only --image-base.
base=--image-base=0x60000000
case $target in
    x86_64-unknown-linux-musl) base=-Ttext-segment=0x60000000 ;;
    x86_64-unknown-linux-gnu) ;;
    '') [ "$(uname -m)" = x86_64 ] || static= ;;
    *) static= ;;
esac
if [ -n "$static" ]; then
    exec "$rustc" "$@" -C target-feature=+crt-static -C relocation-model=static -C "link-arg=-Wl,$base"
fi
exec "$rustc" "$@"
