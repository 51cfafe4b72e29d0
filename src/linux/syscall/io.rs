//! Data transfer on fds: read/write and friends, and ioctl.

use super::{blocking, host, int, Ctx, Handler, SysResult};
use crate::linux::convert::{structs, GuestReader, GuestWriter, Ioctl};
use crate::log::Item;
use crate::logf;
use crate::mem::{PROT_READ, PROT_WRITE};
use nix::errno::Errno;

pub static HANDLERS: &[(&str, Handler)] = &[
    ("read", sys_read),
    ("write", sys_write),
    ("readv", sys_readv),
    ("writev", sys_writev),
    ("pread64", sys_pread64),
    ("pwrite64", sys_pwrite64),
    ("preadv", sys_preadv),
    ("pwritev", sys_pwritev),
    ("ioctl", sys_ioctl),
    ("ppoll", sys_ppoll),
    ("pselect6", sys_pselect6),
    ("sendfile", sys_sendfile),
];

/// Bigger transfers are cut to this size, as the kernel does (MAX_RW_COUNT).
const MAX_RW: u64 = 0x7fff_f000;

fn sys_read(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    blocking(libc::SYS_read, [a[0], p as u64, len as u64, 0, 0, 0])
}

fn sys_write(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    blocking(libc::SYS_write, [a[0], p as u64, len as u64, 0, 0, 0])
}

fn sys_pread64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_w(a[1], len)?;
    host(unsafe { libc::pread(int(a[0]), p as *mut _, len, a[3] as i64) } as i64)
}

fn sys_pwrite64(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let len = a[2].min(MAX_RW) as usize;
    let p = c.buf_r(a[1], len)?;
    host(unsafe { libc::pwrite(int(a[0]), p as *const _, len, a[3] as i64) } as i64)
}

const UIO_MAXIOV: u64 = 1024;

/// The guest iovec array as host iovecs, each buffer checked for `prot`.
fn iovecs(c: &Ctx, addr: u64, n: u64, prot: u32) -> Result<Vec<libc::iovec>, Errno> {
    if n > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    let r = c.get(addr, 16 * n as usize)?;
    let mut v = Vec::with_capacity(n as usize);
    for i in 0..n as usize {
        let (base, len) = (r.u64(16 * i), r.u64(16 * i + 8));
        if len > isize::MAX as u64 {
            return Err(Errno::EINVAL);
        }
        c.mem().check(base, len, prot)?;
        v.push(libc::iovec { iov_base: c.mem().g2h(base) as *mut _, iov_len: len as usize });
    }
    Ok(v)
}

fn sys_readv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    host(unsafe { libc::readv(int(a[0]), v.as_ptr(), v.len() as i32) } as i64)
}

fn sys_writev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    host(unsafe { libc::writev(int(a[0]), v.as_ptr(), v.len() as i32) } as i64)
}

fn sys_preadv(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_WRITE)?;
    host(unsafe { libc::preadv(int(a[0]), v.as_ptr(), v.len() as i32, a[3] as i64) } as i64)
}

fn sys_pwritev(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let v = iovecs(c, a[1], a[2], PROT_READ)?;
    host(unsafe { libc::pwritev(int(a[0]), v.as_ptr(), v.len() as i32, a[3] as i64) } as i64)
}

fn put_int(c: &Ctx, addr: u64, v: i32) -> Result<(), Errno> {
    let mut w = GuestWriter::new(4, c.abi);
    w.u32(0, v as u32);
    c.put(addr, &w)
}

fn sys_ioctl(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let fd = int(a[0]);
    let req = a[1] as u32;
    let arg = a[2];
    let Some(&(_, what)) = c.abi.ioctls.iter().find(|(n, _)| *n == req) else {
        logf!(Item::Unimp, "ruser: unimplemented ioctl {req:#x} on fd {fd}");
        return Err(Errno::ENOTTY);
    };
    match what {
        Ioctl::Tcgets => {
            let mut t = structs::KTermios::default();
            host(unsafe { libc::ioctl(fd, libc::TCGETS, &mut t) } as i64)?;
            c.put(arg, &structs::termios_to_guest(c.abi, &t))?;
            Ok(0)
        }
        Ioctl::Tcsets | Ioctl::Tcsetsw | Ioctl::Tcsetsf => {
            let r = c.get(arg, structs::termios_size(c.abi))?;
            let t = structs::termios_from_guest(c.abi, &r);
            let hreq = match what {
                Ioctl::Tcsets => libc::TCSETS,
                Ioctl::Tcsetsw => libc::TCSETSW,
                _ => libc::TCSETSF,
            };
            host(unsafe { libc::ioctl(fd, hreq, &t) } as i64)
        }
        Ioctl::Tiocgwinsz => {
            let mut ws: libc::winsize = unsafe { std::mem::zeroed() };
            host(unsafe { libc::ioctl(fd, libc::TIOCGWINSZ, &mut ws) } as i64)?;
            c.put(arg, &structs::winsize_to_guest(c.abi, &ws))?;
            Ok(0)
        }
        Ioctl::Tiocswinsz => {
            let ws = structs::winsize_from_guest(&c.get(arg, structs::WINSIZE_SIZE)?);
            host(unsafe { libc::ioctl(fd, libc::TIOCSWINSZ, &ws) } as i64)
        }
        Ioctl::Fionread | Ioctl::Tiocgpgrp => {
            let mut v: i32 = 0;
            let hreq = if what == Ioctl::Fionread { libc::FIONREAD } else { libc::TIOCGPGRP };
            host(unsafe { libc::ioctl(fd, hreq, &mut v) } as i64)?;
            put_int(c, arg, v)?;
            Ok(0)
        }
        Ioctl::Tiocspgrp | Ioctl::Fionbio => {
            let v = c.get(arg, 4)?.u32(0) as i32;
            let hreq = if what == Ioctl::Fionbio { libc::FIONBIO } else { libc::TIOCSPGRP };
            host(unsafe { libc::ioctl(fd, hreq, &v) } as i64)
        }
        Ioctl::Fioclex => host(unsafe { libc::ioctl(fd, libc::FIOCLEX) } as i64),
        Ioctl::Fionclex => host(unsafe { libc::ioctl(fd, libc::FIONCLEX) } as i64),
    }
}

/// An optional timeout argument.
fn timeout(c: &Ctx, addr: u64) -> Result<Option<libc::timespec>, Errno> {
    if addr == 0 {
        return Ok(None);
    }
    Ok(Some(structs::timespec_from_guest(&c.get(addr, structs::TIMESPEC_SIZE)?)))
}

/// ppoll(fds, nfds, timeout, sigmask, sigsetsize). The guest's signal mask is not applied
/// to the host yet (signal delivery comes later); the timeout left is written back.
fn sys_ppoll(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = a[1];
    if n > 1 << 20 {
        return Err(Errno::EINVAL);
    }
    let r = c.get(a[0], 8 * n as usize)?;
    crate::linux::convert::check_w(c.mem(), a[0], 8 * n as usize)?;
    let mut fds: Vec<libc::pollfd> =
        (0..n as usize).map(|i| libc::pollfd { fd: r.u32(8 * i) as i32, events: r.u16(8 * i + 4) as i16, revents: 0 }).collect();
    let mut ts = timeout(c, a[2])?;
    let tp = ts.as_mut().map_or(std::ptr::null_mut(), |t| t as *mut _);
    let ret = host(unsafe { libc::syscall(libc::SYS_ppoll, fds.as_mut_ptr(), n, tp, std::ptr::null::<u8>(), 8) })?;
    let mut w = GuestWriter::new(8 * n as usize, c.abi);
    for (i, f) in fds.iter().enumerate() {
        w.u32(8 * i, f.fd as u32);
        w.u16(8 * i + 4, f.events as u16);
        w.u16(8 * i + 6, f.revents as u16);
    }
    c.put(a[0], &w)?;
    if let Some(t) = ts {
        c.put(a[2], &structs::timespec_to_guest(c.abi, t.tv_sec, t.tv_nsec))?;
    }
    Ok(ret)
}

/// pselect6(n, in, out, ex, timeout, sigmask-data). fd_sets are arrays of longs: the same
/// bytes on a little-endian 64-bit guest, swapped per word otherwise.
fn sys_pselect6(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let n = int(a[0]);
    if !(0..=1 << 20).contains(&n) {
        return Err(Errno::EINVAL);
    }
    let bytes = (n as usize).div_ceil(64) * 8;
    let mut sets: Vec<Option<Vec<u8>>> = Vec::new();
    for &p in &a[1..4] {
        if p == 0 {
            sets.push(None);
            continue;
        }
        let mut b = c.get(p, bytes)?.buf;
        crate::linux::convert::check_w(c.mem(), p, bytes)?;
        if c.abi.big_endian {
            b.chunks_mut(8).for_each(|w| w.reverse());
        }
        sets.push(Some(b));
    }
    let mut ts = timeout(c, a[4])?;
    let tp = ts.as_mut().map_or(std::ptr::null_mut(), |t| t as *mut _);
    let ptrs: Vec<*mut u8> = sets.iter_mut().map(|s| s.as_mut().map_or(std::ptr::null_mut(), |b| b.as_mut_ptr())).collect();
    let ret = host(unsafe { libc::syscall(libc::SYS_pselect6, n, ptrs[0], ptrs[1], ptrs[2], tp, std::ptr::null::<u8>()) })?;
    for (s, &p) in sets.iter_mut().zip(&a[1..4]) {
        if let Some(b) = s {
            if c.abi.big_endian {
                b.chunks_mut(8).for_each(|w| w.reverse());
            }
            c.mem().write(p, b)?;
        }
    }
    if let Some(t) = ts {
        c.put(a[4], &structs::timespec_to_guest(c.abi, t.tv_sec, t.tv_nsec))?;
    }
    Ok(ret)
}

/// sendfile(out, in, *offset, count).
fn sys_sendfile(c: &mut Ctx, a: [u64; 6]) -> SysResult {
    let mut off: i64 = 0;
    if a[2] != 0 {
        off = GuestReader::load(c.mem(), a[2], 8, c.abi)?.u64(0) as i64;
        crate::linux::convert::check_w(c.mem(), a[2], 8)?;
    }
    let op = if a[2] == 0 { std::ptr::null_mut() } else { &mut off as *mut i64 };
    let ret = host(unsafe { libc::sendfile(int(a[0]), int(a[1]), op, a[3].min(MAX_RW) as usize) } as i64)?;
    if a[2] != 0 {
        let mut w = GuestWriter::new(8, c.abi);
        w.u64(0, off as u64);
        c.put(a[2], &w)?;
    }
    Ok(ret)
}
