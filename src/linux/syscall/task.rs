//! The task's context beyond its ids: capabilities (`capget`, `capset`), namespaces
//! (`unshare`, `setns`), the execution domain (`personality`) and comparing kernel objects
//! of two tasks (`kcmp`).
//!
//! One guest process is one host process (and one guest thread one host thread), so these
//! act on the host task: capabilities are per thread on the host as on the guest's kernel,
//! namespaces are the host's, and the personality is the host's, which the host kernel keeps
//! across fork and across ruser's re-execution of itself for a guest `execve`, exactly as the
//! guest's kernel would across the guest's. The personality flags that matter to an aarch64
//! kernel act the same on the host: `ADDR_NO_RANDOMIZE` (the host then places the guest's
//! stack and its `mmap`s without randomisation; ruser's own bases for programs, interpreters
//! and brk are fixed anyway), `UNAME26` (the host's `uname` reports 2.6.x), `ADDR_COMPAT_LAYOUT`
//! (bottom-up `mmap`), `READ_IMPLIES_EXEC` (cleared at exec on both).

use super::{host, int, Ctx, Handler, SysResult};
use crate::linux::convert::GuestWriter;
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("capget", sys_capget),
    ("capset", sys_capset),
    ("personality", sys_personality),
    ("unshare", sys_unshare),
    ("setns", sys_setns),
    ("kcmp", sys_kcmp),
];

// ---------------------------------------------------------------- capabilities

const CAP_V1: u32 = 0x1998_0330;
const CAP_V2: u32 = 0x2007_1026;
const CAP_V3: u32 = 0x2008_0522;
/// `struct __user_cap_header_struct`: u32 version, int pid.
const CAP_HEADER_SIZE: usize = 8;
/// `struct __user_cap_data_struct`: u32 effective, permitted, inheritable.
const CAP_DATA_SIZE: usize = 12;

/// How many data structs a header version uses (None: a version the kernel does not know).
fn cap_words(version: u32) -> Option<usize> {
    match version {
        CAP_V1 => Some(1),
        CAP_V2 | CAP_V3 => Some(2),
        _ => None,
    }
}

/// The guest's cap header as host words, with the guest's version and pid.
fn cap_header(c: &Ctx, addr: u64) -> Result<[u32; 2], Errno> {
    let r = c.get(addr, CAP_HEADER_SIZE)?;
    Ok([r.u32(0), r.u32(4)])
}

/// The kernel answers an unknown header version by writing the version it prefers into the
/// header (then EINVAL, or 0 when there is no data pointer: the way to ask for it).
fn write_back_version(c: &Ctx, addr: u64, before: u32, after: u32) -> Result<(), Errno> {
    if before != after {
        let mut w = GuestWriter::new(4, c.abi);
        w.u32(0, after);
        c.put(addr, &w)?;
    }
    Ok(())
}

/// capget(header, data): 1 data struct for version 1, 2 for versions 2 and 3.
fn sys_capget(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut hdr = cap_header(c, a[0])?;
    let version = hdr[0];
    let mut data = [0u32; 6];
    let dp = if a[1] == 0 { std::ptr::null_mut() } else { data.as_mut_ptr() };
    let r = host(unsafe { libc::syscall(libc::SYS_capget, hdr.as_mut_ptr(), dp) });
    write_back_version(c, a[0], version, hdr[0])?;
    r?;
    if let (Some(n), true) = (cap_words(version), a[1] != 0) {
        let mut w = GuestWriter::new(n * CAP_DATA_SIZE, c.abi);
        for (i, &v) in data[..3 * n].iter().enumerate() {
            w.u32(4 * i, v);
        }
        c.put(a[1], &w)?;
    }
    Ok(0)
}

/// capset(header, data): sets the calling thread's capabilities.
fn sys_capset(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut hdr = cap_header(c, a[0])?;
    let version = hdr[0];
    let Some(n) = cap_words(version) else {
        // Let the host answer (EINVAL, with its preferred version in the header).
        let r = host(unsafe { libc::syscall(libc::SYS_capset, hdr.as_mut_ptr(), std::ptr::null::<u32>()) });
        write_back_version(c, a[0], version, hdr[0])?;
        return r;
    };
    // Only the calling thread's own capabilities can be set (checked before the data is read).
    let pid = hdr[1] as i32;
    if pid != 0 && pid != crate::linux::gettid() {
        return Err(Errno::EPERM);
    }
    let d = c.get(a[1], n * CAP_DATA_SIZE)?;
    let mut data = [0u32; 6];
    for (i, v) in data[..3 * n].iter_mut().enumerate() {
        *v = d.u32(4 * i);
    }
    host(unsafe { libc::syscall(libc::SYS_capset, hdr.as_mut_ptr(), data.as_ptr()) })
}

// ---------------------------------------------------------------- personality

/// `PER_LINUX32`: the 32-bit execution domain.
const PER_LINUX32: u32 = 0x0008;
/// The personality mask of the execution-domain byte (`PER_MASK`).
const PER_MASK: u32 = 0x00ff;

/// personality(persona): 0xffffffff only asks. An arm64 kernel refuses `PER_LINUX32` when
/// the CPU cannot run AArch32 code at EL0 (arch/arm64/kernel/sys.c), and ruser runs no AArch32
/// code; every other value is the host's to keep.
fn sys_personality(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let persona = a[0] as u32;
    if persona != u32::MAX && persona & PER_MASK == PER_LINUX32 {
        return Err(Errno::EINVAL);
    }
    // The raw call: glibc's wrapper would turn a returned persona with the top bit set into
    // an error.
    Ok(unsafe { libc::syscall(libc::SYS_personality, persona as u64) } as u32 as u64)
}

// ---------------------------------------------------------------- namespaces

fn sys_unshare(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_unshare, a[0] as u32 as i32) })
}

fn sys_setns(_c: &mut Ctx, a: [u64; 6]) -> SysResult {
    host(unsafe { libc::syscall(libc::SYS_setns, int(a[0]), int(a[1])) })
}

// ---------------------------------------------------------------- kcmp

const KCMP_FILE: i32 = 0;
const KCMP_EPOLL_TFD: i32 = 7;

/// An fd of `pid` that is one of ruser's own: the guest must not see it (EBADF, as for an fd
/// that is not open).
fn own_fd_of(pid: i32, fd: u64) -> bool {
    let me = std::process::id() as i32;
    (pid == me || pid == crate::linux::gettid()) && crate::hostfd::is_own(fd as u32 as i32)
}

/// kcmp(pid1, pid2, type, idx1, idx2). For KCMP_EPOLL_TFD, idx2 points to a
/// `struct kcmp_epoll_slot` (three u32: efd, tfd, toff).
fn sys_kcmp(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let (pid1, pid2, ty) = (int(a[0]), int(a[1]), int(a[2]));
    match ty {
        KCMP_FILE => {
            if own_fd_of(pid1, a[3]) || own_fd_of(pid2, a[4]) {
                return Err(Errno::EBADF);
            }
            host(unsafe { libc::syscall(libc::SYS_kcmp, pid1, pid2, ty, a[3], a[4]) })
        }
        KCMP_EPOLL_TFD => {
            let r = c.get(a[4], 12)?;
            let slot = [r.u32(0), r.u32(4), r.u32(8)];
            if own_fd_of(pid1, a[3]) || own_fd_of(pid2, u64::from(slot[0])) || own_fd_of(pid2, u64::from(slot[1])) {
                return Err(Errno::EBADF);
            }
            host(unsafe { libc::syscall(libc::SYS_kcmp, pid1, pid2, ty, a[3], slot.as_ptr()) })
        }
        _ => host(unsafe { libc::syscall(libc::SYS_kcmp, pid1, pid2, ty, a[3], a[4]) }),
    }
}
