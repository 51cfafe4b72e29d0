//! Guest ⇄ host struct conversions. Each `*_to_guest` builds the guest's bytes with explicit
//! field writes in the guest byte order; each `*_from_guest` decodes guest bytes. The 64-bit
//! layouts here (timespec, rusage, sysinfo, ...) are the same on every 64-bit Linux guest; a
//! 32-bit guest will need its own variants.

use super::{Abi, GuestReader, GuestWriter, StatField};

/// Guest `struct stat` from a host one, using the ABI's layout table.
pub fn stat_to_guest(abi: &Abi, st: &libc::stat) -> GuestWriter {
    let mut w = GuestWriter::new(abi.stat_size, abi);
    for &(f, off, size) in abi.stat_layout {
        let v = match f {
            StatField::Dev => st.st_dev,
            StatField::Ino => st.st_ino,
            StatField::Mode => st.st_mode as u64,
            StatField::Nlink => st.st_nlink,
            StatField::Uid => st.st_uid as u64,
            StatField::Gid => st.st_gid as u64,
            StatField::Rdev => st.st_rdev,
            StatField::Size => st.st_size as u64,
            StatField::Blksize => st.st_blksize as u64,
            StatField::Blocks => st.st_blocks as u64,
            StatField::Atime => st.st_atime as u64,
            StatField::AtimeNsec => st.st_atime_nsec as u64,
            StatField::Mtime => st.st_mtime as u64,
            StatField::MtimeNsec => st.st_mtime_nsec as u64,
            StatField::Ctime => st.st_ctime as u64,
            StatField::CtimeNsec => st.st_ctime_nsec as u64,
        };
        w.uint(off, size, v);
    }
    w
}

pub const STATX_SIZE: usize = 256;

/// `struct statx` fields as (offset, size); the layout is the same on every ABI, only the
/// byte order can differ. Bytes not listed are reserved and stay zero.
const STATX_FIELDS: &[(usize, usize)] = &[
    (0, 4),   // stx_mask
    (4, 4),   // stx_blksize
    (8, 8),   // stx_attributes
    (16, 4),  // stx_nlink
    (20, 4),  // stx_uid
    (24, 4),  // stx_gid
    (28, 2),  // stx_mode
    (32, 8),  // stx_ino
    (40, 8),  // stx_size
    (48, 8),  // stx_blocks
    (56, 8),  // stx_attributes_mask
    (64, 8),  // stx_atime.tv_sec
    (72, 4),  // stx_atime.tv_nsec
    (80, 8),  // stx_btime
    (88, 4),
    (96, 8),  // stx_ctime
    (104, 4),
    (112, 8), // stx_mtime
    (120, 4),
    (128, 4), // stx_rdev_major
    (132, 4), // stx_rdev_minor
    (136, 4), // stx_dev_major
    (140, 4), // stx_dev_minor
    (144, 8), // stx_mnt_id
    (152, 4), // stx_dio_mem_align
    (156, 4), // stx_dio_offset_align
];

/// Guest `struct statx` from the host's bytes (host is little-endian).
pub fn statx_to_guest(abi: &Abi, host: &[u8; STATX_SIZE]) -> GuestWriter {
    let mut w = GuestWriter::new(STATX_SIZE, abi);
    for &(off, size) in STATX_FIELDS {
        let mut b = [0u8; 8];
        b[..size].copy_from_slice(&host[off..off + size]);
        w.uint(off, size, u64::from_le_bytes(b));
    }
    w
}

/// timespec / timeval (two 64-bit fields on 64-bit guests).
pub const TIMESPEC_SIZE: usize = 16;

pub fn timespec_to_guest(abi: &Abi, sec: i64, nsec: i64) -> GuestWriter {
    let mut w = GuestWriter::new(TIMESPEC_SIZE, abi);
    w.u64(0, sec as u64);
    w.u64(8, nsec as u64);
    w
}

pub fn timespec_from_guest(r: &GuestReader) -> libc::timespec {
    libc::timespec { tv_sec: r.u64(0) as i64, tv_nsec: r.u64(8) as i64 }
}

pub const RUSAGE_SIZE: usize = 144;

pub fn rusage_to_guest(abi: &Abi, ru: &libc::rusage) -> GuestWriter {
    let mut w = GuestWriter::new(RUSAGE_SIZE, abi);
    w.u64(0, ru.ru_utime.tv_sec as u64);
    w.u64(8, ru.ru_utime.tv_usec as u64);
    w.u64(16, ru.ru_stime.tv_sec as u64);
    w.u64(24, ru.ru_stime.tv_usec as u64);
    let longs = [
        ru.ru_maxrss,
        ru.ru_ixrss,
        ru.ru_idrss,
        ru.ru_isrss,
        ru.ru_minflt,
        ru.ru_majflt,
        ru.ru_nswap,
        ru.ru_inblock,
        ru.ru_oublock,
        ru.ru_msgsnd,
        ru.ru_msgrcv,
        ru.ru_nsignals,
        ru.ru_nvcsw,
        ru.ru_nivcsw,
    ];
    for (i, v) in longs.iter().enumerate() {
        w.u64(32 + 8 * i, *v as u64);
    }
    w
}

pub const SYSINFO_SIZE: usize = 112;

pub fn sysinfo_to_guest(abi: &Abi, si: &libc::sysinfo) -> GuestWriter {
    let mut w = GuestWriter::new(SYSINFO_SIZE, abi);
    w.u64(0, si.uptime as u64);
    for (i, v) in si.loads.iter().enumerate() {
        w.u64(8 + 8 * i, *v);
    }
    let words = [si.totalram, si.freeram, si.sharedram, si.bufferram, si.totalswap, si.freeswap];
    for (i, v) in words.iter().enumerate() {
        w.u64(32 + 8 * i, *v);
    }
    w.u16(80, si.procs);
    w.u64(88, si.totalhigh);
    w.u64(96, si.freehigh);
    w.u32(104, si.mem_unit);
    w
}

pub const UTSNAME_FIELD: usize = 65;
pub const UTSNAME_SIZE: usize = 6 * UTSNAME_FIELD;

/// Guest utsname: sysname, nodename, release, version, machine, domainname (65 bytes each).
pub fn utsname_to_guest(abi: &Abi, fields: [&[u8]; 6]) -> GuestWriter {
    let mut w = GuestWriter::new(UTSNAME_SIZE, abi);
    for (i, f) in fields.iter().enumerate() {
        let n = f.len().min(UTSNAME_FIELD - 1);
        w.bytes(i * UTSNAME_FIELD, &f[..n]);
    }
    w
}

/// The kernel's `struct termios` on an x86-64 host (what TCGETS/TCSETS take).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KTermios {
    pub c_iflag: u32,
    pub c_oflag: u32,
    pub c_cflag: u32,
    pub c_lflag: u32,
    pub c_line: u8,
    pub c_cc: [u8; 19],
}

/// Size of the guest's kernel termios.
pub fn termios_size(abi: &Abi) -> usize {
    17 + abi.nccs
}

/// Guest termios from the host's. The asm-generic flag bits and c_cc indices are the x86-64
/// ones, so for aarch64 this is a field copy.
pub fn termios_to_guest(abi: &Abi, t: &KTermios) -> GuestWriter {
    let mut w = GuestWriter::new(termios_size(abi), abi);
    w.u32(0, t.c_iflag);
    w.u32(4, t.c_oflag);
    w.u32(8, t.c_cflag);
    w.u32(12, t.c_lflag);
    w.u8(16, t.c_line);
    let n = abi.nccs.min(t.c_cc.len());
    w.bytes(17, &t.c_cc[..n]);
    w
}

pub fn termios_from_guest(abi: &Abi, r: &GuestReader) -> KTermios {
    let mut t = KTermios { c_iflag: r.u32(0), c_oflag: r.u32(4), c_cflag: r.u32(8), c_lflag: r.u32(12), c_line: r.u8(16), c_cc: [0; 19] };
    for i in 0..abi.nccs.min(19) {
        t.c_cc[i] = r.u8(17 + i);
    }
    t
}

/// The kernel's `struct termios2` on an x86-64 host (TCGETS2/TCSETS2): termios plus the
/// input and output speeds.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KTermios2 {
    pub t: KTermios,
    pub c_ispeed: u32,
    pub c_ospeed: u32,
}

/// Size of the guest's termios2 (termios, padded to 4, then two speeds).
pub fn termios2_size(abi: &Abi) -> usize {
    termios_size(abi).next_multiple_of(4) + 8
}

pub fn termios2_to_guest(abi: &Abi, t: &KTermios2) -> GuestWriter {
    let mut w = GuestWriter::new(termios2_size(abi), abi);
    let base = termios_to_guest(abi, &t.t);
    w.buf[..base.buf.len()].copy_from_slice(&base.buf);
    let off = termios_size(abi).next_multiple_of(4);
    w.u32(off, t.c_ispeed);
    w.u32(off + 4, t.c_ospeed);
    w
}

pub fn termios2_from_guest(abi: &Abi, r: &GuestReader) -> KTermios2 {
    let off = termios_size(abi).next_multiple_of(4);
    KTermios2 { t: termios_from_guest(abi, r), c_ispeed: r.u32(off), c_ospeed: r.u32(off + 4) }
}

/// The old `struct termio` (TCGETA/TCSETA): four u16 flag words, c_line, c_cc[8]; the same on
/// every Linux ABI except for byte order.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct KTermio {
    pub c_iflag: u16,
    pub c_oflag: u16,
    pub c_cflag: u16,
    pub c_lflag: u16,
    pub c_line: u8,
    pub c_cc: [u8; 8],
}

pub const TERMIO_SIZE: usize = 18;

pub fn termio_to_guest(abi: &Abi, t: &KTermio) -> GuestWriter {
    let mut w = GuestWriter::new(TERMIO_SIZE, abi);
    w.u16(0, t.c_iflag);
    w.u16(2, t.c_oflag);
    w.u16(4, t.c_cflag);
    w.u16(6, t.c_lflag);
    w.u8(8, t.c_line);
    w.bytes(9, &t.c_cc);
    w
}

pub fn termio_from_guest(r: &GuestReader) -> KTermio {
    let mut t = KTermio { c_iflag: r.u16(0), c_oflag: r.u16(2), c_cflag: r.u16(4), c_lflag: r.u16(6), c_line: r.u8(8), c_cc: [0; 8] };
    for (i, c) in t.c_cc.iter_mut().enumerate() {
        *c = r.u8(9 + i);
    }
    t
}

pub const WINSIZE_SIZE: usize = 8;

pub fn winsize_to_guest(abi: &Abi, ws: &libc::winsize) -> GuestWriter {
    let mut w = GuestWriter::new(WINSIZE_SIZE, abi);
    w.u16(0, ws.ws_row);
    w.u16(2, ws.ws_col);
    w.u16(4, ws.ws_xpixel);
    w.u16(6, ws.ws_ypixel);
    w
}

pub fn winsize_from_guest(r: &GuestReader) -> libc::winsize {
    libc::winsize { ws_row: r.u16(0), ws_col: r.u16(2), ws_xpixel: r.u16(4), ws_ypixel: r.u16(6) }
}

pub const RLIMIT_SIZE: usize = 16;

pub fn rlimit_to_guest(abi: &Abi, rl: &libc::rlimit) -> GuestWriter {
    let mut w = GuestWriter::new(RLIMIT_SIZE, abi);
    w.u64(0, rl.rlim_cur);
    w.u64(8, rl.rlim_max);
    w
}

pub fn rlimit_from_guest(r: &GuestReader) -> libc::rlimit {
    libc::rlimit { rlim_cur: r.u64(0), rlim_max: r.u64(8) }
}

pub const STATFS_SIZE: usize = 120;

/// 64-bit `struct statfs` (the x86-64 kernel's has the same 120-byte layout): eleven 64-bit
/// words (f_fsid is two ints) then f_spare. `host` is the host kernel's struct as words.
pub fn statfs_to_guest(abi: &Abi, host: &[u64; 15]) -> GuestWriter {
    let mut w = GuestWriter::new(STATFS_SIZE, abi);
    for (i, v) in host.iter().enumerate().take(11) {
        if i == 7 {
            // f_fsid: two ints.
            w.u32(56, *v as u32);
            w.u32(60, (*v >> 32) as u32);
        } else {
            w.u64(8 * i, *v);
        }
    }
    w
}

pub const TMS_SIZE: usize = 32;

pub fn tms_to_guest(abi: &Abi, t: &libc::tms) -> GuestWriter {
    let mut w = GuestWriter::new(TMS_SIZE, abi);
    w.u64(0, t.tms_utime as u64);
    w.u64(8, t.tms_stime as u64);
    w.u64(16, t.tms_cutime as u64);
    w.u64(24, t.tms_cstime as u64);
    w
}

/// Rewrite host `linux_dirent64` records in place for the guest (the layout is shared; only a
/// big-endian guest needs the d_ino, d_off and d_reclen fields swapped).
pub fn dirents_to_guest(abi: &Abi, buf: &mut [u8]) {
    if !abi.big_endian {
        return;
    }
    let mut off = 0;
    while off + 19 <= buf.len() {
        let reclen = u16::from_le_bytes([buf[off + 16], buf[off + 17]]) as usize;
        buf[off..off + 8].reverse();
        buf[off + 8..off + 16].reverse();
        buf[off + 16..off + 18].reverse();
        if reclen == 0 {
            break;
        }
        off += reclen;
    }
}

/// The kernel's `struct sigaction` for 64-bit generic guests: handler, flags, restorer, mask.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct GuestSigaction {
    pub handler: u64,
    pub flags: u64,
    pub restorer: u64,
    pub mask: u64,
}

pub const SIGACTION_SIZE: usize = 32;

pub fn sigaction_to_guest(abi: &Abi, sa: &GuestSigaction) -> GuestWriter {
    let mut w = GuestWriter::new(SIGACTION_SIZE, abi);
    w.u64(0, sa.handler);
    w.u64(8, sa.flags);
    w.u64(16, sa.restorer);
    w.u64(24, sa.mask);
    w
}

pub fn sigaction_from_guest(r: &GuestReader) -> GuestSigaction {
    GuestSigaction { handler: r.u64(0), flags: r.u64(8), restorer: r.u64(16), mask: r.u64(24) }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::linux::convert::aarch64::ABI;

    fn le_u64(b: &[u8], off: usize) -> u64 {
        u64::from_le_bytes(b[off..off + 8].try_into().unwrap())
    }
    fn le_u32(b: &[u8], off: usize) -> u32 {
        u32::from_le_bytes(b[off..off + 4].try_into().unwrap())
    }

    #[test]
    fn stat_layout_matches_aarch64_header() {
        // Offsets printed by offsetof() in an aarch64 program (asm-generic/stat.h).
        let mut st: libc::stat = unsafe { std::mem::zeroed() };
        st.st_dev = 0x0102;
        st.st_ino = 0x1122334455;
        st.st_mode = 0o100644;
        st.st_nlink = 3;
        st.st_uid = 1000;
        st.st_gid = 100;
        st.st_rdev = 0x0503;
        st.st_size = 123456789;
        st.st_blksize = 4096;
        st.st_blocks = 24;
        st.st_atime = 1700000001;
        st.st_atime_nsec = 11;
        st.st_mtime = 1700000002;
        st.st_mtime_nsec = 22;
        st.st_ctime = 1700000003;
        st.st_ctime_nsec = 33;
        let b = stat_to_guest(&ABI, &st).buf;
        assert_eq!(b.len(), 128);
        assert_eq!(le_u64(&b, 0), 0x0102);
        assert_eq!(le_u64(&b, 8), 0x1122334455);
        assert_eq!(le_u32(&b, 16), 0o100644);
        assert_eq!(le_u32(&b, 20), 3);
        assert_eq!(le_u32(&b, 24), 1000);
        assert_eq!(le_u32(&b, 28), 100);
        assert_eq!(le_u64(&b, 32), 0x0503);
        assert_eq!(le_u64(&b, 40), 0); // __pad1
        assert_eq!(le_u64(&b, 48), 123456789);
        assert_eq!(le_u32(&b, 56), 4096);
        assert_eq!(le_u64(&b, 64), 24);
        assert_eq!((le_u64(&b, 72), le_u64(&b, 80)), (1700000001, 11));
        assert_eq!((le_u64(&b, 88), le_u64(&b, 96)), (1700000002, 22));
        assert_eq!((le_u64(&b, 104), le_u64(&b, 112)), (1700000003, 33));
        assert_eq!(&b[120..128], &[0; 8]);
    }

    #[test]
    fn stat_layout_is_sorted_and_fits() {
        let mut end = 0;
        for &(_, off, size) in ABI.stat_layout {
            assert!(off >= end && off % size == 0);
            end = off + size;
        }
        assert!(end <= ABI.stat_size);
    }

    #[test]
    fn statx_copies_fields() {
        let mut host = [0u8; STATX_SIZE];
        host[28..30].copy_from_slice(&0o40755u16.to_le_bytes());
        host[40..48].copy_from_slice(&77u64.to_le_bytes());
        host[200] = 0xaa; // reserved: not copied
        let b = statx_to_guest(&ABI, &host).buf;
        assert_eq!(u16::from_le_bytes([b[28], b[29]]), 0o40755);
        assert_eq!(le_u64(&b, 40), 77);
        assert_eq!(b[200], 0);
    }

    #[test]
    fn small_structs() {
        let t = KTermios { c_iflag: 1, c_oflag: 2, c_cflag: 3, c_lflag: 4, c_line: 5, c_cc: [7; 19] };
        let b = termios_to_guest(&ABI, &t).buf;
        assert_eq!(b.len(), 36);
        assert_eq!(termios_from_guest(&ABI, &GuestReader::from_bytes(b, &ABI)), t);
        assert_eq!(std::mem::size_of::<KTermios>(), 36);
        assert_eq!(std::mem::size_of::<KTermios2>(), 44);
        assert_eq!(termios2_size(&ABI), 44);
        let t2 = KTermios2 { t, c_ispeed: 9600, c_ospeed: 38400 };
        let b = termios2_to_guest(&ABI, &t2).buf;
        assert_eq!((le_u32(&b, 36), le_u32(&b, 40)), (9600, 38400));
        assert_eq!(termios2_from_guest(&ABI, &GuestReader::from_bytes(b, &ABI)), t2);
        assert_eq!(std::mem::size_of::<KTermio>(), TERMIO_SIZE);

        let mut si: libc::sysinfo = unsafe { std::mem::zeroed() };
        si.procs = 9;
        si.mem_unit = 1;
        si.totalhigh = 5;
        let b = sysinfo_to_guest(&ABI, &si).buf;
        assert_eq!((b[80], le_u64(&b, 88), le_u32(&b, 104)), (9, 5, 1));

        let mut ru: libc::rusage = unsafe { std::mem::zeroed() };
        ru.ru_maxrss = 1234;
        ru.ru_nivcsw = 99;
        let b = rusage_to_guest(&ABI, &ru).buf;
        assert_eq!((le_u64(&b, 32), le_u64(&b, 136)), (1234, 99));

        let u = utsname_to_guest(&ABI, [b"Linux", b"host", b"6.1", b"#1", b"aarch64", b"(none)"]).buf;
        assert_eq!(u.len(), 390);
        assert_eq!(&u[4 * 65..4 * 65 + 8], b"aarch64\0");
    }
}
