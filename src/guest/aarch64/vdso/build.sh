#!/bin/sh
# Rebuild vdso.so from vdso.S and vdso.lds with the aarch64 cross binutils (Debian's
# binutils-aarch64-linux-gnu). The result is committed: building ruser does not need it.
# Usage: build.sh [OUTPUT]   (default: vdso.so next to this script)
set -e
here=$(cd "$(dirname "$0")" && pwd)
out=${1:-$here/vdso.so}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
CROSS=${CROSS:-aarch64-linux-gnu-}
${CROSS}gcc -c -o "$tmp/vdso.o" "$here/vdso.S"
${CROSS}ld -shared -nostdlib -soname=linux-vdso.so.1 --hash-style=both --build-id=none \
	-z max-page-size=4096 -z common-page-size=4096 -z norelro -z noexecstack \
	-T "$here/vdso.lds" -o "$tmp/vdso.full" "$tmp/vdso.o"
${CROSS}objcopy --strip-all --remove-section=.comment "$tmp/vdso.full" "$out"
