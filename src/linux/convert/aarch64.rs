//! The aarch64 Linux ABI (asm-generic layouts, little-endian, 64-bit).

use super::{Abi, StatField};
use crate::linux::syscall::table::{aarch64_nr_of, AARCH64_NAMES};

/// asm-generic `struct stat` as used by arm64 (128 bytes). Offsets from
/// include/uapi/asm-generic/stat.h (checked against glibc's bits/struct_stat.h).
const STAT_LAYOUT: &[(StatField, usize, usize)] = &[
    (StatField::Dev, 0, 8),
    (StatField::Ino, 8, 8),
    (StatField::Mode, 16, 4),
    (StatField::Nlink, 20, 4),
    (StatField::Uid, 24, 4),
    (StatField::Gid, 28, 4),
    (StatField::Rdev, 32, 8),
    // 40: __pad1
    (StatField::Size, 48, 8),
    (StatField::Blksize, 56, 4),
    // 60: __pad2
    (StatField::Blocks, 64, 8),
    (StatField::Atime, 72, 8),
    (StatField::AtimeNsec, 80, 8),
    (StatField::Mtime, 88, 8),
    (StatField::MtimeNsec, 96, 8),
    (StatField::Ctime, 104, 8),
    (StatField::CtimeNsec, 112, 8),
    // 120: __unused4, __unused5
];

/// open(2) bits where arm64 (asm/fcntl.h) differs from x86-64: (guest, host).
const OPEN_FLAGS: &[(u32, u32)] = &[
    (0o40000, 0o200000),   // O_DIRECTORY
    (0o100000, 0o400000),  // O_NOFOLLOW
    (0o200000, 0o40000),   // O_DIRECT
    (0o400000, 0o100000),  // O_LARGEFILE
];

fn identity(e: i32) -> i32 {
    e
}

pub static ABI: Abi = Abi {
    name: "aarch64",
    big_endian: false,
    long_size: 8,
    align_u64: 8,
    syscall_names: &AARCH64_NAMES,
    syscall_nr_of: aarch64_nr_of,
    stat_size: 128,
    stat_layout: STAT_LAYOUT,
    open_flags: OPEN_FLAGS,
    // asm-generic ioctl numbers.
    ioctls: super::ioctl::GENERIC,
    nccs: 19,
    // asm-generic/errno*.h numbers are the x86-64 ones.
    errno_to_guest: identity,
    errno_from_guest: identity,
    machine: "aarch64",
    // arm64's asm/signal.h.
    minsigstksz: 5120,
    // arm64's ARCH_DLINFO: AT_SYSINFO_EHDR, AT_MINSIGSTKSZ.
    auxv_arch_entries: 2,
};
